"""Writes to applications: creation (form, e-mail, import) and changes of status."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from resettle.applications.models import Application, ClaimedEmployment, Member, Relationship, Status
from resettle.audit.services import record_event
from resettle.names import places
from resettle.core.locking import claim_version
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn, person_create
from resettle.records.models import ImportBatch
from resettle.records.services import ImportResult
from resettle.tabular import Problem, TableError, read_table
from resettle.tabular.values import check_email, check_phone, parse_date, parse_yes_no

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


@dataclass
class ApplicationIn:
    pathway: str
    received_on: dt.date
    members: list[MemberIn]
    claims: list[ClaimIn] = field(default_factory=list)
    channel: str = "web"
    external_id: str = ""



@transaction.atomic
def application_create(*, data: ApplicationIn, actor=None, team=None, batch: ImportBatch | None = None) -> Application:
    principals = [m for m in data.members if m.relationship == Relationship.PRINCIPAL]
    if len(principals) != 1:
        raise ValueError(f"an application needs exactly one principal, got {len(principals)}")
    application = Application.objects.create(
        reference=new_reference(), external_id=data.external_id, pathway=data.pathway,
        received_on=data.received_on, channel=data.channel, team=team, batch=batch,
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
        )
    record_event(actor=actor, action="application.created", target=application,
                 details={"members": len(data.members), "claims": len(data.claims), "channel": data.channel,
                          "pathway": data.pathway})
    return application


def require_case_access(actor, application: Application, capability: str) -> None:
    """The actor's role allows `capability` and the case is theirs to see (team, assignment or a
    role that sees all). Called before a service's transaction opens, so a refusal stays audited."""
    from resettle.accounts.permissions import require
    from resettle.applications.selectors import case_scope

    require(actor, capability, target=application)
    if not case_scope(actor).filter(pk=application.pk).exists():
        from django.core.exceptions import PermissionDenied

        record_event(actor=actor, action="access.denied", target=application, details={"capability": "case.scope"})
        raise PermissionDenied("This case is outside your team and assignments.")


def application_set_status(*, application: Application, status: str, expected_version: int, actor,
                           reason: str = "") -> Application:
    from resettle.accounts.permissions import can
    from resettle.accounts.roles import CASE_EDIT, DECIDE, RELOCATION_MANAGE, VERIFY

    if status not in Status.values:
        raise ValueError(f"unknown status {status!r}")
    # Cases move on through several hands: intake, verification, decision, relocation.
    movers = (CASE_EDIT, DECIDE, VERIFY, RELOCATION_MANAGE)
    require_case_access(actor, application, next((c for c in movers if can(actor, c)), CASE_EDIT))
    with transaction.atomic():
        return _set_status(application, status, expected_version, actor, reason)


def _set_status(application, status, expected_version, actor, reason) -> Application:
    old = application.status
    claim_version(application, expected_version)
    application.status = status
    application.save(update_fields=["status", "version"])
    record_event(actor=actor, action="application.status_changed", target=application, reason=reason,
                 details={"from": old, "to": status})
    return application
