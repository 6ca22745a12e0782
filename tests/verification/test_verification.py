import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.applications.models import Application, VerificationStatus
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.records.models import EmploymentRecord
from resettle.records.services import import_records
from resettle.verification import services
from resettle.verification.models import CandidateMatch, DuplicateLink
from resettle.verification.selectors import verification_case, verifier_queue

HR = """record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date
T-1,MOHD HUSAINI s/o GHOLAM,,1361,terp,PRT Bamyan,Bamiyan,2010-03-01,2012-11-30
T-2,ALI AHMAD,NAZIR,1360,driver,Kiwi Base,Bamyan,2006-01-01,2008-06-30
T-3,QASIM JAN,HABIBULLAH,1355,guard,CRIB 9,Bamyan,2007-01-01,2009-01-01
"""


def apply(name, father, birth, role="interpreter", unit="NZ PRT", start=dt.date(2010, 4, 1), end=dt.date(2012, 10, 1),
          members=()):
    people = [MemberIn(PersonIn(full_name=name, father_name=father, birth_date=parse_birth_date(birth)), "principal")]
    people += [MemberIn(PersonIn(full_name=n, father_name=f, birth_date=parse_birth_date(b)), r) for n, f, b, r in members]
    return application_create(data=ApplicationIn(
        pathway="nz-bamyan-2012", received_on=dt.date(2013, 1, 10), members=people,
        claims=[ClaimIn(employer="NZDF", unit=unit, role=role, location="Bamyan", start_date=start, end_date=end)]))


@pytest.fixture
def records(db, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    return {r.source_record_id: r for r in EmploymentRecord.objects.all()}


def test_latin_and_dari_spellings_find_the_same_record_with_reasons(records):
    latin = apply("Muhammad Hussaini", "Ghulam", "1982-08-03")
    dari = apply("محمد حسینی", "غلام", "1361")
    for application in (latin, dari):
        top = services.candidates_refresh(application=application)[0]
        assert top.record == records["T-1"] and top.probability >= 0.8
        reasons = json.loads(top.explanation)
        assert {r["field"] for r in reasons} >= {"name", "father", "birth"}
        assert all(r["text"] for r in reasons)
        assert top.weights["father"][1] > 0


def test_explanations_are_sealed_at_rest(records):
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    services.candidates_refresh(application=application)
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM verification_candidatematch")
        raw = " ".join(row[0] for row in cursor.fetchall())
    assert raw and "GHOLAM" not in raw.upper() and "HUSAINI" not in raw.upper()


def test_confirmation_marks_the_claim_and_is_audited(records, user_factory):
    verifier = user_factory("df_verifier")
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    services.candidates_refresh(application=application)
    services.verification_decide(actor=verifier, application=application, record=records["T-1"],
                                 outcome="confirmed", reason="HR list row matches, unit commander recalls him")
    claim = application.claimed_employment.get()
    assert claim.verification_status == VerificationStatus.CONFIRMED and claim.verified_record == records["T-1"]
    event = AuditEvent.objects.get(action="verification.confirmed")
    assert event.actor_id == verifier.pk and event.target_id == str(application.pk)


def test_a_record_confirmed_for_one_application_cannot_be_confirmed_for_another(records, user_factory):
    verifier = user_factory("df_verifier")
    worker = apply("Muhammad Hussaini", "Ghulam", "1982")
    brother = apply("Mohammad Husaini", "Gholam", "1984")  # shares father's name: a relative's claim
    for a in (worker, brother):
        services.candidates_refresh(application=a)
    case = verification_case(user=verifier, application=brother)
    assert any(cv.competitors for cv in case.candidates), "the competing application is shown side by side"
    services.verification_decide(actor=verifier, application=worker, record=records["T-1"], outcome="confirmed",
                                 reason="matches")
    with pytest.raises(services.VerificationError, match="already confirmed"):
        services.verification_decide(actor=verifier, application=brother, record=records["T-1"],
                                     outcome="confirmed", reason="also matches?")


def test_only_verifiers_decide_and_refusals_are_audited(records, user_factory):
    intake = user_factory("intake_officer")
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    with pytest.raises(PermissionDenied):
        services.verification_decide(actor=intake, application=application, record=records["T-1"],
                                     outcome="confirmed", reason="x")
    with pytest.raises(PermissionDenied):
        list(verifier_queue(user=intake))
    assert AuditEvent.objects.filter(action="access.denied", actor_id=intake.pk).count() == 2


def test_viewing_a_case_is_audited_with_a_reason(records, user_factory):
    verifier = user_factory("df_verifier")
    application = apply("Ali Ahmad", "Nazir", "1981")
    services.candidates_refresh(application=application)
    verification_case(user=verifier, application=application)
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.reason == "verification" and event.actor_id == verifier.pk


def _duplicate_world():
    """Habibullah Nazari applied twice (two spellings); his daughter is also listed on Karim
    Jan's application; forty other applications around them, so the matcher calibrates its
    weights on a population."""
    import random

    rng = random.Random(1)
    given = ["Ali", "Karim", "Nasir", "Jawad", "Farid", "Rahim", "Wahid", "Zahir", "Nazir", "Hamid", "Latif", "Najib"]
    family = ["Rezaie", "Ahmadi", "Karimi", "Jafari", "Mohammadi", "Sadiqi", "Hakimi", "Rahimi"]
    for _ in range(40):
        apply(f"{rng.choice(given)} {rng.choice(family)}", rng.choice(given), str(rng.randint(1960, 1995)), role="driver")
    a = apply("Habibullah Nazari", "Ghulam Sakhi", "1985", members=[("Zahra", "Habibullah", "2010", "child")])
    b = apply("Habib Ullah Nazari", "Gholam Sakhi", "1985")
    c = apply("Karim Jan", "Sayed", "1970", members=[("Zahra", "Habibullah", "2010", "child")])
    services.duplicates_refresh()
    return a, b, c


def test_duplicates_same_person_twice_and_member_in_two_applications(records):
    a, b, c = _duplicate_world()
    link = DuplicateLink.objects.get(application=a, other=b, kind="principal")
    assert DuplicateLink.objects.get(application=b, other=a, kind="principal").probability == link.probability
    # The pair's own probability and reasons, as for a candidate record; not a bare flag.
    assert 0.5 <= link.probability < 1.0
    reasons = {r["field"]: r for r in json.loads(link.explanation)}
    assert reasons["name"]["weight"] > 0 and "Habib" in reasons["name"]["text"]
    assert reasons["father"]["level"] == "exact"
    member = DuplicateLink.objects.get(application=a, other=c, kind="member")
    assert "child in this application, child in the other" in json.loads(member.explanation)[0]["text"]
    assert not DuplicateLink.objects.filter(application=b, other=c).exists()
    # Explanations name people: sealed at rest like every other identifying field.
    with connection.cursor() as cursor:
        cursor.execute("SELECT explanation FROM verification_duplicatelink")
        stored = " ".join(row[0] for row in cursor.fetchall())
    assert "Habib" not in stored and "Zahra" not in stored


def test_verifier_sees_a_possible_duplicate_side_by_side_with_the_reasons(records, user_factory, client):
    a, b, _ = _duplicate_world()
    verifier = user_factory("df_verifier")
    _verified_client(client, verifier)
    body = client.get(reverse("verification:case", args=[a.pk])).content.decode()
    probability = DuplicateLink.objects.get(application=a, other=b).probability
    assert b.reference in body and f"probability {probability:.3f}" in body
    assert "Habib Ullah Nazari" in body and "Gholam Sakhi" in body  # the other application's principal
    assert "a family member appears in both" in body
    # Seeing the other application's principal is a view of identifying data, and audited.
    assert AuditEvent.objects.filter(action="person.viewed", reason="verification: possible duplicate",
                                     actor_id=verifier.pk).count() == 2


def _verified_client(client, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_queue_flags_contested_records_and_possible_duplicates(records, user_factory, client):
    a, b, c = _duplicate_world()
    x = apply("Muhammad Hussaini", "Ghulam", "1982")
    y = apply("محمد حسینی", "غلام", "1361")  # claims the same HR record
    for application in (x, y, a):
        services.candidates_refresh(application=application)
    verifier = user_factory("df_verifier")
    flags = {q.pk: (q.contested, q.possible_duplicate) for q in verifier_queue(user=verifier)}
    assert flags[x.pk] == flags[y.pk] == (True, False)
    assert flags[a.pk] == flags[c.pk] == (False, True)
    others = [f for pk, f in flags.items() if pk not in {x.pk, y.pk, a.pk, b.pk, c.pk}]
    assert others and not any(contested or dup for contested, dup in others)
    _verified_client(client, verifier)
    body = client.get(reverse("verification:queue")).content.decode()
    assert "another application matches the same record" in body and "possible duplicate application" in body


def test_verifier_screens(records, user_factory, client):
    verifier = user_factory("df_verifier")
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    _verified_client(client, verifier)
    queue = client.get(reverse("verification:queue"))
    assert queue.status_code == 200 and application.reference in queue.content.decode()
    assert "Hussaini" not in queue.content.decode()  # the queue lists no names
    page = client.get(reverse("verification:case", args=[application.pk]))
    assert page.status_code == 200 and "Score now" in page.content.decode()
    assert not CandidateMatch.objects.filter(application=application).exists()  # a GET writes nothing
    client.post(reverse("verification:score", args=[application.pk]))
    body = client.get(reverse("verification:case", args=[application.pk])).content.decode()
    assert "MOHD HUSAINI" in body and "row 2" in body
    decide = reverse("verification:decide", args=[application.pk])
    form = {"record": str(records["T-1"].pk), "outcome": "confirmed", "reason": "HR row 2"}
    response = client.post(decide, form, follow=True)
    assert "Decision recorded" in response.content.decode()
    assert application.claimed_employment.get().verification_status == "confirmed"
    again = client.post(decide, form, follow=True)  # a double submit records one decision, and says so
    assert "already recorded" in again.content.decode()
    assert application.verification_decisions.count() == 1
    silent = client.post(decide, {**form, "outcome": "rejected", "reason": "second thoughts"}, follow=True)
    assert "use Revise" in silent.content.decode()
    assert application.claimed_employment.get().verification_status == "confirmed"
    revised = client.post(decide, {**form, "outcome": "rejected", "reason": "wrong brother", "revision": "true",
                                   "claim": str(application.claimed_employment.get().pk)}, follow=True)
    assert "Decision recorded" in revised.content.decode()
    assert application.claimed_employment.get().verification_status == "rejected"
    assert application.verification_decisions.count() == 2


def test_a_missing_case_and_a_forbidden_case_answer_alike(records, user_factory, client):
    import uuid

    verifier = user_factory("df_verifier")
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    from resettle.applications.models import Application

    Application.objects.filter(pk=application.pk).update(status="approved")  # not a verifier's stage
    _verified_client(client, verifier)
    assert client.get(reverse("verification:case", args=[application.pk])).status_code == 403
    assert client.get(reverse("verification:case", args=[uuid.uuid4()])).status_code == 403


def test_the_database_refuses_one_record_confirmed_for_two_applications(records, user_factory):
    from django.db import IntegrityError, transaction

    first, second = apply("Muhammad Hussaini", "Ghulam", "1982"), apply("Mohd Husaini", "Gholam", "1982")
    first.claimed_employment.update(verification_status="confirmed", verified_record=records["T-1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        second.claimed_employment.update(verification_status="confirmed", verified_record=records["T-1"])


def test_other_roles_get_403_from_verifier_screens(records, user_factory, client):
    analyst = user_factory("analyst")
    application = apply("Muhammad Hussaini", "Ghulam", "1982")
    _verified_client(client, analyst)
    assert client.get(reverse("verification:queue")).status_code == 403
    assert client.get(reverse("verification:case", args=[application.pk])).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor_id=analyst.pk).count() == 2


def test_a_name_carrying_markup_is_shown_as_text_on_the_verifier_screen(records, user_factory, client):
    verifier = user_factory("df_verifier")
    application = apply('<script>alert("x")</script> Hussaini', "Ghulam", "1982")
    _verified_client(client, verifier)
    body = client.get(reverse("verification:case", args=[application.pk])).content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Hussaini" in body


def test_records_are_grouped_into_people(db, tmp_path):
    """Two rotations of one interpreter (one clerk wrote the father into the name, in capitals;
    the other wrote the family name first) become one person; his brother and the other staff do
    not join him. Re-running changes nothing."""
    import random

    rng = random.Random(4)
    given = ["Karim", "Nasir", "Jawad", "Farid", "Rahim", "Wahid", "Zahir", "Nazir", "Hamid", "Latif", "Najib"]
    family = ["Rezaie", "Ahmadi", "Karimi", "Jafari", "Sadiqi", "Hakimi", "Rahimi", "Amiri"]
    rows = [f"F-{i},{rng.choice(given)} {rng.choice(family)},{rng.choice(given)},{rng.randint(1950, 1995)},"
            f"driver,US PRT,Kandahar,{rng.randint(2004, 2018)}-01-01,\n" for i in range(60)]
    path = tmp_path / "hr.csv"
    path.write_text(HR.splitlines()[0] + "\n"
                    + "P-1,MOHD HUSAINI S/O GHOLAM,,1361,terp,PRT Bamyan,Bamiyan,2009-03-01,2010-09-30\n"
                    + "P-2,\"Husaini, Muhammad\",Ghulam,1982,Interpreter,CRIB 7,Bamyan,2011-01-10,2012-04-01\n"
                    + "P-3,Zabihullah Husaini,Ghulam,1987,Driver,CRIB 7,Bamyan,2011-01-10,2012-04-01\n"
                    + "".join(rows), encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    people = services.records_group_refresh()
    group = {r.source_record_id: r.person_group for r in EmploymentRecord.objects.all()}
    assert group["P-1"] == group["P-2"] != group["P-3"]
    assert people == len(set(group.values())) < len(group)
    assert sum(1 for g in group.values() if g == group["P-1"]) == 2
    event = AuditEvent.objects.filter(action="records.grouped").latest("seq")
    assert event.details["people"] == people and "HUSAINI" not in str(event.details)
    services.records_group_refresh()
    assert AuditEvent.objects.filter(action="records.grouped").latest("seq").details["changed"] == 0

    # Simulations count people: the two rotations are one candidate with two periods.
    from resettle.policies.selectors import employment_records_table

    table = employment_records_table(reference=dt.date(2012, 12, 12))
    assert table.n_groups == people and table.n_periods == len(group)


def test_group_records_command(records):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("group_records", "--workers", "1", stdout=out)
    assert "3 records grouped into 3 people." in out.getvalue()  # three different people
    assert all(r.person_group for r in EmploymentRecord.objects.all())


def test_after_a_records_import_every_record_is_decrypted_once_for_index_candidates_and_grouping(
        db, tmp_path, monkeypatch):
    """The index and the grouping into people both need the names in clear: one reading of the
    records feeds both (at 200,000 records a second pass is a second of AES per 10,000 rows)."""
    from resettle.core.fields import EncryptedTextField

    path = tmp_path / "hr.csv"
    path.write_text(HR.splitlines()[0] + "\n"
                    + "P-1,MOHD HUSAINI S/O GHOLAM,,1361,terp,PRT Bamyan,Bamiyan,2009-03-01,2010-09-30\n"
                    + "P-2,\"Husaini, Muhammad\",Ghulam,1982,Interpreter,CRIB 7,Bamyan,2011-01-10,2012-04-01\n"
                    + "P-3,Zabihullah Husaini,Ghulam,1987,Driver,CRIB 7,Bamyan,2011-01-10,2012-04-01\n",
                    encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    application = application_create(data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20),
        members=[MemberIn(PersonIn(full_name="Muhammad Hussaini", father_name="Ghulam",
                                   birth_date=parse_birth_date("1982")), relationship="principal")]))
    services._index_cache.update(key=None, index=None)
    opened = []
    real_open = EncryptedTextField.open_token

    def counting_open(self, instance, token):
        if isinstance(instance, EmploymentRecord):
            opened.append((instance.pk, self.name))
        return real_open(self, instance, token)

    monkeypatch.setattr(EncryptedTextField, "open_token", counting_open)
    matched, people = services.records_refresh()
    assert len(opened) == len(set(opened)) > 0  # no field of any record opened twice
    assert {pk for pk, _ in opened} == set(EmploymentRecord.objects.values_list("pk", flat=True))
    assert matched == Application.objects.count() and people == 2
    top = CandidateMatch.objects.filter(application=application).order_by("rank").first()
    assert top.record.source_record_id in {"P-1", "P-2"}
    group = {r.source_record_id: r.person_group for r in EmploymentRecord.objects.all()}
    assert group["P-1"] == group["P-2"] != group["P-3"]


def test_duplicates_are_found_before_the_transaction_that_replaces_the_links(transactional_db, monkeypatch):
    """On SQLite a write transaction holds the only write lock: the matcher's minutes over every
    application must not run inside it, or pages that audit a view fail behind it."""
    from django.db import connection

    people = [("Muhammad Hussaini", "Ghulam", "1982"), ("Mohammad Husaini", "Gholam", "1982"),
              ("Zahir Ahmadi", "Nazir", "1975")]
    for name, father, birth in people:
        application_create(data=ApplicationIn(
            pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20),
            members=[MemberIn(PersonIn(full_name=name, father_name=father, birth_date=parse_birth_date(birth)),
                              relationship="principal")]))
    real_dedupe = services.dedupe
    inside = []

    def watching(*args, **kwargs):
        inside.append(connection.in_atomic_block)
        return real_dedupe(*args, **kwargs)

    monkeypatch.setattr(services, "dedupe", watching)
    links = services.duplicates_refresh()
    assert inside == [False]
    assert links == DuplicateLink.objects.count() == 2  # the two spellings of one man, both ways
    assert AuditEvent.objects.filter(action="verification.duplicates_computed").latest("seq").details["links"] == 2


def test_a_grouping_task_queued_before_an_upgrade_runs_the_refresh_that_replaced_it(db, tmp_path):
    """The worker finds a queued task by its module path: a `group_records` row left by an older
    version must still run, and group the records, once the code has moved on."""
    from django.utils.module_loading import import_string

    path = tmp_path / "hr.csv"
    path.write_text(HR.splitlines()[0] + "\n"
                    + "P-1,MOHD HUSAINI S/O GHOLAM,,1361,terp,PRT Bamyan,Bamiyan,2009-03-01,2010-09-30\n"
                    + "P-2,\"Husaini, Muhammad\",Ghulam,1982,Interpreter,CRIB 7,Bamyan,2011-01-10,2012-04-01\n",
                    encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    EmploymentRecord.objects.update(person_group="")
    old_task = import_string("resettle.verification.tasks.group_records")
    _, people = old_task.call()
    assert people == 1
    groups = set(EmploymentRecord.objects.values_list("person_group", flat=True))
    assert len(groups) == 1 and "" not in groups
