"""Every transition by every role, through the case page, the API and the admin: a role without
the capability is refused (403 / a 'Refused' message) and audited; a role with it is never
refused for its role (it may still meet a precondition)."""

import pytest

from casekit import new_case
from resettle.accounts import roles
from resettle.accounts.permissions import capabilities_of
from resettle.applications.models import Application
from resettle.audit.models import AuditEvent
from resettle.casework import lifecycle
from resettle.casework.models import StatusChange
from web.staffkit import verified_client

ACTIONS = [t for t in lifecycle.TRANSITIONS.values() if not t.via_decision]


def _allowed(user, t, stage):
    if t.action == "close":
        return lifecycle.CLOSE_CAPABILITY[stage] in capabilities_of(user)
    return bool(set(t.capabilities) & capabilities_of(user))


@pytest.fixture
def crew(db, user_factory):
    from resettle.accounts.models import Team

    Team.objects.create(name="x")
    return {role: user_factory(role, teams=["x"]) for role in roles.ALL_ROLES}


def _case_at(stage):
    from resettle.accounts.models import Team

    case = new_case(Team.objects.get(name="x"), claims=False)
    Application.objects.filter(pk=case.pk).update(status=stage)  # set-up only
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("role", roles.ALL_ROLES)
@pytest.mark.parametrize("t", ACTIONS, ids=[t.action for t in ACTIONS])
def test_every_transition_by_every_role_through_page_and_api(crew, role, t):
    user = crew[role]
    stage = sorted(t.sources)[0]
    client = verified_client(user)
    for channel in ("page", "api"):
        case = _case_at(stage)
        before = AuditEvent.objects.filter(action="access.denied", actor_id=user.pk).count()
        if channel == "page":
            response = client.post(f"/casework/{case.pk}/transition/", {"action": t.action, "version": case.version,
                                                                       "reason": "test"}, follow=True)
            refused = response.status_code == 403 or "Refused" in response.content.decode()
        else:
            response = client.post(f"/api/applications/{case.pk}/transitions/",
                                   {"action": t.action, "version": case.version}, content_type="application/json")
            refused = response.status_code == 403
        may_reach = stage in (roles.CASE_STAGES_BY_ROLE.get(role) or {stage}) and roles.CASE_VIEW in capabilities_of(user)
        allowed = _allowed(user, t, stage) and may_reach
        assert refused is (not allowed), (role, t.action, channel, response.status_code)
        moved = StatusChange.objects.filter(application=case, action=t.action).exists()
        if not allowed:
            assert not moved and Application.objects.get(pk=case.pk).status == stage
            assert AuditEvent.objects.filter(action="access.denied", actor_id=user.pk).count() > before


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_the_admin_cannot_change_a_stage(crew, role):
    case = _case_at("assessment")
    client = verified_client(crew[role])
    response = client.post(f"/admin/applications/application/{case.pk}/change/", {"status": "approved"})
    assert response.status_code in (302, 403)
    assert Application.objects.get(pk=case.pk).status == "assessment"
    assert not StatusChange.objects.filter(application=case, to_stage="approved").exists()
