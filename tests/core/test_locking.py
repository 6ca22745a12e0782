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
