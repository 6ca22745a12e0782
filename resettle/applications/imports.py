"""Bulk import of applications (CSV/XLSX, one row per person, grouped by application_id).

All or nothing: every problem is reported as file:row:column before anything is written, and
re-importing the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from resettle.applications.models import Application, Relationship
from resettle.applications.signals import applications_imported
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.services import deferred_events, record_event
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
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
    case go through casework, where they are versioned and audited one by one.
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

    # Audit events are chained at the end of the transaction (deferred_events): the chain's head
    # is locked for that moment only, so pages auditing a view do not queue behind the import.
    with transaction.atomic(), deferred_events():
        done = ImportBatch.objects.filter(kind=ImportBatch.KIND_APPLICATIONS, sha256=table.sha256).first()
        if done:
            return ImportResult(table.name, len(table.rows), 0, 0, len(parsed), done.pk, already_imported=True)
        existing = set(Application.objects.filter(external_id__in=list(parsed)).values_list("external_id", flat=True))
        batch = ImportBatch.objects.create(kind=ImportBatch.KIND_APPLICATIONS, file_name=table.name,
                                           sha256=table.sha256, rows=len(table.rows), imported_by=actor)
        created_ids = []
        for key, data in parsed.items():
            if key not in existing:
                created_ids.append(application_create(data=data, actor=actor, team=team, batch=batch).pk)
            if progress:
                progress(len(data.members))
        created = len(created_ids)
        batch.created, batch.unchanged = created, len(existing)
        batch.save(update_fields=["created", "unchanged"])
        record_event(actor=actor, action="applications.imported", target=batch,
                     details={"applications": len(parsed), "created": created, "unchanged": len(existing)})
        if created_ids:
            applications_imported.send(sender=Application, application_ids=created_ids)
    return ImportResult(table.name, len(table.rows), created, 0, len(existing), batch.pk)
