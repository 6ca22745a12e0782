"""A page reads its user's roles, teams and demo flag in one statement (access_state in
resettle.accounts.permissions), kept on that request's user object only: a role or team change,
a deleted second-factor device or a revoked session counts on the very next request."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from web.staffkit import PRINCIPAL_A, PRINCIPAL_B, verified_client

from resettle.accounts import roles
from resettle.accounts.models import StaffProfile, Team
from resettle.accounts.otp import is_demo_user
from resettle.accounts.permissions import access_state, can, roles_of

pytestmark = pytest.mark.django_db


def _link_table_reads(queries) -> int:
    return sum(1 for q in queries.captured_queries
               if "auth_user_groups" in q["sql"] or "accounts_staffprofile" in q["sql"])


def test_the_state_is_what_the_link_tables_hold(user_factory):
    user = user_factory(roles.INTAKE_OFFICER, roles.DECISION_MAKER, teams=["team-a", "team-b"])
    StaffProfile.objects.filter(user=user).update(is_demo=True)
    state = access_state(user)
    assert state.roles == {roles.INTAKE_OFFICER, roles.DECISION_MAKER}
    assert state.team_ids == sorted(Team.objects.filter(name__in=["team-a", "team-b"]).values_list("id", flat=True))
    assert state.is_demo and is_demo_user(user)
    assert can(user, roles.DECIDE) and can(user, roles.CASE_CREATE)


def test_a_user_without_a_profile_or_roles_has_no_teams_and_is_not_demo(django_user_model):
    user = django_user_model.objects.create_user(username="bare", password="a long test password 123")
    state = access_state(user)
    assert (state.roles, state.team_ids, state.is_demo) == (set(), [], False)
    assert not is_demo_user(user) and not is_demo_user(None) and not is_demo_user(AnonymousUser())
    assert roles_of(AnonymousUser()) == set()


def test_an_inactive_user_has_no_roles(user_factory):
    user = user_factory(roles.DF_VERIFIER, teams=["team-a"])
    user.is_active = False
    assert roles_of(user) == set() and not can(user, roles.VERIFY)


def test_the_state_is_read_once_per_user_object(user_factory):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            roles_of(user), is_demo_user(user), access_state(user).team_ids
    assert len(queries.captured_queries) == 1


def test_a_page_reads_roles_teams_and_profile_in_one_statement(user_factory, cases):
    user = user_factory(roles.INTAKE_OFFICER, roles.DECISION_MAKER, teams=["team-a", "team-b"])
    client = verified_client(user)
    for url in ["/", "/cases/", f"/cases/{cases['a'].pk}/"]:
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert _link_table_reads(queries) == 1, url


def test_the_signed_in_state_of_a_page_costs_four_queries(user_factory, django_assert_num_queries):
    # session, user, second-factor device, then roles + teams + profile together: the home page
    # reads nothing else, whatever the number of roles and teams
    for n in (1, 3):
        user = user_factory(*[roles.INTAKE_OFFICER, roles.DECISION_MAKER, roles.ANALYST][:n],
                            teams=["team-a", "team-b", "team-c"][:n])
        client = verified_client(user)
        assert client.get("/").status_code == 200
        with django_assert_num_queries(4):
            assert client.get("/").status_code == 200


def test_a_role_taken_away_counts_on_the_next_request(user_factory, cases):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    client = verified_client(user)
    assert client.get("/cases/").status_code == 200
    user.groups.remove(Group.objects.get(name=roles.INTAKE_OFFICER))
    assert client.get("/cases/").status_code == 403
    user.groups.add(Group.objects.get(name=roles.INTAKE_OFFICER))
    assert client.get("/cases/").status_code == 200


def test_a_team_change_counts_on_the_next_request(user_factory, cases):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    client = verified_client(user)
    page_a, page_b = f"/cases/{cases['a'].pk}/", f"/cases/{cases['b'].pk}/"
    assert PRINCIPAL_A in client.get(page_a).content.decode()
    assert client.get(page_b).status_code in (403, 404)
    user.staff_profile.teams.set([Team.objects.get(name="team-b")])
    assert client.get(page_a).status_code in (403, 404)
    assert PRINCIPAL_B in client.get(page_b).content.decode()


def test_a_revoked_session_is_signed_out_on_the_next_request(user_factory, cases):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    client = verified_client(user)
    assert client.get("/cases/").status_code == 200
    Session.objects.all().delete()
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_deleted_device_asks_for_the_second_factor_on_the_next_request(user_factory, cases):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    client = verified_client(user)
    assert client.get("/cases/").status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    response = client.get("/cases/")
    assert response.status_code == 302 and PRINCIPAL_A not in response.content.decode()
    assert client.get(f"/cases/{cases['a'].pk}/").status_code == 302


def test_an_expired_session_is_signed_out_on_the_next_request(user_factory, cases):
    import datetime as dt

    from django.conf import settings
    from django.utils import timezone

    from resettle.accounts.sessions import SessionStore

    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"])
    client = verified_client(user)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert SessionStore(key).load().get("_auth_user_id") == str(user.pk)
    assert client.get("/cases/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
