"""Search by any spelling in either script, and by document or phone, through keyed digests."""

import base64
import secrets
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from resettle.core import keys
from resettle.people import search
from resettle.people.models import Person, PersonSearchKey
from resettle.people.selectors import match_rank, people_matching
from resettle.people.services import PersonIn, index_person, person_create, person_update

pytestmark = pytest.mark.django_db


def make(full_name, father="", documents=(), contacts=()):
    return person_create(data=PersonIn(full_name=full_name, father_name=father, documents=list(documents),
                                       contacts=list(contacts)))


def found(query):
    return [m.person_id for m in people_matching(query)]


def levels(query):
    return {m.person_id: m.level_name for m in people_matching(query)}


def test_latin_spelling_finds_the_dari_script_name():
    akbar = make("اکبر حکیمی")
    make("اکبر کریمی")
    assert found("Akbar Hakimi") == [akbar.pk]
    assert levels("Akbar Hakimi") == {akbar.pk: "skeleton"}


def test_dari_script_finds_the_latin_name():
    akbar = make("Akbar Hakimi")
    assert found("اکبر حکیمی") == [akbar.pk]


def test_one_part_in_latin_finds_the_dari_script_name():
    ehsan = make("احسان")
    ehsan_family = make("احسان کریمی")
    make("حسن")  # Hassan: another name, another skeleton (hsn, not ahsn)
    assert found("Ehsan") == [ehsan.pk, ehsan_family.pk]
    assert levels("Ehsan") == {ehsan.pk: "skeleton", ehsan_family.pk: "parts"}


def test_unseen_spelling_finds_the_same_person_sharing_tazkira_and_phone():
    rashid = make("Rashid Sharify", documents=[("tazkira", "1399-0101-12345")], contacts=[("phone", "+93 70 123 4567")])
    make("Rashid Karimi")
    assert found("Rashid Sharifi") == [rashid.pk]
    assert found("1399 0101 12345") == [rashid.pk]
    assert found("۱۳۹۹-۰۱۰۱-۱۲۳۴۵") == [rashid.pk]  # typed with Dari digits
    assert found("0701234567") == [rashid.pk]
    assert found("0093 70 123 4567") == [rashid.pk]
    assert found("0701234568") == []


def test_passport_and_email():
    p = make("Zahra Ahmadi", documents=[("passport", "P01234567")], contacts=[("email", "Zahra@Example.org")])
    assert found("p 0123 4567") == [p.pk]
    assert found("zahra@example.org ") == [p.pk]
    assert found("P01234568") == []


def test_ranking_exact_then_all_parts_then_skeleton_then_parts():
    exact = make("Akbar Hakimi")
    reordered = make("Hakimi, Akbar Jan")  # surname first; the Jan is a part of its own
    swapped = make("Hakimi Akbar")
    dari = make("اکبر حکیمی")
    longer = make("Mohammad Akbar Hakimi Ahmadzai")
    make("Akbar Karimi")
    make("Hakim Khan")
    got = people_matching("Akbar Hakimi")
    by = {m.person_id: m.level_name for m in got}
    assert by == {exact.pk: "exact", swapped.pk: "all parts", dari.pk: "skeleton", reordered.pk: "parts",
                  longer.pk: "parts"}
    assert [m.person_id for m in got][:3] == [exact.pk, swapped.pk, dari.pk]
    # Within the parts level, same spellings rank above skeleton-only agreement.
    assert all(m.spelled == 2 for m in got if m.level_name == "parts")


def test_single_part_and_father():
    a = make("Nazir Ahmad Sharifi", father="Ghulam Haidar")
    b = make("Nazir Ahmad Sharifi", father="Abdul Karim")
    assert set(found("Sharifi")) == {a.pk, b.pk}
    assert found("Sharifi s/o Haidar") == [a.pk]
    assert found("شریفی ولد عبدالکریم") == [b.pk]


def test_a_word_break_in_the_wrong_place_is_found():
    p = make("Nazir Ahmad")
    assert found("Nazirahmad") == [p.pk]


def test_nothing_plain_is_stored():
    make("Rashid Sharify", documents=[("tazkira", "1399-0101-12345")], contacts=[("phone", "+93 70 123 4567")])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, digest FROM {PersonSearchKey._meta.db_table}")
        rows = cursor.fetchall()
    assert {k for k, _ in rows} >= {search.NAME, search.SKELETON, search.PART, search.DOCUMENT, search.PHONE}
    text = " ".join(d for _, d in rows).lower()
    for plain in ("rashid", "ra$id", "r$d", "sharif", "$rf", "1399", "12345", "701234567"):
        assert plain not in text
    assert all(len(d) == 32 and int(d, 16) >= 0 for _, d in rows)


def test_renaming_moves_the_keys():
    p = make("Akbar Hakimi")
    person_update(person=p, expected_version=p.version, actor=None, full_name="Ehsan Karimi")
    assert found("Akbar Hakimi") == []
    assert found("Ehsan Karimi") == [p.pk]
    assert index_person(person=Person.objects.get(pk=p.pk)) == 0  # already right: nothing rewritten


def test_empty_and_unknown_queries_find_nobody():
    make("Akbar Hakimi")
    assert found("") == [] and found("   ") == [] and found("--") == []
    assert found("Zzyzx") == []


def test_match_rank_orders_a_queryset():
    exact = make("Akbar Hakimi")
    dari = make("اکبر حکیمی")
    got = people_matching("Akbar Hakimi")
    qs = (Person.objects.filter(pk__in=[m.person_id for m in got])
          .annotate(level=match_rank(got, "pk")).order_by("level"))
    assert [(p.pk, p.level) for p in qs] == [(exact.pk, 0), (dari.pk, 2)]


def test_reindex_under_a_new_key_keeps_search_working(monkeypatch):
    p = make("اکبر حکیمی", documents=[("tazkira", "55-66")])
    before = set(PersonSearchKey.objects.values_list("digest", flat=True))
    new = base64.b64encode(secrets.token_bytes(32)).decode()
    monkeypatch.setenv("RESETTLE_NEXT_INDEX_KEY", new)
    out = StringIO()
    call_command("reindex", "--key-from-env", "RESETTLE_NEXT_INDEX_KEY", stdout=out)
    assert f"people.PersonSearchKey: {2 * len(before)} changed" in out.getvalue()  # each row out, each in
    after = set(PersonSearchKey.objects.values_list("digest", flat=True))
    assert after and not (after & before)
    monkeypatch.setenv("RESETTLE_INDEX_KEY", new)
    keys.reload()
    try:
        assert found("Akbar Hakimi") == [p.pk]
        assert found("5566") == [p.pk]
    finally:
        monkeypatch.undo()
        keys.reload()


def test_backfill_rebuilds_missing_rows():
    p = make("Akbar Hakimi", contacts=[("phone", "0701234567")])
    PersonSearchKey.objects.all().delete()
    assert found("Akbar Hakimi") == []
    out = StringIO()
    call_command("reindex", stdout=out)
    assert "people.PersonSearchKey:" in out.getvalue()
    assert found("Akbar Hakimi") == [p.pk] and found("+93701234567") == [p.pk]


def test_admin_search_takes_a_skeleton_spelling_or_a_document_or_phone(staff, cases):
    from django.urls import reverse

    from resettle.accounts import roles
    from resettle.audit.models import AuditEvent

    _, client = staff[roles.INTAKE_OFFICER]
    url = reverse("admin:people_person_changelist")
    principal = cases["a"].principal.person
    for query in ("Mohamad Husayni", "1234 5678", "0700 000 101"):
        page = client.post(url, {"name_search": query}, follow=True).content.decode()  # POSTed: never in the URL
        assert str(principal) in page, query
    assert str(principal) not in client.post(url, {"name_search": "0700 000 102"}, follow=True).content.decode()
    assert not AuditEvent.objects.filter(details__icontains="5678").exists()


def test_a_document_or_phone_added_later_is_searchable_and_audited_without_its_number(staff, cases):
    from django.core.exceptions import PermissionDenied

    from resettle.accounts import roles
    from resettle.audit.models import AuditEvent
    from resettle.people.services import person_add_contact, person_add_document

    principal = cases["a"].principal.person
    user, _ = staff[roles.INTAKE_OFFICER]
    person_add_document(person=principal, kind="passport", number="P 0998877", actor=user, reason="new passport")
    person_add_contact(person=principal, kind="phone", value="+93 79 999 8888", actor=user)
    assert found("p0998877") == [principal.pk]
    assert found("079 999 8888") == [principal.pk]
    assert AuditEvent.objects.filter(action="person.document_added", details={"kind": "passport"}).count() == 1
    assert not AuditEvent.objects.filter(details__icontains="0998877").exists()
    verifier, _ = staff[roles.DF_VERIFIER]
    with pytest.raises(PermissionDenied):
        person_add_document(person=principal, kind="tazkira", number="1", actor=verifier)
    with pytest.raises(ValueError, match="kind"):
        person_add_document(person=principal, kind="visa", number="1", actor=user)


def test_one_letter_off_in_one_part_is_found_below_the_skeleton_level():
    hakimi = make("Akbar Hakimi")
    make("Akbar Karimi")
    make("Hakini")  # one part only: no one-letter-off keys, its neighbours are other names
    assert levels("Akbar Hakini") == {hakimi.pk: "one letter off"}
    assert levels("Akbar Hakimmi") == {hakimi.pk: "exact"}  # doubled letters fold away
    assert levels("Akbar Hakiimi") == {hakimi.pk: "exact"}
    assert levels("Akbar Hakmi") == {hakimi.pk: "skeleton"}
    assert levels("Akbar Hakimin") == {hakimi.pk: "one letter off"}  # an extra consonant


def test_two_query_parts_with_one_skeleton_are_each_looked_for():
    # Hassan and Hussain share the skeleton "hsn": each part of the query must still be found.
    both = make("حسن حسین")
    make("حسن کریمی")
    assert found("Hassan Hussain") == [both.pk]
