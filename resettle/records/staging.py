"""What applications and records imports share in writing a file in short transactions under a
pending `ImportBatch` (its `state`): pausing for waiting pages on SQLite, removing what a run cut
short left behind, and undoing a run that failed half way. Users never see a pending or failed
batch's rows, so each import stays all or nothing as they see it, and safe to re-run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from resettle.audit.services import record_event
from resettle.records.models import ImportBatch, RecordSource
from resettle.tabular import Problem, Table, TableError

log = logging.getLogger(__name__)

# Between two transactions on SQLite an import pauses a little longer than the longest sleep of
# SQLite's busy handler (100 ms): a page waiting for the lock retries within the pause and gets
# it, where a writer that took the lock again at once could starve it until its busy timeout.
SQLITE_PAUSE = 0.12


def let_others_write() -> None:
    """Between an import's transactions on SQLite, let a page waiting for the write lock have it."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(SQLITE_PAUSE)


def open_batch(*, kind: str, table: Table, rows: int, actor, source: RecordSource | None = None) -> ImportBatch:
    """The complete batch of this very file (already imported: the caller changes nothing), or
    a new pending one. A pending batch of the same file whose writer still beats is an import
    under way: refused with a message, not raced."""
    with transaction.atomic():
        same_file = list(ImportBatch.objects.filter(kind=kind, source=source, sha256=table.sha256,
                                                    state__in=[ImportBatch.COMPLETE, ImportBatch.PENDING]))
        done = next((b for b in same_file if b.state == ImportBatch.COMPLETE), None)
        if done:
            return done
        running = next((b for b in same_file if b.state == ImportBatch.PENDING and b.is_being_written()), None)
        if running:
            raise TableError([Problem(table.name, 0, "-", f"this file is being imported now (batch {running.pk}, "
                                                          f"started {running.imported_at:%Y-%m-%d %H:%M} UTC); "
                                                          "wait for that import to finish")])
        return ImportBatch.objects.create(kind=kind, source=source, file_name=table.name, sha256=table.sha256,
                                          rows=rows, imported_by=actor, state=ImportBatch.PENDING,
                                          heartbeat=timezone.now(), writer=ImportBatch.this_writer())


def remove_in_chunks(remove_chunk: Callable[[], int]) -> int:
    """Call remove_chunk, one transaction each, until it removes nothing (pausing between on
    SQLite, as writing does); how many it removed in all. A batch's rows go a chunk at a time
    for the same reason they were written so: one long delete would hold SQLite's lock."""
    removed = 0
    while True:
        with transaction.atomic():
            count = remove_chunk()
        if not count:
            return removed
        removed += count
        let_others_write()


def remove_abandoned(*, kind: str, rows: str, remove: Callable[[list[int]], int], action: str, actor,
                     keep: ImportBatch) -> None:
    """Remove what imports of this kind cut short (a killed process) or failed half way through
    their clean-up left behind: unseen by users, but holding ids the next file may reuse."""
    for old in ImportBatch.abandoned(kind, rows=rows, keep=keep):
        ImportBatch.objects.filter(pk=old.pk).update(state=ImportBatch.FAILED)
        removed = remove([old.pk])
        ImportBatch.objects.filter(pk=keep.pk).update(heartbeat=timezone.now())
        record_event(actor=actor, action=action, target=old,
                     details={"removed": removed, "why": "cut short; removed by a later import"})


def fail(*, batch: ImportBatch, remove: Callable[[list[int]], int], action: str, actor,
         error: BaseException) -> None:
    """Undo a failed import: remove what it wrote, mark it failed, audit that. Never raises, so
    the caller re-raises the original error, the one its user needs to read."""
    try:
        ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.FAILED)
        removed = remove([batch.pk])
        record_event(actor=actor, action=action, target=batch, details={"removed": removed, "why": type(error).__name__})
    except Exception:  # what is left is unseen, and the next import of the same kind removes it
        log.exception("could not remove what failed import batch %s wrote", batch.pk)
