"""Application (the lead's models) -> engine situation.

Only canonical values, dates and flags cross over; no names. What the database does not hold
stays missing, so the engine reports it as missing evidence instead of guessing.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date

from resettle.applications.models import Application, Relationship
from resettle.names.dates import GREGORIAN
from resettle.people.models import DocumentKind



def _birth(person) -> object:
    bd = person.birth()
    if bd is None:
        return None
    exact = bd.to_gregorian()
    if exact is not None and not bd.approximate:
        return exact
    if bd.calendar == GREGORIAN and bd.month is not None and not bd.approximate:
        return f"{bd.year:04d}-{bd.month:02d}"
    lo, hi = bd.gregorian_year_range()
    return {"earliest": date(lo, 1, 1), "latest": date(hi, 12, 31)}


def _value(text: str) -> object:
    return {"true": True, "false": False}.get(text, text)


def assessed_facts(application: Application) -> dict[str, object]:
    """The latest recorded value of each fact about the principal."""
    latest: dict[str, object] = {}
    # .all() so a prefetch (selectors.applications_table) is used when there is one
    for f in sorted(application.assessed_facts.all(), key=lambda f: f.recorded_at):
        if f.member_id is None:
            latest[f.field] = _value(f.value)
    return latest


def member_facts(application: Application) -> dict[object, dict[str, object]]:
    """Member id -> the latest value of each fact recorded about that family member."""
    out: dict[object, dict[str, object]] = {}
    for f in sorted(application.assessed_facts.all(), key=lambda f: f.recorded_at):
        if f.member_id is not None:
            out.setdefault(f.member_id, {})[f.field] = _value(f.value)
    return out


PREFETCH = ("members__person__documents", "claimed_employment__verified_record__source", "assessed_facts")


def situation_for(application: Application, *, reference_date: date | None = None) -> dict:
    """The engine situation for an application (reference date = received_on by default)."""
    members = sorted(application.members.all(), key=lambda m: m.position)
    principal_member = next((m for m in members if m.relationship == Relationship.PRINCIPAL), None)
    principal: dict[str, object] = {}
    if principal_member is not None:
        kinds = {d.kind for d in principal_member.person.documents.all()}
        # a tazkira is the Afghan national identity card: holding one is evidence of nationality
        if DocumentKind.TAZKIRA in kinds:
            principal["nationality"] = "afghan"
    principal.update(assessed_facts(application))
    per_member = member_facts(application)
    employment = []
    claims = sorted(application.claimed_employment.all(), key=lambda c: (c.start_date is None, c.start_date or date.min))
    for c in claims:
        verified_by = None
        if c.verified_record_id:
            verified_by = f"{c.verified_record.source.name} record {c.verified_record.source_record_id}"
        employment.append({
            "employer": c.employer or None, "unit": c.unit or None, "role": c.role or None,
            "location": c.location or None, "start": c.start_date, "end": c.end_date,
            "verification": c.verification_status, "verified_by": verified_by, "verified_on": c.verified_on,
        })
    principal["employment"] = employment
    family = []
    for m in members:
        if m.relationship == Relationship.PRINCIPAL:
            continue
        family.append({"relationship": m.relationship, "birth": _birth(m.person),
                       "marital_status": (m.marital_status or "").strip().lower() or None, "dependent": m.dependent,
                       # the member's id lets a decision cite who was referred; it is not identifying
                       "ref": str(m.pk), **per_member.get(m.pk, {})})
    # the moment of receipt, once applications store it (a deadline at 11.59pm needs the time);
    # until then the received day, which is unknown against a deadline on that very day
    moment = getattr(application, "received_at", None)
    return {"reference_date": reference_date or moment or application.received_on, "principal": principal,
            "members": family}


def digest(situation: dict) -> str:
    return hashlib.sha256(json.dumps(situation, sort_keys=True, default=str).encode()).hexdigest()
