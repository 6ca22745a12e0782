"""The case list finds a case by any spelling of a name in either script, or by a reference,
tazkira or phone number, through keyed search digests only (issue: the README's promise)."""

import datetime as dt

import pytest

from resettle.accounts import roles
from resettle.applications.selectors import search_applications
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.people.services import PersonIn


def case(name, father="", tazkira="", phone="", team=None):
    documents = [("tazkira", tazkira)] if tazkira else []
    contacts = [("phone", phone)] if phone else []
    return application_create(team=team, data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20),
        members=[MemberIn(PersonIn(full_name=name, father_name=father, documents=documents, contacts=contacts),
                          "principal")]))


@pytest.fixture
def world(db, user_factory):
    from resettle.accounts.models import Team

    team = Team.objects.create(name="s")
    user = user_factory(roles.INTAKE_OFFICER, teams=["s"])
    made = {
        "akbar": case("اکبر حکیمی", "محمود", team=team),
        "ehsan": case("احسان", team=team),
        "rashid": case("Rashid Sharify", "Karim", tazkira="1400-0101-2345", phone="+93 700 123 456", team=team),
        "other": case("Nasir Ahmadi", "Wali", team=team),
    }
    return user, made


@pytest.mark.parametrize("query, who", [
    ("Akbar Hakimi", "akbar"), ("Ehsan", "ehsan"), ("Rashid Sharifi", "rashid"),
    ("1400-0101-2345", "rashid"), ("0700 123 456", "rashid"),
])
def test_any_spelling_or_number_finds_the_case(world, query, who):
    user, made = world
    found = list(search_applications(user, name=query))
    assert found and found[0] == made[who]
    assert made["other"] not in found
    event = AuditEvent.objects.filter(action="person.name_searched", actor_id=user.pk).last()
    assert query not in str(event.details) and query not in event.reason


def test_a_reference_finds_its_case(world):
    user, made = world
    assert list(search_applications(user, name=made["other"].reference.lower())) == [made["other"]]
