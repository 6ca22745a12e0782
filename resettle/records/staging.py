"""What applications and records imports share in writing a file in short transactions under a
pending `ImportBatch` (its `state`): pausing for waiting pages on SQLite, removing what a run cut
short left behind, and undoing a run that failed half way. Users never see a pending or failed
batch's rows, so each import stays all or nothing as they see it, and safe to re-run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import connection
from django.utils import timezone

from resettle.audit.services import record_event
from resettle.records.models import ImportBatch

log = logging.getLogger(__name__)


def let_others_write(pause: float) -> None:
    """On SQLite, pause a little longer than the longest sleep of its busy handler (100 ms), so
    a page waiting for the write lock gets it before the import takes it again."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        time.sleep(pause)


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
