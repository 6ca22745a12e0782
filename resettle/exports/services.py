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
from django.utils import timezone

from resettle.accounts.permissions import require
from resettle.accounts.roles import EXPORT_APPROVE, EXPORT_REQUEST
from resettle.applications.models import Application, Member, Relationship
from resettle.audit.services import record_event
from resettle.core import keys
from resettle.exports.models import ExportKind, ExportRequest, ExportStatus
from resettle.exports.shaping import pseudonym, safe_cell, year_band
from resettle.names.dates import BirthDate, parse_birth_date
from resettle.records.models import EmploymentRecord


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
    with transaction.atomic():
        return _create(actor, kind, identified, reason)


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
    header, rows = _ROWS[request.kind](request.identified)
    data, count = _csv(request, header, rows)
    request.status, request.delivered_at = ExportStatus.DELIVERED, timezone.now()
    request.rows, request.file_sha256 = count, hashlib.sha256(data).hexdigest()
    request.save(update_fields=["status", "delivered_at", "rows", "file_sha256"])
    record_event(actor=actor, action="export.downloaded", target=request,
                 details={"kind": request.kind, "identified": request.identified, "rows": count,
                          "sha256": request.file_sha256})
    return data


def watermark(request: ExportRequest) -> str:
    return f"requested by {request.requested_by.get_username()} (export {str(request.id)[:8]})"


def _csv(request: ExportRequest, header: list[str], rows) -> tuple[bytes, int]:
    out = io.StringIO()
    if request.identified:
        out.write(f"# IDENTIFIED DATA - {watermark(request)}, approved by {request.approved_by.get_username()}, "
                  f"{timezone.now():%Y-%m-%d %H:%M %Z}. Reason: {' '.join(request.reason.split())}. "
                  "Do not copy or forward.\n")
        header = ["watermark", *header]
    else:
        out.write(f"# pseudonymised export {str(request.id)[:8]} - {timezone.now():%Y-%m-%d}\n")
    writer = csv.writer(out)
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


def _applications(identified: bool):
    header = ["case", "person", "relationship", "dependent", "gender", "birth_band", "status", "pathway",
              "received", "claimed_employment"]
    if identified:
        header += ["reference", "full_name", "father_name", "grandfather_name", "birth_date", "documents"]

    def rows():
        members = (Member.objects.select_related("application", "person")
                   .prefetch_related("application__claimed_employment", "person__documents")
                   .order_by("application__received_on", "application_id", "position"))
        for m in members.iterator(chunk_size=1000):
            app: Application = m.application
            person = m.person
            claims = ""
            if m.relationship == Relationship.PRINCIPAL:
                claims = "; ".join(f"{c.employer}/{c.role}/{c.unit}" for c in app.claimed_employment.all())
            birth = person.birth()
            row = [_ids("case", app.pk), _ids("person", person.pk), m.relationship,
                   "" if m.dependent is None else ("yes" if m.dependent else "no"), person.gender, _band(birth),
                   app.status, app.pathway, f"{app.received_on:%Y-%m}", claims]
            if identified:
                row += [app.reference, person.full_name, person.father_name, person.grandfather_name,
                        str(birth) if birth else "",
                        "; ".join(f"{d.kind}:{d.number}" for d in person.documents.all())]
            yield row

    return header, rows()


def _records(identified: bool):
    header = ["record", "source", "employer", "role", "unit", "location", "start_year", "end_year", "birth_band"]
    if identified:
        header += ["source_record_id", "full_name", "father_name", "grandfather_name", "birth_year"]

    def rows():
        for r in EmploymentRecord.objects.select_related("source").order_by("source__name", "row_number").iterator(chunk_size=1000):
            birth = parse_birth_date(r.birth_year) if r.birth_year else None
            row = [_ids("record", r.pk), r.source.name, r.employer, r.role, r.unit, r.location,
                   r.start_date.year if r.start_date else "", r.end_date.year if r.end_date else "", _band(birth)]
            if identified:
                row += [r.source_record_id, r.full_name, r.father_name, r.grandfather_name, r.birth_year]
            yield row

    return header, rows()


_ROWS = {ExportKind.APPLICATIONS: _applications, ExportKind.RECORDS: _records}
