"""Writes to employment records. Each function is the one write path for its change."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from resettle.audit.services import deferred_events, record_event
from resettle.core import keys
from resettle.core.fields import BlindIndexField, EncryptedTextField, Sealed
from resettle.names import places
from resettle.names.dates import parse_birth_date
from resettle.records.signals import records_changed
from resettle.records import staging
from resettle.records.models import EmploymentRecord, ImportBatch, RecordSource
from resettle.tabular import Problem, TableError, read_table
from resettle.tabular.values import parse_date

RECORD_COLUMNS_REQUIRED = ("record_id", "full_name")
RECORD_COLUMNS_OPTIONAL = ("father_name", "grandfather_name", "birth_year", "employer", "role", "unit",
                           "location", "start_date", "end_date")
BULK = 250  # new records per INSERT (a transaction ends at the first INSERT past CHUNK_SECONDS)
# A transaction of new records ends once it has taken CHUNK_SECONDS (2,000 rows took 1.7 s on a
# loaded machine): a page waits about that long at most for SQLite's lock (staging.let_others_write
# between two).
CHUNK_SECONDS = 0.5


@dataclass
class ImportResult:
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    batch_id: int | None
    already_imported: bool = False

    def __str__(self) -> str:
        if self.already_imported:
            return f"{self.file}: already imported as batch {self.batch_id}; nothing changed"
        return (f"{self.file}: {self.rows} rows; {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged (batch {self.batch_id})")



def infer_employer(source_name: str) -> str:
    """'nzdf-prt-bamyan' -> nzdf: try the name, then ever shorter leading parts of it."""
    words = source_name.replace("-", " ").replace("_", " ").split()
    for n in range(len(words), 0, -1):
        employer = places.canonical_employer(" ".join(words[:n]))
        if employer and employer != "other":
            return employer
    return "other"


@transaction.atomic
def source_get_or_create(*, name: str, employer: str | None = None, actor=None) -> RecordSource:
    source = RecordSource.objects.filter(name=name).first()
    if source:
        return source
    employer = employer or infer_employer(name)
    source = RecordSource.objects.create(name=name, employer=employer)
    record_event(actor=actor, action="records.source_created", target=source, details={"employer": employer})
    return source


def _clean_record_row(label: str, number: int, row: dict[str, str], default_employer: str,
                      problems: list[Problem]) -> dict | None:
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(label, number, column, message))

    if not row.get("record_id"):
        bad("record_id", "is empty; every record needs the source's own id")
    if not row.get("full_name"):
        bad("full_name", "is empty")
    birth = row.get("birth_year", "")
    if birth:
        try:
            parse_birth_date(birth)
        except ValueError as exc:
            bad("birth_year", str(exc))
    dates = {}
    for col, end in (("start_date", False), ("end_date", True)):
        try:
            dates[col] = parse_date(row.get(col, ""), end_of_period=end)
        except ValueError as exc:
            bad(col, str(exc))
    if dates.get("start_date") and dates.get("end_date") and dates["start_date"] > dates["end_date"]:
        bad("end_date", "is before start_date")
    if len(problems) > before:
        return None
    return {
        "source_record_id": row["record_id"],
        "full_name": row["full_name"],
        "father_name": row.get("father_name", ""),
        "grandfather_name": row.get("grandfather_name", ""),
        "birth_year": birth,
        "employer": places.canonical_employer(row["employer"]) if row.get("employer") else default_employer,
        "role": places.canonical_role(row.get("role", "")) or "other",
        "unit": places.canonical_unit(row.get("unit", "")) or "other",
        "location": places.canonical_location(row.get("location", "")) or "other",
        "raw_role": row.get("role", "")[:200],
        "raw_unit": row.get("unit", "")[:200],
        "raw_location": row.get("location", "")[:200],
        "start_date": dates["start_date"],
        "end_date": dates["end_date"],
    }


def _content_hash(values: dict) -> str:
    """Keyed digest of a cleaned row, to tell a changed re-import from an unchanged one.

    An HMAC under the index key, not a bare SHA-256: the row holds names and a birth year, and
    an unkeyed digest would let anyone with a copy of the database and no keys test guessed
    identities against it offline. Rotating the index key makes every record look changed once
    on its next re-import (it is rewritten with the same values)."""
    body = json.dumps(values, sort_keys=True, default=str).encode()
    return hmac.new(keys.index_key(), b"record.content\x00" + body, hashlib.sha256).hexdigest()


def _sealed(record: EmploymentRecord) -> EmploymentRecord:
    """Compute a new record's blind indexes and seal its encrypted fields now, so that saving it
    later only writes (the fields keep what is computed here)."""
    fields = record._meta.concrete_fields
    for field in fields:
        if isinstance(field, BlindIndexField):
            setattr(record, field.attname, field.digest(getattr(record, field.source)))
    for field in fields:
        if isinstance(field, EncryptedTextField):
            sealed = field.pre_save(record, True)
            if isinstance(sealed, Sealed):
                record.__dict__[field.attname] = sealed
    return record


def import_records(*, path: str | Path, source_name: str, actor=None, employer: str | None = None,
                   encoding: str | None = None, mapping: dict[str, str] | None = None,
                   progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import an HR file: all rows or none.

    Every row is checked before anything is written; any problem rejects the whole file with
    every problem listed as file:row:column. Re-importing the same file changes nothing, and a
    corrected file updates only the rows whose content changed.
    """
    field = EmploymentRecord._meta.get_field
    limits = {"record_id": field("source_record_id").max_length, "role": field("raw_role").max_length,
              "unit": field("raw_unit").max_length, "location": field("raw_location").max_length}
    table = read_table(path, required=RECORD_COLUMNS_REQUIRED, optional=RECORD_COLUMNS_OPTIONAL,
                       encoding=encoding, mapping=mapping, limits=limits)
    existing_source = RecordSource.objects.filter(name=source_name).first()
    default_employer = (existing_source.employer if existing_source
                        else employer or infer_employer(source_name))
    problems: list[Problem] = []
    cleaned: list[tuple[int, dict]] = []
    seen: dict[str, int] = {}
    for number, row in table.rows:
        values = _clean_record_row(table.name, number, row, default_employer, problems)
        rid = row.get("record_id", "")
        if rid in seen:
            problems.append(Problem(table.name, number, "record_id", f"{rid!r} repeats row {seen[rid]}"))
            continue
        seen[rid] = number
        if values is not None:
            cleaned.append((number, values))
    if problems:
        raise TableError(problems)
    if not cleaned:
        raise TableError([Problem(table.name, 0, "-", "file has a header but no rows")])

    # New rows are sealed, indexed and digested before any transaction opens: on SQLite a
    # transaction holds the only write lock, and pages that audit a view wait for it, so it
    # should hold inserts only, not the cryptography of 200,000 rows.
    known_before = set(EmploymentRecord.objects.filter(source__name=source_name)
                       .values_list("source_record_id", flat=True))
    prepared = {number: _sealed(EmploymentRecord(row_number=number, content_sha256=_content_hash(values), **values))
                for number, values in cleaned if values["source_record_id"] not in known_before}
    with transaction.atomic(), deferred_events():
        source = source_get_or_create(name=source_name, employer=default_employer, actor=actor)
        batch = staging.open_batch(kind=ImportBatch.KIND_RECORDS, table=table, rows=len(cleaned), actor=actor,
                                   source=source)
        if batch.state == ImportBatch.COMPLETE:
            return ImportResult(table.name, len(cleaned), 0, 0, len(cleaned), batch.pk, already_imported=True)
    try:
        return _write_records(table, cleaned, prepared, source, batch, actor=actor, progress=progress)
    except BaseException as exc:
        _fail_records(batch, actor, exc)
        raise


def _write_records(table, cleaned, prepared, source, batch, *, actor, progress) -> ImportResult:
    """New rows in short transactions of about CHUNK_SECONDS each (on SQLite with a pause
    between, so pages waiting for the lock get it), unseen until the last transaction
    completes the batch with the changed rows, its counts and its audit event."""
    _remove_abandoned_records(actor, keep=batch)
    known = dict(EmploymentRecord.objects.filter(source=source).values_list("source_record_id", "content_sha256"))
    to_create: list[EmploymentRecord] = []
    changed: list[tuple[int, dict, str]] = []
    unchanged = 0
    for number, values in cleaned:
        ready = prepared.get(number)
        digest = ready.content_sha256 if ready is not None else _content_hash(values)
        rid = values["source_record_id"]
        if rid in known:
            if known[rid] == digest:
                unchanged += 1
            else:
                changed.append((number, values, digest))
        elif ready is not None:
            ready.source, ready.batch = source, batch
            to_create.append(ready)
        else:  # appeared since the rows were prepared (removed and re-imported meanwhile)
            to_create.append(EmploymentRecord(source=source, batch=batch, row_number=number,
                                              content_sha256=digest, **values))
    position = 0
    while position < len(to_create):
        started, first = time.monotonic(), position
        with transaction.atomic():
            while position < len(to_create):
                EmploymentRecord.all_objects.bulk_create(to_create[position:position + BULK])
                position = min(position + BULK, len(to_create))
                if time.monotonic() - started >= CHUNK_SECONDS:
                    break
            ImportBatch.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())
        if progress:
            progress(position - first)
        staging.let_others_write()
    created = len(to_create)
    # Corrections are few (a fixed name, a new end date) and are written with the completion,
    # so a failure cannot leave a record half way between two files.
    with transaction.atomic(), deferred_events():
        for number, values, digest in changed:
            record = EmploymentRecord.objects.get(source=source, source_record_id=values["source_record_id"])
            for key, value in values.items():
                setattr(record, key, value)
            record.batch, record.row_number, record.content_sha256 = batch, number, digest
            record.save()
        completed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.PENDING).update(
            state=ImportBatch.COMPLETE, created=created, unchanged=unchanged, heartbeat=timezone.now())
        if not completed:  # another run took this one for abandoned and removed it
            raise RuntimeError(f"import batch {batch.pk} was removed by another run while it was written")
        batch.refresh_from_db()
        record_event(actor=actor, action="records.imported", target=batch,
                     details={"source": source.name, "rows": len(cleaned), "created": created,
                              "updated": len(changed), "unchanged": unchanged})
        if created or changed:
            # new evidence: verification re-scores every application and regroups the records
            records_changed.send(sender=EmploymentRecord, batch=batch)
    if progress:
        progress(len(changed) + unchanged)
    return ImportResult(table.name, len(cleaned), created, len(changed), unchanged, batch.pk)


def _remove_records(batch_ids: list[int]) -> int:
    """Delete the records the given batches created, BULK per transaction; how many."""
    def chunk() -> int:
        ids = list(EmploymentRecord.all_objects.filter(batch_id__in=batch_ids).values_list("pk", flat=True)[:BULK])
        EmploymentRecord.all_objects.filter(pk__in=ids).delete()
        return len(ids)

    return staging.remove_in_chunks(chunk)


def _remove_abandoned_records(actor, *, keep: ImportBatch) -> None:
    staging.remove_abandoned(kind=ImportBatch.KIND_RECORDS, rows="records", remove=_remove_records,
                             action="records.import_failed", actor=actor, keep=keep)


def _fail_records(batch: ImportBatch, actor, error: BaseException) -> None:
    # its new records go; its corrections were never committed
    staging.fail(batch=batch, remove=_remove_records, action="records.import_failed", actor=actor, error=error)
