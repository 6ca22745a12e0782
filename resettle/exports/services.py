"""The only way data leaves resettle in bulk.

Every export is a request with a reason. Without identities it is approved on the spot: person
and case ids become keyed pseudonyms, names, contacts and documents are dropped, and birth dates
shrink to five-year bands. With identities it waits for a second person who holds
`export.approve`; the file then names its requester in its first line and on every row, so a copy
that turns up somewhere says whose it was. Each file is rendered once, its SHA-256 kept, and the
request, approval and download all go to the audit log.
"""

from __future__ import annotations

import csv
import hashlib
import io

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from resettle.accounts.permissions import can, require
from resettle.accounts.roles import EXPORT_APPROVE, EXPORT_REQUEST, PERSON_FAMILY, PERSON_IDENTITY, RECORDS_VIEW
from resettle.applications.models import Application, Member, Relationship
from resettle.audit.services import record_event
from resettle.core import keys
from resettle.exports.models import ExportKind, ExportRequest, ExportStatus
from resettle.exports.shaping import (
    APPLICATION_LADDER,
    APPLICATION_QUASI,
    K,
    RECORD_LADDER,
    RECORD_QUASI,
    k_anonymise,
    pseudonym,
    safe_cell,
    year_band,
)
from resettle.names.dates import BirthDate, parse_birth_date
from resettle.records.models import EmploymentRecord, ImportBatch


class ExportError(Exception):
    """The request cannot move on: wrong state, wrong person, or missing reason."""


# Refusals are checked before each service opens its transaction: a refusal's audit entry
# must survive the exception that the refusal raises.


def _deny(actor, request: ExportRequest, capability: str, why: str, message: str):
    record_event(actor=actor, action="access.denied", target=request, details={"capability": capability, "why": why})
    raise ExportError(message)


def export_request(*, actor, kind: str, identified: bool, reason: str) -> ExportRequest:
    require(actor, EXPORT_REQUEST)
    if kind not in ExportKind.values:
        raise ExportError(f"unknown export kind {kind!r}; choose one of {', '.join(ExportKind.values)}")
    if not reason.strip():
        raise ExportError("an export needs a reason: it is written to the audit log")
    missing = [c for c in _identity_capabilities(kind) if not can(actor, c)] if identified else []
    if missing:
        record_event(actor=actor, action="access.denied", target=None,
                     details={"capability": missing[0], "why": "identified export beyond what the role sees"})
        raise ExportError("an identified export holds only what you may see on screen, and your role does not "
                          "show identities: request a pseudonymised export instead")
    with transaction.atomic():
        return _create(actor, kind, identified, reason)


def _identity_capabilities(kind: str) -> tuple[str, ...]:
    return (PERSON_IDENTITY,) if kind == ExportKind.APPLICATIONS else (PERSON_IDENTITY, RECORDS_VIEW)


def _beyond_approver(request: ExportRequest, approver) -> str:
    """Why the approver may not see every row of this export ('' when they may)."""
    missing = [c for c in _identity_capabilities(request.kind) if not can(approver, c)]
    if missing:
        return f"your role does not show {missing[0]}"
    if request.kind != ExportKind.APPLICATIONS:
        return ""
    if can(request.requested_by, PERSON_FAMILY) and not can(approver, PERSON_FAMILY):
        return "the export holds family members, which your role does not show"
    from resettle.applications.selectors import case_scope

    outside = case_scope(request.requested_by).exclude(pk__in=case_scope(approver).values("pk")).count()
    return f"{outside} of its cases are outside the cases you may open" if outside else ""


def _create(actor, kind: str, identified: bool, reason: str) -> ExportRequest:
    request = ExportRequest.objects.create(
        kind=kind, identified=identified, reason=reason.strip(), requested_by=actor,
        status=ExportStatus.AWAITING_APPROVAL if identified else ExportStatus.APPROVED,
    )
    if not identified:
        request.approved_at = request.created_at
        request.save(update_fields=["approved_at"])
    record_event(actor=actor, action="export.requested", target=request, reason=request.reason,
                 details={"kind": kind, "identified": identified})
    return request


def export_approve(*, actor, request: ExportRequest) -> ExportRequest:
    require(actor, EXPORT_APPROVE, target=request)
    if request.requested_by_id == actor.pk:
        _deny(actor, request, EXPORT_APPROVE, "own request", "nobody may approve their own export: a second person must")
    why = _beyond_approver(request, actor) if request.identified else ""
    if why:
        _deny(actor, request, EXPORT_APPROVE, "rows beyond the approver",
              f"you may approve only an export whose every row you may see yourself: {why}")
    with transaction.atomic():
        return _approve(actor, request)


def _approve(actor, request: ExportRequest) -> ExportRequest:
    request = ExportRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ExportStatus.AWAITING_APPROVAL:
        raise ExportError(f"this export is {request.get_status_display().lower()}, not awaiting approval")
    request.status, request.approved_by, request.approved_at = ExportStatus.APPROVED, actor, timezone.now()
    request.save(update_fields=["status", "approved_by", "approved_at"])
    record_event(actor=actor, action="export.approved", target=request,
                 details={"kind": request.kind, "identified": request.identified,
                          "requested_by": request.requested_by_id})
    return request


def export_render(*, actor, request: ExportRequest) -> bytes:
    """The CSV file, once, to the person who asked for it."""
    require(actor, EXPORT_REQUEST, target=request)
    if request.requested_by_id != actor.pk:
        _deny(actor, request, EXPORT_REQUEST, "not the requester", "only the person who requested an export can download it")
    with transaction.atomic():
        return _render(actor, request)


def _render(actor, request: ExportRequest) -> bytes:
    request = (ExportRequest.objects.select_for_update(of=("self",))
               .select_related("requested_by", "approved_by").get(pk=request.pk))
    if request.status != ExportStatus.APPROVED:
        raise ExportError(f"this export is {request.get_status_display().lower()}: it cannot be downloaded")
    header, rows, anonymity = _ROWS[request.kind](request)
    data, count = _csv(request, header, rows, anonymity)
    request.status, request.delivered_at = ExportStatus.DELIVERED, timezone.now()
    request.rows, request.file_sha256 = count, hashlib.sha256(data).hexdigest()
    request.save(update_fields=["status", "delivered_at", "rows", "file_sha256"])
    record_event(actor=actor, action="export.downloaded", target=request,
                 details={"kind": request.kind, "identified": request.identified, "rows": count,
                          "sha256": request.file_sha256})
    return data


def watermark(request: ExportRequest) -> str:
    return f"requested by {request.requested_by.get_username()} (export {str(request.id)[:8]})"


def _csv(request: ExportRequest, header: list[str], rows, anonymity=None) -> tuple[bytes, int]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    # The first line is one cell written like any other: a comma in the reason must not open a
    # new cell, and a reason such as "x,=2+5" must not reach the recipient as a formula.
    if request.identified:
        writer.writerow([safe_cell(
            f"# IDENTIFIED DATA - {watermark(request)} approved by {request.approved_by.get_username()} "
            f"{timezone.now():%Y-%m-%d %H:%M %Z}. Reason: {' '.join(request.reason.split())}. "
            "Do not copy or forward.")])
        header = ["watermark", *header]
    else:
        level, left_out = anonymity
        writer.writerow([f"# pseudonymised export {str(request.id)[:8]} - {timezone.now():%Y-%m-%d} - "
                         f"{K}-anonymous: generalisation level {level}; {left_out} rows left out"])
    writer.writerow(header)
    mark = watermark(request)
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in ([mark, *row] if request.identified else row)])
        count += 1
    # With a byte-order mark, spreadsheet programs read Dari script instead of mojibake.
    return out.getvalue().encode("utf-8-sig"), count


def _band(birth: BirthDate | None) -> str:
    return year_band(*birth.gregorian_year_range()) if birth else ""


def _ids(kind: str, value) -> str:
    return pseudonym(keys.index_key(), kind, value, prefix=kind[:1].upper())


def _cases_for(request: ExportRequest):
    """Cases an identified export may hold: those its requester may open on screen, and of
    those only the ones its approver may open too (scopes can change between approval and
    download). A pseudonymised export covers every case, as the aggregate figures do."""
    if not request.identified:
        return Application.objects.filter(ImportBatch.settled())  # not an import still being written
    from resettle.applications.selectors import case_scope

    cases = case_scope(request.requested_by)
    if request.approved_by_id:
        cases = cases.filter(pk__in=case_scope(request.approved_by).values("pk"))
    return cases


APPLICATION_HEADER = ["case", "person", "relationship", "dependent", "gender", "birth_band", "status", "pathway",
                      "received", "claimed_employment"]


def _applications(request: ExportRequest):
    identified = request.identified
    header = list(APPLICATION_HEADER)
    if identified:
        header += ["reference", "full_name", "father_name", "grandfather_name", "birth_date", "documents"]
    cases = _cases_for(request)
    members = (Member.objects.filter(application__in=cases.values("pk"))
               .select_related("application", "person")
               .prefetch_related("application__claimed_employment", "person__documents")
               .order_by("application__received_on", "application_id", "position"))
    if identified and not can(request.requested_by, PERSON_FAMILY):
        members = members.filter(relationship=Relationship.PRINCIPAL)  # the family is not theirs to see

    def shaped(m) -> dict:
        app: Application = m.application
        claims = ""
        if m.relationship == Relationship.PRINCIPAL:
            claims = "; ".join(f"{c.employer}/{c.role}/{c.unit}" for c in app.claimed_employment.all())
        return {"case": _ids("case", app.pk), "person": _ids("person", m.person.pk), "relationship": m.relationship,
                "dependent": "" if m.dependent is None else ("yes" if m.dependent else "no"),
                "gender": m.person.gender, "birth_band": _band(m.person.birth()), "status": app.status,
                "pathway": app.pathway, "received": f"{app.received_on:%Y-%m}", "claimed_employment": claims}

    if not identified:
        sizes = dict(Member.objects.values("application_id").annotate(n=Count("id")).values_list("application_id", "n"))
        rows = []
        for m in members.iterator(chunk_size=1000):
            rows.append({**shaped(m), "household": str(sizes[m.application_id])})
        kept, level, left_out = k_anonymise(rows, quasi=APPLICATION_QUASI, ladder=APPLICATION_LADDER, group="case")
        return header, ([r[c] for c in header] for r in kept), (level, left_out)

    def rows():
        for m in members.iterator(chunk_size=1000):
            row = shaped(m)
            birth = m.person.birth()
            yield [row[c] for c in APPLICATION_HEADER] + [
                m.application.reference, m.person.full_name, m.person.father_name, m.person.grandfather_name,
                str(birth) if birth else "", "; ".join(f"{d.kind}:{d.number}" for d in m.person.documents.all())]

    return header, rows(), None


RECORD_HEADER = ["record", "source", "employer", "role", "unit", "location", "start_year", "end_year", "birth_band"]


def _records(request: ExportRequest):
    identified = request.identified
    header = list(RECORD_HEADER)
    if identified:
        header += ["source_record_id", "full_name", "father_name", "grandfather_name", "birth_year"]
    records = EmploymentRecord.objects.select_related("source").order_by("source__name", "row_number")

    def shaped(r) -> dict:
        birth = parse_birth_date(r.birth_year) if r.birth_year else None
        return {"record": _ids("record", r.pk), "source": r.source.name, "employer": r.employer, "role": r.role,
                "unit": r.unit, "location": r.location, "start_year": r.start_date.year if r.start_date else "",
                "end_year": r.end_date.year if r.end_date else "", "birth_band": _band(birth)}

    if not identified:
        rows = [shaped(r) for r in records.iterator(chunk_size=1000)]
        kept, level, left_out = k_anonymise(rows, quasi=RECORD_QUASI, ladder=RECORD_LADDER)
        return header, ([r[c] for c in header] for r in kept), (level, left_out)

    def rows():
        for r in records.iterator(chunk_size=1000):
            row = shaped(r)
            yield [row[c] for c in RECORD_HEADER] + [r.source_record_id, r.full_name, r.father_name,
                                                     r.grandfather_name, r.birth_year]

    return header, rows(), None


_ROWS = {ExportKind.APPLICATIONS: _applications, ExportKind.RECORDS: _records}
