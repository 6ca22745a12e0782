"""Writes to applications: creation (form, e-mail, import) and members joining later.

A case's stage is not written here: resettle.casework.services.case_transition owns it."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.db import transaction

from resettle.applications.models import Application, ClaimedEmployment, Member, Relationship
from resettle.applications.signals import application_created
from resettle.audit.services import record_event
from resettle.names import places
from resettle.people.services import PersonIn, person_create
from resettle.records.models import ImportBatch

# Crockford's base32 without look-alikes (no I, L, O, U): references get read out over bad phone lines.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"RST-{body[:4]}-{body[4:]}"


@dataclass
class MemberIn:
    person: PersonIn
    relationship: str
    dependent: bool | None = None
    marital_status: str = ""


@dataclass
class ClaimIn:
    employer: str = ""
    unit: str = ""
    role: str = ""
    location: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    referee: str = ""  # who can vouch for this work, and how to reach them (sealed)
    details: str = ""  # the applicant's own words about the work (sealed)


@dataclass
class ApplicationIn:
    pathway: str
    received_on: dt.date
    members: list[MemberIn]
    claims: list[ClaimIn] = field(default_factory=list)
    channel: str = "web"
    external_id: str = ""
    received_at: dt.datetime | None = None  # the moment, where known (the portal knows it)
    reference: str = ""  # kept when given (the portal's, already shown to the applicant); new otherwise



@transaction.atomic
def application_create(*, data: ApplicationIn, actor=None, team=None, batch: ImportBatch | None = None) -> Application:
    principals = [m for m in data.members if m.relationship == Relationship.PRINCIPAL]
    if len(principals) != 1:
        raise ValueError(f"an application needs exactly one principal, got {len(principals)}")
    application = Application.objects.create(
        reference=data.reference or new_reference(), external_id=data.external_id, pathway=data.pathway,
        received_on=data.received_on, received_at=data.received_at, channel=data.channel, team=team, batch=batch,
    )
    for position, member in enumerate(data.members):
        person = person_create(data=member.person, actor=actor, audit=False)
        Member.objects.create(application=application, person=person, relationship=member.relationship,
                              dependent=member.dependent, marital_status=member.marital_status, position=position)
    for claim in data.claims:
        ClaimedEmployment.objects.create(
            application=application,
            employer=places.canonical_employer(claim.employer) or "other",
            unit=places.canonical_unit(claim.unit) or "other",
            role=places.canonical_role(claim.role) or "other",
            location=places.canonical_location(claim.location) or "other",
            raw_employer=claim.employer[:200], raw_unit=claim.unit[:200], raw_role=claim.role[:200],
            raw_location=claim.location[:200], start_date=claim.start_date, end_date=claim.end_date,
            referee=claim.referee[:2000], details=claim.details[:4000],
        )
    record_event(actor=actor, action="application.created", target=application,
                 details={"members": len(data.members), "claims": len(data.claims), "channel": data.channel,
                          "pathway": data.pathway})
    application_created.send(sender=Application, application=application, actor=actor,
                             via="portal" if data.channel == "web" and actor is None else "staff")
    return application



def member_add(*, application: Application, data: MemberIn, actor, added_on: dt.date | None = None) -> Member:
    """A family member joining a case after intake (a marriage, a birth). The caller (casework)
    checks the actor and versions the household; this only writes the member and its person."""
    if data.relationship == Relationship.PRINCIPAL:
        raise ValueError("a case has one principal; a new member cannot be another")
    person = person_create(data=data.person, actor=actor, audit=False)
    position = (application.members.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    member = Member.objects.create(application=application, person=person, relationship=data.relationship,
                                   dependent=data.dependent, marital_status=data.marital_status, position=position,
                                   added_on=added_on)
    record_event(actor=actor, action="application.member_added", target=application,
                 details={"member": str(member.pk), "relationship": data.relationship})
    return member
