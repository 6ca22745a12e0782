"""The applicant portal in a real browser (Debian's Chromium), on a phone-sized screen, in Dari,
Pashto and English: apply with three dependants, leave, come back with reference and secret,
submit, see the stage; an intake officer finds the case; a request for information is answered
from the portal. The Dari run saves screenshots (right to left) when PORTAL_SCREENSHOTS names a
folder (docs/portal when refreshing the documentation)."""

import datetime as dt
import os
from pathlib import Path

import pytest

from browserkit import BROWSER, launch
from resettle.accounts import roles
from resettle.accounts.otp import current_code
from resettle.portal.models import Draft

pytestmark = BROWSER

PEOPLE = {
    "fa-af": {"button": "دری", "name": "محمد حسین حسینی", "father": "غلام علی", "birth": "۱۳۶۱-۰۵-۱۲",
              "calendar": "solar_hijri", "stage": "دریافت شد",
              "family": [("spouse", "فاطمه رضایی", "1365", "solar_hijri", "female"),
                         ("child", "زهرا حسینی", "1390-01-05", "solar_hijri", "female"),
                         ("child", "علی حسینی", "1393-03-11", "solar_hijri", "male")]},
    "ps": {"button": "پښتو", "name": "عبدالرحیم ځدراڼ", "father": "عبدالکریم", "birth": "1358",
           "calendar": "solar_hijri", "stage": "ترلاسه شو",
           "family": [("spouse", "ملالۍ ځدراڼ", "1362", "solar_hijri", "female"),
                      ("child", "احمد ځدراڼ", "1388", "solar_hijri", "male"),
                      ("parent", "بی بی ګل", "1330", "solar_hijri", "female")]},
    "en": {"button": "English", "name": "Najibullah Sadat", "father": "Abdul Ghafoor", "birth": "1984-07-02",
           "calendar": "gregorian", "stage": "Received",
           "family": [("spouse", "Laila Sadat", "1988", "gregorian", "female"),
                      ("child", "Omid Sadat", "2010-02-14", "gregorian", "male"),
                      ("child", "Maryam Sadat", "2013-09-30", "gregorian", "female")]},
}


@pytest.fixture
def sync_playwright_allowed(sync_playwright_allowed, settings):
    # The shared fixture (tests/conftest.py), with fast password hashing for the many sign-ins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _shot(page, language, name):
    folder = os.environ.get("PORTAL_SCREENSHOTS")
    if folder and language == "fa-af":
        page.screenshot(path=str(Path(folder) / f"dari-{name}.png"))


@pytest.mark.parametrize("language", ["fa-af", "ps", "en"])
def test_apply_leave_resume_submit_and_answer_a_request(transactional_db, live_server, user_factory,
                                                        sync_playwright_allowed, language):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    who = PEOPLE[language]
    url = live_server.url
    with sync_playwright() as p:
        browser = launch(p)
        try:
            phone = {"viewport": {"width": 360, "height": 640}, "java_script_enabled": False}
            context = browser.new_context(**phone)
            page = context.new_page()
            page.goto(f"{url}/apply/")
            page.click(f"form.lang button[value='{language}']")  # the switcher, on every page
            direction = "rtl" if language != "en" else "ltr"
            assert page.get_attribute("html", "dir") == direction
            assert page.get_attribute("html", "lang") == language
            _shot(page, language, "1-start")
            page.click("main form button.primary")
            reference, secret = page.inner_text("#reference"), page.inner_text("#secret")
            _shot(page, language, "2-secret")
            page.click("a.button.primary")

            page.fill("#id_full_name", who["name"])
            page.fill("#id_father_name", who["father"])
            page.fill("#id_birth_date", who["birth"])
            page.select_option("#id_calendar", who["calendar"])
            page.select_option("#id_gender", "male")
            page.fill("#id_tazkira_number", "1400-0101-23456")
            page.fill("#id_phone", "+93 700 123 456")
            _shot(page, language, "3-about-you")
            page.click("button[name=next]")

            page.select_option("#id_employer", "nzdf")
            page.select_option("#id_unit", "nz_prt_bamyan")
            page.select_option("#id_role", "interpreter")
            page.select_option("#id_location", "bamyan")
            page.fill("#id_start_date", "2010-03-01")
            page.fill("#id_end_date", "2012-11-30")
            page.select_option("#id_calendar", "gregorian")
            page.click("button[name=next]")

            for relationship, name, birth, calendar, gender in who["family"]:
                page.select_option("#id_relationship", relationship)
                page.fill("#id_full_name", name)
                page.fill("#id_birth_date", birth)
                page.select_option("#id_calendar", calendar)
                page.select_option("#id_gender", gender)
                page.select_option("#id_dependent", "yes")
                page.click("button[name=add]")
            assert page.locator("ol.members li").count() == 3
            _shot(page, language, "4-family")
            page.click("button[name=leave]")  # saved; the session ends
            context.close()

            context = browser.new_context(**phone)  # later, another day: a new session
            page = context.new_page()
            page.goto(f"{url}/apply/")
            page.click(f"form.lang button[value='{language}']")
            page.goto(f"{url}/apply/continue/")
            page.fill("#id_reference", reference)
            page.fill("#id_secret", secret)
            page.click("main button.primary")
            assert page.url.endswith("/apply/check/")
            content = page.content()
            assert who["name"] in content and who["family"][2][1] in content
            assert "nz_prt_bamyan" not in content and "interpreter<" not in content
            _shot(page, language, "5-check")
            page.check("#id_confirm")
            page.click("main form button.primary")
            assert page.url.endswith("/apply/case/")
            assert who["stage"] in page.inner_text("#stage")
            _shot(page, language, "6-case")
            case_reference = (page.inner_text("#case-reference") if page.locator("#case-reference").count()
                              else page.inner_text("#reference"))

            application = Draft.objects.get(reference=reference).application
            assert application.members.count() == 4 and application.channel == "web"

            # An intake officer of the portal's team finds the case in the case list.
            officer = user_factory(roles.INTAKE_OFFICER, teams=["portal-intake"], username=f"officer-{language}")
            device = TOTPDevice.objects.create(user=officer, name="phone", confirmed=True)
            staff = browser.new_page()
            staff.goto(f"{url}/cases/")
            staff.fill("#id_username", officer.username)
            staff.fill("#id_password", "a long test password 123")
            staff.fill("#id_token", current_code(device))
            staff.click("button[type=submit] >> text=Sign in")
            staff.wait_for_url(f"{url}/cases/")
            staff.goto(f"{url}/cases/?reference={case_reference}")
            assert staff.locator(f"a:text-is('{case_reference}')").count() == 1
            staff.goto(f"{url}/casework/queues/?q=intake")  # and in the intake queue
            assert staff.locator(f"a:text-is('{case_reference}')").count() == 1

            from resettle.casework.services import information_request_create

            information_request_create(application=application, actor=officer,
                                                question="Please send the name of your supervisor.",
                                                deadline=dt.date.today() + dt.timedelta(days=28))
            page.reload()
            assert "Please send the name of your supervisor." in page.inner_text("form.request")
            page.fill("form.request textarea", "Sergeant Smith, PRT Bamyan")
            _shot(page, language, "7-request")
            page.click("form.request button.primary")
            assert page.locator("p.done").count() == 1
            request = application.information_requests.get()
            assert request.status == "answered" and request.answered_via == "portal"
        finally:
            browser.close()
