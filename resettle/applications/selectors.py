"""What each staff member may read about cases: the one place the field and object rules live.

Views, the API and the admin all come through here, so a rule cannot be forgotten in one of
them. Object rule: a case is visible to its team and the staff assigned to it, and to roles
with CASE_VIEW_ALL. Field rules: identity, contact details and family each need their own
capability; reading any of them is written to the audit log by resettle.people.selectors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Min, Prefetch, Q, QuerySet, prefetch_related_objects

from resettle.accounts import roles
from resettle.accounts.access import scope_cases
from resettle.accounts.permissions import can, require
from resettle.applications.aggregates import suppress_small
from resettle.applications.models import Application, ClaimedEmployment, Member, Relationship
from resettle.audit.services import deferred_events, record_event
from resettle.core.fields import digest
from resettle.names.keys import name_key
from resettle.people import selectors as people_selectors
from resettle.records.models import ImportBatch


def case_scope(user) -> QuerySet[Application]:
    """The object and stage rules alone, without the capability check (for the admin's querysets)."""
    return scope_cases(user, Application.objects.all())


def visible_applications(user) -> QuerySet[Application]:
    """Cases the user may open; refused (and audited) for roles that may open none."""
    require(user, roles.CASE_VIEW)
    return case_scope(user)


def is_visible(user, application: Application) -> bool:
    return can(user, roles.CASE_VIEW) and case_scope(user).filter(pk=application.pk).exists()


def name_digest(text: str) -> str:
    return digest("person.name", name_key, text)


def search_applications(user, *, status: str = "", pathway: str = "", reference: str = "",
                        name: str = "") -> QuerySet[Application]:
    """Filtered case list. `name` is free text: a reference, or any spelling of a name in either
    script ("Akbar Hakimi" finds "اکبر حکیمی"), optionally "s/o Father", or a tazkira, passport or
    phone number: found through the people's keyed search digests only (resettle.people.search),
    best match first. Needs the identity capability and is audited without the words searched."""
    qs = visible_applications(user)
    if status:
        qs = qs.filter(status=status)
    if pathway:
        qs = qs.filter(pathway=pathway)
    if reference:
        qs = qs.filter(reference__iexact=reference.strip())
    if name.strip():
        require(user, roles.PERSON_IDENTITY)
        text = name.strip()
        by_reference = qs.filter(reference__iexact=text)
        found = people_selectors.people_matching(text)
        ids = [m.person_id for m in found]
        qs = (qs.filter(Q(pk__in=by_reference.values("pk")) | Q(members__person_id__in=ids))
              .annotate(best=Min(people_selectors.match_rank(found, "members__person_id"))).order_by("best"))
        record_event(actor=user, action="person.name_searched", reason="case list search",
                     details={"matches": qs.count()})
        return qs.order_by("best", "-received_on", "reference")
    return qs.order_by("-received_on", "reference")


def pathways(user) -> list[str]:
    return list(visible_applications(user).order_by().values_list("pathway", flat=True).distinct())


@dataclass(frozen=True)
class ClaimView:
    employer: str
    unit: str
    role: str
    location: str
    start_date: dt.date | None
    end_date: dt.date | None
    verification_status: str
    referee: str | None = None  # None: the role may not see identities
    details: str | None = None


@dataclass(frozen=True)
class MemberView:
    relationship: str
    dependent: bool | None
    identity: people_selectors.IdentityView | None
    contacts: list[people_selectors.ContactView] | None


@dataclass(frozen=True)
class CaseView:
    """One case as this user may see it; a part the role may not see is None, never empty,
    so templates and the API can tell "not allowed" from "nothing there"."""

    id: str
    reference: str
    status: str
    status_label: str
    pathway: str
    received_on: dt.date
    channel: str
    team: str
    version: int
    principal: MemberView | None
    family: list[MemberView] | None
    claims: list[ClaimView]


def get_application(user, application_id) -> Application:
    """The case, if the user may open it; otherwise refused and audited (also when it does not
    exist, so probing for references learns nothing)."""
    require(user, roles.CASE_VIEW, target=("applications.application", str(application_id)))
    application = case_scope(user).filter(pk=application_id).select_related("team").first()
    if application is None:
        record_event(actor=user, action="access.denied", target=("applications.application", str(application_id)),
                     details={"capability": roles.CASE_VIEW, "why": "outside team and assignment"})
        raise PermissionDenied("This case is not assigned to you or your team.")
    return application


def case_detail(user, application_id, *, reason: str) -> CaseView:
    return case_view(user, get_application(user, application_id), reason=reason)


def opened_application(user, case: CaseView, opened: Application | None = None) -> Application:
    """The case behind `case` for the case page's panels: `opened`, the row the view already
    opened through get_application for this request (one scope check and one read a page),
    or, when a panel is rendered elsewhere without it, opened (and checked) now."""
    if isinstance(opened, Application) and str(opened.pk) == case.id:
        return opened
    return get_application(user, case.id)


def case_members(application: Application) -> list[Member]:
    """The case's members in order, with their people, read once however many parts of a page
    show them (kept in the row's prefetch cache, as prefetch_related does)."""
    prefetch_related_objects([application], Prefetch("members", queryset=Member.objects.select_related("person")))
    return list(application.members.all())


def case_view(user, application: Application, *, reason: str) -> CaseView:
    """`application`, which get_application has let this user open, as the user may see it;
    identities and contacts shown are audited (one event each)."""
    members = case_members(application)
    principal = next((m for m in members if m.relationship == Relationship.PRINCIPAL), None)
    family = [m for m in members if m.relationship != Relationship.PRINCIPAL]
    shown = ([principal] if principal else []) + (family if can(user, roles.PERSON_FAMILY) else [])
    identity = {}
    contact = None
    # Both views chained in one append: a page waits on the audit log's head once, not twice
    # (every identity view in the system takes that lock).
    with deferred_events():
        if can(user, roles.PERSON_IDENTITY) and shown:
            identity = {v.person_id: v for v in people_selectors.identities(
                user, [m.person for m in shown], reason=reason, target=application)}
        if can(user, roles.PERSON_CONTACT) and shown:
            contact = people_selectors.contacts(user, [m.person for m in shown], reason=reason, target=application)

    def view(member: Member) -> MemberView:
        pid = str(member.person_id)
        return MemberView(relationship=member.get_relationship_display(), dependent=member.dependent,
                          identity=identity.get(pid), contacts=contact.get(pid) if contact is not None else None)

    sees = can(user, roles.PERSON_IDENTITY)
    claims = [ClaimView(c.employer, c.unit, c.role, c.location, c.start_date, c.end_date, c.verification_status,
                        referee=c.referee if sees else None, details=c.details if sees else None)
              for c in ClaimedEmployment.objects.filter(application=application).order_by("start_date")]
    return CaseView(
        id=str(application.pk), reference=application.reference, status=application.status,
        status_label=application.get_status_display(), pathway=application.pathway,
        received_on=application.received_on, channel=application.channel,
        team=application.team.name if application.team else "", version=application.version,
        principal=view(principal) if principal else None,
        family=[view(m) for m in family] if can(user, roles.PERSON_FAMILY) else None,
        claims=claims,
    )


# --- aggregates (analysts) -------------------------------------------------------------------

def aggregates(user, *, threshold: int = 5) -> dict[str, dict[str, int | None]]:
    """Counts by status, pathway, claimed role and unit across all cases; small counts are
    suppressed (None) so no cell can point at an individual. No names, no ids."""
    require(user, roles.REPORTS_AGGREGATE)
    record_event(actor=user, action="reports.aggregates_viewed")

    def counts(qs, field_name: str) -> dict[str, int | None]:
        rows = qs.order_by().values(field_name).annotate(n=Count("pk")).values_list(field_name, "n")
        return suppress_small(dict(rows), threshold=threshold)

    # an import still being written is counted once it completes (all or nothing)
    cases = Application.objects.filter(ImportBatch.settled())
    claims = ClaimedEmployment.objects.filter(ImportBatch.settled("application__batch"))
    return {
        "status": counts(cases, "status"),
        "pathway": counts(cases, "pathway"),
        "role": counts(claims, "role"),
        "unit": counts(claims, "unit"),
    }
