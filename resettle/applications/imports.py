"""Bulk import of applications (CSV/XLSX, one row per person, grouped by application_id).

All or nothing: every problem is reported as file:row:column before anything is written, and
re-importing the same file changes nothing.

Written in short transactions, not one: SQLite has one writer at a time, and a transaction
holding its lock through tens of thousands of applications made every page that audits a view
wait out the busy timeout and fail. The batch stays pending (its applications seen by no one,
resettle.accounts.access.scope_cases) until a last short transaction completes it; a failure
removes what it wrote, so users see all of the file or none of it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from resettle.applications.models import Application, Member, Relationship
from resettle.applications.signals import applications_imported
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.services import deferred_events, record_event
from resettle.names.dates import parse_birth_date
from resettle.people.models import Person
from resettle.people.services import PersonIn
from resettle.records import staging
from resettle.records.models import ImportBatch
from resettle.records.services import ImportResult
from resettle.tabular import Problem, TableError, read_table
from resettle.tabular.values import check_email, check_phone, parse_date, parse_yes_no

APPLICATION_COLUMNS_REQUIRED = ("application_id", "relationship", "full_name")
APPLICATION_COLUMNS_OPTIONAL = (
    "father_name", "grandfather_name", "birth_date", "gender", "marital_status", "dependent",
    "tazkira_number", "passport_number", "phone", "email", "claimed_employer", "claimed_role",
    "claimed_unit", "claimed_location", "claimed_start", "claimed_end", "pathway", "received_on", "channel",
)
_GENDERS = {"": "unknown", "f": "female", "female": "female", "m": "male", "male": "male",
            "other": "other", "unknown": "unknown"}
_CHANNELS = {"web", "email", "paper", "import"}
# A chunk of applications is one transaction: it ends after CHUNK_APPLICATIONS or CHUNK_SECONDS,
# whichever comes first, so a page waits at most about CHUNK_SECONDS for SQLite's lock.
CHUNK_APPLICATIONS = 200
CHUNK_SECONDS = 0.5


_CLAIM_COLUMNS = ("claimed_employer", "claimed_role", "claimed_unit", "claimed_location", "claimed_start",
                  "claimed_end")


def column_limits() -> dict[str, int]:
    """Each column's limit in characters, from the model field it is stored in, so a cell too
    long is refused with file:row:column on SQLite exactly as on PostgreSQL (which alone would
    refuse it, mid-transaction). Columns stored sealed have the reader's default limit."""
    from resettle.applications.models import ClaimedEmployment, Member

    def length(model, name: str) -> int:
        return model._meta.get_field(name).max_length

    return {
        "application_id": length(Application, "external_id"), "pathway": length(Application, "pathway"),
        "channel": length(Application, "channel"), "relationship": length(Member, "relationship"),
        "marital_status": length(Member, "marital_status"),
        "claimed_employer": length(ClaimedEmployment, "raw_employer"),
        "claimed_role": length(ClaimedEmployment, "raw_role"), "claimed_unit": length(ClaimedEmployment, "raw_unit"),
        "claimed_location": length(ClaimedEmployment, "raw_location"),
    }


def _parse_member(label: str, number: int, row: dict[str, str], bad) -> MemberIn | None:
    relationship = row.get("relationship", "").strip().lower()
    if relationship not in Relationship.values:
        bad(number, "relationship", f"{row.get('relationship')!r} is not one of {', '.join(Relationship.values)}")
    if not row.get("full_name"):
        bad(number, "full_name", "is empty")
    birth = None
    try:
        birth = parse_birth_date(row.get("birth_date", ""))
    except ValueError as exc:
        bad(number, "birth_date", str(exc))
    gender = _GENDERS.get(row.get("gender", "").strip().lower())
    if gender is None:
        bad(number, "gender", f"{row.get('gender')!r} is not female, male, other or unknown")
    dependent = None
    try:
        dependent = parse_yes_no(row.get("dependent", ""))
    except ValueError as exc:
        bad(number, "dependent", str(exc))
    contacts = []
    for column, kind, check in (("phone", "phone", check_phone), ("email", "email", check_email)):
        if row.get(column):
            try:
                contacts.append((kind, check(row[column])))
            except ValueError as exc:
                bad(number, column, str(exc))
    documents = [(kind, row[col]) for col, kind in (("tazkira_number", "tazkira"), ("passport_number", "passport"))
                 if row.get(col)]
    person = PersonIn(full_name=row.get("full_name", ""), father_name=row.get("father_name", ""),
                      grandfather_name=row.get("grandfather_name", ""), birth_date=birth, gender=gender or "unknown",
                      documents=documents, contacts=contacts)
    return MemberIn(person=person, relationship=relationship, dependent=dependent,
                    marital_status=row.get("marital_status", "").strip().lower())


def _parse_application(label: str, external_id: str, rows: list[tuple[int, dict]], bad) -> ApplicationIn | None:
    members = [_parse_member(label, number, row, bad) for number, row in rows]
    principal_rows = [(n, r) for n, r in rows if r.get("relationship", "").strip().lower() == "principal"]
    first = rows[0][0]
    if len(principal_rows) != 1:
        bad(first, "relationship", f"application {external_id!r} has {len(principal_rows)} principals; it needs exactly one")
        return None
    number, row = principal_rows[0]
    for other_number, other in rows:
        if other_number != number:
            for column in _CLAIM_COLUMNS:
                if other.get(column):
                    bad(other_number, column, "belongs on the principal's row only")
            # Spreadsheets often repeat the case's own fields on every row: fine if they agree.
            for column in ("pathway", "received_on", "channel"):
                if other.get(column) and other[column] != row.get(column):
                    bad(other_number, column, f"{other[column]!r} differs from the principal's row ({row.get(column)!r})")
    if not row.get("pathway"):
        bad(number, "pathway", "is empty; name the pathway applied under (e.g. nz-afghan-2021)")
    received = None
    try:
        received = parse_date(row.get("received_on", ""))
        if received is None:
            bad(number, "received_on", "is empty")
    except ValueError as exc:
        bad(number, "received_on", str(exc))
    channel = row.get("channel", "").strip().lower() or "import"
    if channel not in _CHANNELS:
        bad(number, "channel", f"{channel!r} is not one of {', '.join(sorted(_CHANNELS))}")
    claims = []
    if any(row.get(c) for c in _CLAIM_COLUMNS):
        try:
            start = parse_date(row.get("claimed_start", ""))
            end = parse_date(row.get("claimed_end", ""), end_of_period=True)
            if start and end and start > end:
                bad(number, "claimed_end", "is before claimed_start")
            claims.append(ClaimIn(employer=row.get("claimed_employer", ""), unit=row.get("claimed_unit", ""),
                                  role=row.get("claimed_role", ""), location=row.get("claimed_location", ""),
                                  start_date=start, end_date=end))
        except ValueError as exc:
            bad(number, "claimed_start/claimed_end", str(exc))
    if received is None:
        return None
    return ApplicationIn(pathway=row.get("pathway", ""), received_on=received, members=members, claims=claims,
                         channel=channel, external_id=external_id)


def import_applications(*, path: str | Path, actor=None, encoding: str | None = None,
                        mapping: dict[str, str] | None = None, team=None,
                        progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import applications, one row per person, rows grouped by application_id: all or nothing.

    An application already imported (same application_id) is left as it is: corrections to a
    case go through casework, where they are versioned and audited one by one. `progress` is
    called with the number of people after each chunk is committed.
    """
    table = read_table(path, required=APPLICATION_COLUMNS_REQUIRED, optional=APPLICATION_COLUMNS_OPTIONAL,
                       encoding=encoding, mapping=mapping, limits=column_limits())
    problems: list[Problem] = []

    def bad(number: int, column: str, message: str) -> None:
        problems.append(Problem(table.name, number, column, message))

    groups: dict[str, list[tuple[int, dict]]] = {}
    for number, row in table.rows:
        key = row.get("application_id", "")
        if not key:
            bad(number, "application_id", "is empty")
            continue
        groups.setdefault(key, []).append((number, row))
    parsed = {key: _parse_application(table.name, key, rows, bad) for key, rows in groups.items()}
    if problems:
        raise TableError(sorted(problems, key=lambda p: p.row))
    if not parsed:
        raise TableError([Problem(table.name, 0, "-", "file has a header but no rows")])

    batch = staging.open_batch(kind=ImportBatch.KIND_APPLICATIONS, table=table, rows=len(table.rows), actor=actor)
    if batch.state == ImportBatch.COMPLETE:
        return ImportResult(table.name, len(table.rows), 0, 0, len(parsed), batch.pk, already_imported=True)
    try:
        _remove_abandoned(actor, keep=batch)
        existing = set(Application.objects.filter(external_id__in=list(parsed))
                       .values_list("external_id", flat=True))
        created_ids = _write(batch, parsed, existing, actor=actor, team=team, progress=progress,
                             complete=lambda ids: _complete(batch, ids, applications=len(parsed),
                                                            unchanged=len(existing), actor=actor))
    except BaseException as exc:
        _fail(batch, actor, exc)
        raise
    return ImportResult(table.name, len(table.rows), len(created_ids), 0, len(existing), batch.pk)


def _complete(batch: ImportBatch, created_ids: list, *, applications: int, unchanged: int, actor) -> None:
    """Mark the batch complete (its cases now reach users), audit and announce the import: in
    the transaction of the last chunk written."""
    completed = ImportBatch.objects.filter(pk=batch.pk, state=ImportBatch.PENDING).update(
        state=ImportBatch.COMPLETE, created=len(created_ids), unchanged=unchanged, heartbeat=timezone.now())
    if not completed:  # another run took this one for abandoned and removed it
        raise RuntimeError(f"import batch {batch.pk} was removed by another run while it was written")
    record_event(actor=actor, action="applications.imported", target=batch,
                 details={"applications": applications, "created": len(created_ids), "unchanged": unchanged})
    if created_ids:
        applications_imported.send(sender=Application, application_ids=created_ids)


def _write(batch: ImportBatch, parsed: dict[str, ApplicationIn], existing: set[str], *, actor, team,
           progress, complete: Callable[[list], None]) -> list:
    """Create the new applications in chunks, one short transaction each (audit events chained
    at each chunk's end, so on PostgreSQL pages never wait on the chain's head either). The last
    chunk's transaction also completes the batch (`complete`): a file of one chunk, such as one
    application, is then one transaction and one append to the audit log."""
    items = list(parsed.items())
    created_ids: list = []
    position = 0
    while position < len(items):
        started, people, wrote = time.monotonic(), 0, False
        with transaction.atomic(), deferred_events():
            for count in range(1, len(items) - position + 1):
                key, data = items[position]
                position += 1
                people += len(data.members)
                if key not in existing:
                    created_ids.append(application_create(data=data, actor=actor, team=team, batch=batch).pk)
                    wrote = True
                if count >= CHUNK_APPLICATIONS or time.monotonic() - started >= CHUNK_SECONDS:
                    break
            if position >= len(items):
                complete(created_ids)
            elif wrote:
                ImportBatch.objects.filter(pk=batch.pk).update(heartbeat=timezone.now())
        if progress:
            progress(people)
        if wrote and position < len(items):
            staging.let_others_write()
    return created_ids


def _remove(batch_ids: Iterable[int]) -> int:
    """Delete the applications (with their members, claims and history) and the people the
    given batches wrote, a chunk per transaction; the number of applications removed."""
    batch_ids = list(batch_ids)

    def chunk() -> int:
        ids = list(Application.objects.filter(batch_id__in=batch_ids).values_list("pk", flat=True)[:CHUNK_APPLICATIONS])
        people = set(Member.objects.filter(application_id__in=ids).values_list("person_id", flat=True))
        Application.objects.filter(pk__in=ids).delete()
        # an import creates every person it names: none of them belongs to another case
        Person.objects.filter(pk__in=people, memberships__isnull=True).delete()
        return len(ids)

    return staging.remove_in_chunks(chunk)


def _remove_abandoned(actor, *, keep: ImportBatch) -> None:
    staging.remove_abandoned(kind=ImportBatch.KIND_APPLICATIONS, rows="applications", remove=_remove,
                             action="applications.import_failed", actor=actor, keep=keep)


def _fail(batch: ImportBatch, actor, error: BaseException) -> None:
    staging.fail(batch=batch, remove=_remove, action="applications.import_failed", actor=actor, error=error)
