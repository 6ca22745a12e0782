"""The verifier's record search: any spelling in either script, the father's name alone, the same
explanation as a candidate, confirmation from the results; audited and restricted to the roles
that may see records."""

import datetime as dt

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from browserkit import launch, needs_chromium
from resettle.applications.models import VerificationStatus
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.records.models import EmploymentRecord
from resettle.records.services import import_records

HR = """record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date
S-1,MOHD HUSAINI s/o GHOLAM,,1361,terp,PRT Bamyan,Bamiyan,2010-03-01,2012-11-30
S-2,ALI AHMAD,NAZIR,1360,driver,Kiwi Base,Bamyan,2006-01-01,2008-06-30
S-3,QASIM JAN,HABIBULLAH,1355,guard,CRIB 9,Bamyan,2007-01-01,2009-01-01
S-4,سید رحیم,عبدالکریم,,guard,CRIB 9,Bamyan,2005-01-01,2006-01-01
"""


def _apply(name, father, birth):
    return application_create(data=ApplicationIn(
        pathway="nz-bamyan-2012", received_on=dt.date(2013, 1, 10),
        members=[MemberIn(PersonIn(full_name=name, father_name=father, birth_date=parse_birth_date(birth)), "principal")],
        claims=[ClaimIn(employer="NZDF", unit="NZ PRT", role="guard", location="Bamyan",
                        start_date=dt.date(2005, 1, 1), end_date=dt.date(2006, 6, 1))]))


@pytest.fixture
def records(db, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    return {r.source_record_id: r for r in EmploymentRecord.objects.all()}


def _signed_in(client, user):
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _search(client, application, **params):
    query = {"full_name": "", "father_name": "", **params}
    return client.get(reverse("verification:record_search", args=[application.pk]), query)


def test_search_finds_a_latin_record_by_its_dari_spelling_with_the_candidates_explanation(records, user_factory,
                                                                                           client):
    verifier = user_factory("df_verifier")
    application = _apply("Rahim Sayed", "Karim", "")
    _signed_in(client, verifier)
    response = _search(client, application, full_name="محمد حسینی")
    body = response.content.decode()
    assert response.status_code == 200
    assert "MOHD HUSAINI s/o GHOLAM" in body and "QASIM JAN" not in body
    # The explanation a candidate has: the name reason names its level.
    assert "same consonant skeleton" in body or "same canonical key" in body


def test_search_by_the_fathers_name_alone(records, user_factory, client):
    verifier = user_factory("df_verifier")
    application = _apply("Rahim Sayed", "Karim", "")
    _signed_in(client, verifier)
    body = _search(client, application, father_name="Habib Ullah", birth="1976").content.decode()
    assert "QASIM JAN" in body and "ALI AHMAD" not in body  # father NAZIR shares nothing with the search
    assert "1 record found" in body


def test_a_record_the_candidates_missed_is_found_and_confirmed_from_the_search(records, user_factory, client):
    """A Dari-script record with no birth year and a title (Sayed), the applicant in Latin
    letters with the name parts the other way round: searched, then confirmed from the page."""
    verifier = user_factory("df_verifier")
    application = _apply("Rahim Sayed", "Abdul Karim", "")
    _signed_in(client, verifier)
    body = _search(client, application, full_name="Rahim", father_name="Abdul Karim", unit="CRIB 9").content.decode()
    assert "سید رحیم" in body
    target = records["S-4"]
    response = client.post(reverse("verification:record_search", args=[application.pk]),
                           {"record": str(target.pk), "reason": "HR list row 5; the unit's roll confirms him"})
    assert response.status_code == 302 and response["Location"].endswith(f"/verification/{application.pk}/")
    claim = application.claimed_employment.get()
    assert claim.verification_status == VerificationStatus.CONFIRMED and claim.verified_record == target
    assert AuditEvent.objects.filter(action="verification.confirmed", actor_id=verifier.pk,
                                     target_id=str(application.pk)).exists()


def test_every_search_is_audited_without_the_names_searched(records, user_factory, client):
    verifier = user_factory("df_verifier")
    application = _apply("Rahim Sayed", "Karim", "")
    _signed_in(client, verifier)
    opened = client.get(reverse("verification:record_search", args=[application.pk]))
    assert opened.status_code == 200 and "Rahim Sayed" in opened.content.decode()  # the starting query
    assert AuditEvent.objects.filter(action="person.viewed", actor_id=verifier.pk,
                                     reason="verification: record search").exists()
    _search(client, application, full_name="Qasim Jan")
    event = AuditEvent.objects.get(action="records.searched", actor_id=verifier.pk)
    assert event.target_id == str(application.pk)
    assert str(records["S-3"].pk) in event.details["records_shown"]
    assert "full_name" in event.details["fields"]
    assert "qasim" not in str(event.details).lower()


@pytest.mark.parametrize("role", ["intake_officer", "analyst", "decision_maker"])
def test_roles_that_may_not_see_records_are_refused_and_the_refusal_audited(records, user_factory, client, role):
    user = user_factory(role)
    application = _apply("Rahim Sayed", "Karim", "")
    _signed_in(client, user)
    assert _search(client, application, full_name="Qasim").status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor_id=user.pk).exists()
    assert not AuditEvent.objects.filter(action="records.searched").exists()
    response = client.post(reverse("verification:record_search", args=[application.pk]),
                           {"record": str(records["S-3"].pk), "reason": "x"})
    assert response.status_code == 403
    assert application.claimed_employment.get().verification_status == VerificationStatus.UNVERIFIED


def test_bad_input_is_named_on_the_form_not_a_server_error(records, user_factory, client):
    verifier = user_factory("df_verifier")
    application = _apply("Rahim Sayed", "Karim", "")
    _signed_in(client, verifier)
    empty = _search(client, application)
    assert empty.status_code == 200 and "Give a name or a father" in empty.content.decode()
    bad = _search(client, application, full_name="Qasim", birth="1361-13-01")
    assert bad.status_code == 200 and "month 13" in bad.content.decode()
    nobody = client.post(reverse("verification:record_search", args=[application.pk]), {"record": "nope"})
    assert nobody.status_code == 302
    assert not AuditEvent.objects.filter(action="records.searched").exists()


def test_a_record_confirmed_for_another_application_is_refused_from_the_search_too(records, user_factory, client):
    verifier = user_factory("df_verifier")
    first, second = _apply("Qasim Jan", "Habibullah", "1355"), _apply("Qasem Jan", "Habibullah", "1355")
    _signed_in(client, verifier)
    url = lambda a: reverse("verification:record_search", args=[a.pk])  # noqa: E731
    client.post(url(first), {"record": str(records["S-3"].pk), "reason": "roll call"})
    response = client.post(url(second), {"record": str(records["S-3"].pk), "reason": "roll call"}, follow=True)
    assert "already confirmed for application" in response.content.decode()
    assert second.claimed_employment.get().verification_status == VerificationStatus.UNVERIFIED


# ---- in a real browser -----------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
def test_browser_verifier_searches_in_dari_and_confirms(transactional_db, live_server, user_factory, tmp_path,
                                                         monkeypatch, settings):
    from playwright.sync_api import sync_playwright

    from resettle.accounts.otp import current_code

    # Playwright's sync API runs an event loop; Django then refuses ORM calls from this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    application = _apply("Rahim Sayed", "Abdul Karim", "")
    user = user_factory("df_verifier", username="browser-verifier")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page()
            errors = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{live_server.url}/verification/{application.pk}/")
            page.fill("#id_username", "browser-verifier")
            page.fill("#id_password", "a long test password 123")
            page.fill("#id_token", current_code(device))
            page.click("button[type=submit] >> text=Sign in")
            page.wait_for_url(f"{live_server.url}/verification/{application.pk}/")
            page.click("text=Search the records yourself")
            page.wait_for_selector("#record-search")
            assert page.input_value("#id_full_name") == "Rahim Sayed"  # starts from the applicant's data
            page.fill("#id_full_name", "رحیم")
            page.fill("#id_unit", "CRIB 9")
            page.click("#record-search button[type=submit]")
            page.wait_for_selector(".search-hit")
            hit = page.locator(".search-hit", has_text="سید رحیم").first
            assert "Evidence (bits)" in hit.inner_text()
            hit.locator("textarea[name=reason]").fill("HR list row 5; the unit's roll confirms him")
            hit.locator("button[type=submit]").click()
            page.wait_for_url(f"{live_server.url}/verification/{application.pk}/")
            assert "Confirmed" in page.content()
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
    claim = application.claimed_employment.get()
    assert claim.verification_status == VerificationStatus.CONFIRMED
    assert claim.verified_record.source_record_id == "S-4"
    assert AuditEvent.objects.filter(action="records.searched", actor_id=user.pk).exists()
