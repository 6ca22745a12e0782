import pytest
from django.core.management import call_command
from django.db import connection

from resettle.people.models import ContactDetail, IdentityDocument, Person
from resettle.people.services import PersonIn, person_create
from resettle.security.crypto import DecryptionError, token_key_id
from resettle.security.rotation import encrypted_columns, rotate

PEOPLE = [
    PersonIn(full_name=f"Person {i} حسینی", father_name=f"Father {i}", documents=[("tazkira", f"T-{i}")],
             contacts=[("phone", f"+93 700 000 {i:03d}")])
    for i in range(7)
]


class Interrupted(Exception):
    pass


def raw_key_ids() -> dict[str, int]:
    """Key ids of every stored token, read with plain SQL: what is really on disk."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for cols in encrypted_columns():
            names = ", ".join(connection.ops.quote_name(f.column) for f in cols.fields)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(cols.model._meta.db_table)}")
            for row in cursor.fetchall():
                for value in row:
                    if value:
                        counts[token_key_id(value)] = counts.get(token_key_id(value), 0) + 1
    return counts


def read_everything() -> list[tuple]:
    return sorted(
        [(p.full_name, p.father_name) for p in Person.objects.all()]
        + [(d.number, "") for d in IdentityDocument.objects.all()]
        + [(c.value, "") for c in ContactDetail.objects.all()]
    )


def test_discovery_finds_every_model_with_encrypted_fields():
    labels = {c.label for c in encrypted_columns()}
    assert {"people.Person", "people.IdentityDocument", "people.ContactDetail", "records.EmploymentRecord"} <= labels


@pytest.mark.django_db
def test_rotation_interrupted_then_resumed_then_old_key_dropped(rekey):
    for data in PEOPLE:
        person_create(data=data)
    before = read_everything()
    old_spec, old_id = rekey.current()
    assert set(raw_key_ids()) == {old_id}

    new_id, new_value = "knew1", rekey.new_key()
    rekey(f"{old_spec},{new_id}:{new_value}", new_id)

    def die_after_first_batch(report):
        raise Interrupted

    with pytest.raises(Interrupted):
        rotate(batch_size=3, after_batch=die_after_first_batch)
    mixed = raw_key_ids()
    assert mixed.get(old_id) and mixed.get(new_id), mixed  # half done, like a killed run
    assert read_everything() == before  # both keys open during rotation

    call_command("rotate_keys", "--dry-run", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert raw_key_ids() == mixed  # a dry run changes nothing

    call_command("rotate_keys", "--batch-size", "4", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    after = raw_key_ids()
    assert set(after) == {new_id} and sum(after.values()) == sum(mixed.values())

    rekey(f"{new_id}:{new_value}", new_id)  # the old key is gone from the environment
    assert read_everything() == before
    with pytest.raises(DecryptionError):  # and it really is gone: the old key cannot be what opens them
        rekey(old_spec, old_id)
        Person.objects.first().full_name


@pytest.mark.django_db
def test_a_value_changed_during_rotation_is_not_overwritten(rekey, monkeypatch):
    person = person_create(data=PEOPLE[0])
    old_spec, _ = rekey.current()
    rekey(f"{old_spec},knew2:{rekey.new_key()}", "knew2")
    from resettle.security.crypto import KeyRing

    real_seal = KeyRing.seal
    edited = []

    def seal_while_someone_edits(self, plaintext, aad, key_id=None):
        # Another caseworker saves a corrected name between the sweep's read and its write.
        if b"|full_name|" in aad and not edited:
            edited.append(True)
            p = Person.objects.get(pk=person.pk)
            p.full_name = "Corrected Name"
            p.save()
        return real_seal(self, plaintext, aad, key_id=key_id)

    monkeypatch.setattr(KeyRing, "seal", seal_while_someone_edits)
    report = rotate()
    assert report.skipped_changed == 1
    assert Person.objects.get(pk=person.pk).full_name == "Corrected Name"


@pytest.mark.django_db
def test_rotation_does_not_claim_done_while_a_process_still_writes_with_the_old_key(rekey, monkeypatch):
    from django.core.management import CommandError

    from resettle.core import keys
    from resettle.core.management.commands import rotate_keys
    from resettle.security.crypto import aad_for

    person = person_create(data=PEOPLE[0])
    old_spec, old_id = rekey.current()
    rekey(f"{old_spec},knew3:{rekey.new_key()}", "knew3")
    real_rotate = rotate_keys.rotate

    def rotate_while_an_old_process_writes(**kwargs):
        report = real_rotate(**kwargs)
        # A web worker not yet restarted saves a name under the old active key.
        stale = keys.keyring().seal("Late Edit", aad_for("people_person", "full_name", person.pk), key_id=old_id)
        Person.objects.filter(pk=person.pk).update(full_name=stale)
        return report

    monkeypatch.setattr(rotate_keys, "rotate", rotate_while_an_old_process_writes)
    with pytest.raises(CommandError, match="restart every process"):
        call_command("rotate_keys", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    monkeypatch.setattr(rotate_keys, "rotate", real_rotate)
    call_command("rotate_keys", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))
    assert set(raw_key_ids()) == {"knew3"} and Person.objects.get(pk=person.pk).full_name == "Late Edit"
