import pytest

from resettle.core.locking import ConcurrentEditError
from resettle.people.models import Person
from resettle.people.services import PersonIn, person_create, person_update


@pytest.mark.django_db
def test_second_save_from_a_stale_copy_is_refused():
    person = person_create(data=PersonIn(full_name="Habibullah", father_name="Nazir"))
    alice = Person.objects.get(pk=person.pk)
    bob = Person.objects.get(pk=person.pk)
    person_update(person=alice, expected_version=alice.version, actor=None, full_name="Habib Ullah")
    with pytest.raises(ConcurrentEditError, match="changed by someone else"):
        person_update(person=bob, expected_version=bob.version, actor=None, full_name="Habibulla")
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.full_name == "Habib Ullah" and fresh.version == 2


@pytest.mark.django_db
def test_editing_needs_the_edit_capability_and_the_case_in_scope(user_factory):
    import datetime as dt

    from django.core.exceptions import PermissionDenied

    from resettle.accounts.models import Team
    from resettle.applications.services import ApplicationIn, MemberIn, application_create
    from resettle.casework.services import case_transition
    from resettle.audit.models import AuditEvent

    team = Team.objects.create(name="bamyan")
    app = application_create(team=team, data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20), members=[MemberIn(PersonIn(full_name="Wahid"), "principal")]))
    person = app.principal.person
    insider = user_factory("intake_officer", teams=["bamyan"])
    outsider = user_factory("intake_officer", teams=["kabul"])
    analyst = user_factory("analyst", teams=["bamyan"])
    person_update(person=person, expected_version=person.version, actor=insider, full_name="Waheed")
    for actor in (outsider, analyst):
        with pytest.raises(PermissionDenied):
            person_update(person=person, expected_version=person.version, actor=actor, full_name="Vahid")
        with pytest.raises(PermissionDenied):
            case_transition(application=app, action="withdraw", expected_version=app.version, actor=actor)
    assert Person.objects.get(pk=person.pk).full_name == "Waheed"
    assert AuditEvent.objects.filter(action="access.denied").count() == 4
    case_transition(application=app, action="withdraw", expected_version=app.version, actor=insider)
    assert app.status == "withdrawn"
