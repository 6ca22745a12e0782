"""The case page reads each kind of row once: its queries stay within a fixed bound for every
role that opens it, and do not grow with the size of the family shown (a guard against a page
going back to reading per member, per panel or per decision)."""

import datetime as dt

import pytest
from web.staffkit import PRINCIPAL_A, at_a_stage_for, cases, fast_passwords, staff  # noqa: F401

from resettle.accounts import roles
from resettle.accounts.models import Team
from resettle.accounts.permissions import can
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.people.services import PersonIn

# Session, user, second factor, roles, staff profile, teams; the case and its members; the
# audited identity and contact views; then each panel's rows once. 24-32 by role on SQLite;
# 38-53 before the page shared its rows across panels.
MAX_QUERIES = 34


def _family(size: int):
    team = Team.objects.get(name="team-a")
    return application_create(team=team, data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 9, 1), channel="web",
        members=[MemberIn(PersonIn(full_name="Large Family Principal", gender="male",
                                   documents=[("tazkira", "9999-0001")], contacts=[("phone", "+93 700 000 999")]),
                          "principal")]
        + [MemberIn(PersonIn(full_name=f"Child {i}", gender="female", documents=[("tazkira", f"9999-1{i:03}")],
                             contacts=[("phone", f"+93 700 001 {i:03}")]), "child", dependent=True)
           for i in range(size - 1)]))


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.DECISION_MAKER,
                                  roles.RELOCATION_COORDINATOR])
def test_the_case_page_reads_a_bounded_number_of_rows(staff, cases, role, django_assert_max_num_queries):
    user, client = staff[role]
    at_a_stage_for(role, cases["a"])
    url = f"/cases/{cases['a'].pk}/"
    assert client.get(url).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert (PRINCIPAL_A in response.content.decode()) == can(user, roles.PERSON_IDENTITY)


def test_the_case_page_s_queries_do_not_grow_with_the_family(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, client = staff[roles.INTAKE_OFFICER]
    counts = []
    for size in (1, 8):
        case = _family(size)
        url = f"/cases/{case.pk}/"
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.content.decode().count("9999-") == size
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1], counts
