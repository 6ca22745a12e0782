"""The pages staff open most (bench/load: case list, verification queue, API list and case) read
a fixed number of times whatever the rows they show: no query per row, per claim or per member.
Each list is opened with one waiting case and with several; the second must cost no more."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from resettle.accounts import roles
from resettle.accounts.models import Team
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.people.services import PersonIn

pytestmark = pytest.mark.django_db


def _more_cases(n: int, family: int = 3):
    team = Team.objects.get(name="team-a")
    made = []
    for i in range(n):
        made.append(application_create(team=team, data=ApplicationIn(
            pathway="nz-afghan-2021", received_on=dt.date(2021, 9, 1 + i), channel="web",
            members=[MemberIn(PersonIn(full_name=f"Extra Principal {i}", gender="male",
                                       documents=[("tazkira", f"7777-{i:04}")], contacts=[("phone", f"+93 700 777 {i:03}")]),
                              "principal")]
            + [MemberIn(PersonIn(full_name=f"Extra Child {i}-{j}", gender="female"), "child", dependent=True)
               for j in range(family - 1)],
            claims=[ClaimIn(employer="NZDF", unit="PRT Bamyan", role=f"driver {i}", location="Bamyan"),
                    ClaimIn(employer="NZ Police", unit="NZ Police Bamyan", role="guard", location="Bamyan")])))
    return made


def _count(client, url) -> tuple[int, str]:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


@pytest.mark.parametrize("role,url", [(roles.INTAKE_OFFICER, "/cases/"), (roles.DF_VERIFIER, "/verification/"),
                                      (roles.INTAKE_OFFICER, "/api/applications/"),
                                      (roles.DF_VERIFIER, "/api/applications/")])
def test_a_list_reads_no_more_for_more_rows(staff, cases, role, url):
    _, client = staff[role]
    few, _ = _count(client, url)
    made = _more_cases(6)
    many, body = _count(client, url)
    assert many <= few, (few, many)
    assert made[-1].reference in body


def test_the_verification_queue_links_each_row_to_its_case_and_shows_each_claim(staff, cases):
    _, client = staff[roles.DF_VERIFIER]
    made = _more_cases(3)
    _, body = _count(client, "/verification/")
    for case in made:
        assert f'href="/verification/{case.pk}/">{case.reference}</a>' in body
    claims = [c for case in made for c in case.claimed_employment.all()]
    assert len(claims) == 6
    for c in claims:
        assert f"{c.role} · {c.unit} (" in body


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.DF_VERIFIER])
def test_the_api_case_reads_no_more_for_a_larger_family(staff, cases, role):
    _, client = staff[role]
    small, large = _more_cases(1, family=1)[0], _more_cases(1, family=8)[0]
    n_small, _ = _count(client, f"/api/applications/{small.pk}/")
    n_large, body = _count(client, f"/api/applications/{large.pk}/")
    assert n_large == n_small, (n_small, n_large)
    assert large.reference in body
