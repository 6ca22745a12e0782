"""Rotating the blind-index key: every keyed digest recomputed from the sealed values."""

import base64
import secrets
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from resettle.audit.models import AuditEvent
from resettle.core import keys
from resettle.core.fields import digest
from resettle.names.keys import name_key
from resettle.people.models import IdentityDocument, Person
from resettle.people.services import PersonIn, person_create
from resettle.security.rotation import blind_index_columns

PEOPLE = [PersonIn(full_name="Muhammad Hussaini", father_name="Ghulam", documents=[("tazkira", "1234-5678")]),
          PersonIn(full_name="محمد حسینی", father_name="غلام"),
          PersonIn(full_name="Zahra", father_name="")]


def stored_indexes() -> list[str]:
    """Every non-empty blind-index value on disk, read with plain SQL."""
    out = []
    with connection.cursor() as cursor:
        for cols in blind_index_columns():
            names = ", ".join(connection.ops.quote_name(f.column) for f in cols.fields)
            cursor.execute(f"SELECT {names} FROM {connection.ops.quote_name(cols.model._meta.db_table)}")
            out.extend(v for row in cursor.fetchall() for v in row if v)
    return out


def find(name: str) -> int:
    return Person.objects.filter(full_name_index=digest("person.name", name_key, name)).count()


def test_discovery_finds_every_blind_index():
    labels = {c.label for c in blind_index_columns()}
    assert {"people.Person", "people.IdentityDocument", "people.ContactDetail", "records.EmploymentRecord"} <= labels


@pytest.mark.django_db
def test_index_key_rotation_keeps_search_working_under_the_new_key(monkeypatch):
    for p in PEOPLE:
        person_create(data=p)
    assert find("MOHD HUSAINI") == 2  # Latin and Dari spellings share a key
    before = stored_indexes()
    new = base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("RESETTLE_NEXT_INDEX_KEY", new)

    out = StringIO()
    call_command("reindex", "--key-from-env", "RESETTLE_NEXT_INDEX_KEY", "--dry-run", stdout=out)
    assert "people.Person.full_name_index: 3 to change" in out.getvalue()
    assert stored_indexes() == before  # a dry run changes nothing

    out = StringIO()
    call_command("reindex", "--key-from-env", "RESETTLE_NEXT_INDEX_KEY", stdout=out)
    assert "set RESETTLE_INDEX_KEY" in out.getvalue()
    after = stored_indexes()
    assert len(after) == len(before) and not (set(after) & set(before))  # every digest changed
    assert find("MOHD HUSAINI") == 0  # the old key no longer finds anyone ...

    monkeypatch.setenv("RESETTLE_INDEX_KEY", new)  # ... until the operator switches keys
    keys.reload()
    try:
        assert find("MOHD HUSAINI") == 2 and find("Zahra") == 1
        number_digest = IdentityDocument._meta.get_field("number_index").digest("1234 5678")
        assert IdentityDocument.objects.filter(number_index=number_digest).count() == 1
        # Re-running (an interrupted run resumed) changes nothing more.
        out = StringIO()
        call_command("reindex", stdout=out)
        assert "Done: 0 index value(s) recomputed." in out.getvalue()
    finally:
        monkeypatch.undo()
        keys.reload()
    event = AuditEvent.objects.filter(action="keys.index_recomputed").first()
    assert event.details["new_key"] is True and event.details["changed"] == len(before)
    assert new not in str(event.details)


@pytest.mark.django_db
def test_a_missing_or_malformed_new_key_is_refused(monkeypatch):
    with pytest.raises(CommandError, match="RESETTLE_NEXT_INDEX_KEY is not set"):
        call_command("reindex", "--key-from-env", "RESETTLE_NEXT_INDEX_KEY")
    monkeypatch.setenv("RESETTLE_NEXT_INDEX_KEY", "too short")
    with pytest.raises(CommandError, match="RESETTLE_NEXT_INDEX_KEY"):
        call_command("reindex", "--key-from-env", "RESETTLE_NEXT_INDEX_KEY")
