"""Database rows as the matcher's plain inputs. Decryption happens here, in memory only."""

from __future__ import annotations

from resettle.applications.models import Application
from resettle.matching import ApplicantIn, RecordIn
from resettle.names.dates import BirthDate
from resettle.records.models import EmploymentRecord


def birth_text(birth: BirthDate | None) -> str:
    """A BirthDate back to the text form the matcher parses (its year range tells the calendar)."""
    if birth is None:
        return ""
    text = f"{birth.year:04d}"
    if birth.month:
        text += f"-{birth.month:02d}"
        if birth.day:
            text += f"-{birth.day:02d}"
    return f"c. {text}" if birth.approximate else text


def record_input(record: EmploymentRecord) -> RecordIn:
    return RecordIn(
        record_id=str(record.pk), full_name=record.full_name, father_name=record.father_name,
        birth_year=record.birth_year, role=record.raw_role or record.role, unit=record.raw_unit or record.unit,
        location=record.raw_location or record.location, start_date=record.start_date, end_date=record.end_date,
        grandfather_name=record.grandfather_name,
    )


def applicant_input(application: Application) -> ApplicantIn:
    members = list(application.members.select_related("person"))
    principal = next(m.person for m in members if m.relationship == "principal")
    claim = application.claimed_employment.order_by("start_date").first()
    return ApplicantIn(
        applicant_id=str(application.pk), full_name=principal.full_name, father_name=principal.father_name,
        birth_date=birth_text(principal.birth()),
        claimed_role=(claim.raw_role or claim.role) if claim else "",
        claimed_unit=(claim.raw_unit or claim.unit) if claim else "",
        claimed_location=(claim.raw_location or claim.location) if claim else "",
        claimed_start=claim.start_date if claim else None, claimed_end=claim.end_date if claim else None,
        grandfather_name=principal.grandfather_name,
        tazkira_number=next((d.number for d in principal.documents.all() if d.kind == "tazkira"), ""),
    )


def record_as_applicant(r: RecordIn) -> ApplicantIn:
    """A record (already opened by `record_input`) in the applicant's shape, so records can be
    de-duplicated into people with the same model that de-duplicates applications."""
    return ApplicantIn(applicant_id=r.record_id, full_name=r.full_name, father_name=r.father_name,
                       birth_date=r.birth_year, claimed_role=r.role, claimed_unit=r.unit, claimed_location=r.location,
                       claimed_start=r.start_date, claimed_end=r.end_date, grandfather_name=r.grandfather_name)
