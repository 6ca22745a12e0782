import sqlite3

import pytest
from django.db import connection

from resettle.core import keys
from resettle.people.models import IdentityDocument, Person
from resettle.people.services import PersonIn, person_create
from resettle.security.crypto import DecryptionError


@pytest.mark.django_db
def test_values_read_back_but_are_stored_sealed():
    person = person_create(data=PersonIn(full_name="محمد حسینی", father_name="Gholam", documents=[("tazkira", "12-34")]))
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, father_name FROM people_person WHERE id = %s", [person.pk.hex if connection.vendor == "sqlite" else person.pk])
        raw_name, raw_father = cursor.fetchone()
    assert raw_name.startswith("rs1.") and "حسینی" not in raw_name and "Gholam" not in raw_father
    loaded = Person.objects.get(pk=person.pk)
    assert loaded.full_name == "محمد حسینی" and loaded.father_name == "Gholam"
    assert loaded.documents.get().number == "12-34"


@pytest.mark.django_db
def test_plain_text_can_never_reach_a_query():
    with pytest.raises(ValueError, match="blind index"):
        list(Person.objects.filter(full_name="Ali"))


@pytest.mark.django_db
def test_blind_index_finds_other_spellings_and_documents():
    a = person_create(data=PersonIn(full_name="Mohammad Hussaini", documents=[("passport", "p 123-456")]))
    b = person_create(data=PersonIn(full_name="MOHD HUSAINI"))
    assert a.full_name_index and a.full_name_index == b.full_name_index
    from resettle.core.fields import digest, document_number_key

    wanted = digest("document.number", document_number_key, "P123456")
    assert IdentityDocument.objects.get(number_index=wanted).person_id == a.pk


@pytest.mark.django_db
def test_a_ciphertext_moved_to_another_row_does_not_open():
    a = person_create(data=PersonIn(full_name="Ali"))
    b = person_create(data=PersonIn(full_name="Karim"))
    token = Person.objects.filter(pk=a.pk).values_list("full_name", flat=True).get()
    Person.objects.filter(pk=b.pk).update(full_name=token)
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=b.pk).full_name


@pytest.mark.django_db
def test_unchanged_values_are_not_resealed_on_save():
    person = person_create(data=PersonIn(full_name="Wahid"))
    before = Person.objects.filter(pk=person.pk).values_list("full_name", flat=True).get()
    loaded = Person.objects.get(pk=person.pk)
    loaded.gender = "male"
    loaded.save()
    assert Person.objects.filter(pk=person.pk).values_list("full_name", flat=True).get() == before
    assert keys.keyring().active_id in before.token
