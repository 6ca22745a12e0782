"""Who may reach which case: the object rule (team, assignment, or a role that sees all) and the
stage rule (each role sees the stages it works on), in one place beside the roles.

Works on any queryset of cases handed in, so it needs no import of the applications app (which
depends on this one, not the other way round).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from resettle.accounts import roles
from resettle.accounts.permissions import access_state, can, require, roles_of


def _team_ids(user) -> list[int]:
    # Asked several times a page (each scope check): read with the roles, once per user object,
    # i.e. per request. A user without a staff profile belongs to no team.
    return access_state(user).team_ids


def visible_stages(user) -> frozenset[str] | None:
    """The stages the user's roles work on; None means every stage."""
    stages: set[str] = set()
    for role in roles_of(user):
        if role not in roles.CASE_STAGES_BY_ROLE:
            return None
        stages |= roles.CASE_STAGES_BY_ROLE[role]
    return frozenset(stages)


def scope_cases(user, cases: QuerySet) -> QuerySet:
    """`cases` narrowed to those the user may reach (without the capability check)."""
    # An import still being written (or failed, its rows being removed) is no one's to open:
    # imports are all or nothing as users see them (resettle.records.models.ImportBatch.state;
    # named here, not imported, as the records app depends on this one).
    cases = cases.filter(Q(batch__isnull=True) | Q(batch__state="complete"))
    stages = visible_stages(user)
    if stages is not None:
        cases = cases.filter(status__in=stages)
    if can(user, roles.CASE_VIEW_ALL):
        return cases
    in_scope = cases.model.objects.filter(Q(team_id__in=_team_ids(user)) | Q(assigned_to=user))
    return cases.filter(pk__in=in_scope.values("pk"))


def require_case_access(actor, application, capability: str) -> None:
    """The actor's role allows `capability` and the case is theirs to reach. Called before a
    service's transaction opens, so the audit entry of a refusal is not rolled back with it."""
    require(actor, capability, target=application)
    if not scope_cases(actor, type(application).objects.filter(pk=application.pk)).exists():
        from resettle.audit.services import record_event

        record_event(actor=actor, action="access.denied", target=application, details={"capability": "case.scope"})
        raise PermissionDenied("This case is outside your team, assignments or the stages your role works on.")
