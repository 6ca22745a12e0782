"""The casework journeys in a real browser (Debian's Chromium through Playwright): a verifier
confirms a record; one decision maker proposes and another confirms (the proposer cannot);
a decline, a reconsideration that ends approved; a request that lapses into its queue; a
marriage after approval whose spouse is decided alone."""

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from browserkit import BROWSER, launch
from casekit import new_case
from resettle.accounts import roles
from resettle.accounts.otp import current_code
from resettle.applications.models import Application
from resettle.casework import services
from resettle.casework.models import Decision

HR = """record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date
T-1,WAHID KARIMI s/o NAZIR,,1360,terp,PRT Bamyan,Bamiyan,2010-01-01,2012-06-01
T-2,ALI AHMAD,NAZIR,1360,driver,Kiwi Base,Bamyan,2006-01-01,2008-06-30
"""

pytestmark = BROWSER


@pytest.fixture
def world(transactional_db, user_factory, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from resettle.accounts.models import Team
    from resettle.records.services import import_records

    path = tmp_path / "hr.csv"
    path.write_text(HR, encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    team = Team.objects.create(name="b")
    people = {}
    for key, role in (("intake", roles.INTAKE_OFFICER), ("verifier", roles.DF_VERIFIER),
                      ("dm1", roles.DECISION_MAKER), ("dm2", roles.DECISION_MAKER)):
        user = user_factory(role, teams=["b"], username=f"b-{key}")
        people[key] = (user, TOTPDevice.objects.create(user=user, name="phone", confirmed=True))
    return team, people


def signin(browser, live_server, person):
    user, device = person
    page = browser.new_context(viewport={"width": 1100, "height": 900}).new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "a long test password 123")
    page.fill("#id_token", current_code(device))
    page.click("button[type=submit] >> text=Sign in")
    page.wait_for_load_state()
    return page


def move(page, live_server, case, label, reason=""):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    form = page.locator("form", has=page.locator(f"button:text-is('{label}')"))
    if reason:
        form.locator("textarea").fill(reason)
    form.locator(f"button:text-is('{label}')").click()
    page.wait_for_load_state()


def evaluate_and_propose(page, live_server, case, outcome, reasons):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click("button:text-is('Evaluate now')")
    page.wait_for_load_state()
    page.check(f"input[name=outcome][value={outcome}]")
    page.fill("textarea[name=reasons]", reasons)
    page.click("button:text-is('Propose')")
    page.wait_for_load_state()
    assert "A second decision maker must now confirm it" in page.content()


def review(page, live_server, case, verdict="Confirm decision"):
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    page.click(f"button:text-is('{verdict}')")
    page.wait_for_load_state()
    return page.content()


def status(case):
    return Application.objects.get(pk=case.pk).status


def test_casework_journeys(world, live_server, sync_playwright_allowed, tmp_path):
    from playwright.sync_api import sync_playwright

    team, people = world
    case = new_case(team)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            intake = signin(browser, live_server, people["intake"])
            verifier = signin(browser, live_server, people["verifier"])
            dm1 = signin(browser, live_server, people["dm1"])
            dm2 = signin(browser, live_server, people["dm2"])

            # intake sends it for verification; the verifier scores it and confirms the record
            move(intake, live_server, case, "Send for employment verification", "claims to check")
            assert "moved to" in intake.content()
            verifier.goto(f"{live_server.url}/verification/{case.pk}/")
            verifier.click("button:text-is('Score now')")
            verifier.wait_for_load_state()
            candidate = verifier.locator("section.candidate").first
            assert "WAHID KARIMI" in candidate.inner_text()
            candidate.locator("input[value=confirmed]").check()
            candidate.locator("textarea[name=reason]").fill("HR row T-1")
            candidate.locator("button:text-is('Record decision')").click()
            verifier.wait_for_load_state()
            body = verifier.content()
            assert "Decision recorded" in body and "moves on to" in body, body[body.find("<main>"):][:1500]
            assert status(case) == "assessment"

            # one decision maker proposes approval; the same one cannot confirm; another does
            evaluate_and_propose(dm1, live_server, case, "approve", "Interpreter for the PRT; at risk.")
            assert "Refused" in review(dm1, live_server, case) and status(case) == "decision_proposed"
            token = next(c["value"] for c in dm1.context.cookies() if c["name"] == "csrftoken")
            api = dm1.request.post(f"{live_server.url}/api/decisions/{Decision.objects.get(application=case).pk}/confirm/",
                                   headers={"X-CSRFToken": token, "Referer": live_server.url + "/"}, data={})
            assert api.status == 403 and "second decision maker" in api.text(), api.text()
            assert "Confirmed: approve" in review(dm2, live_server, case) and status(case) == "approved"
            dm2.screenshot(path=str(tmp_path / "approved.png"), full_page=True)

            # a marriage after approval: the spouse is added, assessed and decided alone
            intake.goto(f"{live_server.url}/cases/{case.pk}/")
            intake.click("summary:text-is('Record a change of circumstances')")
            intake.select_option("select[name=kind]", "marriage")
            intake.fill("form[action$='/changes/'] textarea[name=details]", "Married Maryam on 1402-03-10")
            intake.click("button:text-is('Record change')")
            intake.wait_for_load_state()
            intake.fill("input[name=full_name]", "Maryam Rahimi")
            intake.fill("input[name=birth_date]", "1378")
            intake.click("button:text-is('Accept change')")
            intake.wait_for_load_state()
            assert "the household has a new version" in intake.content()
            dm1.goto(f"{live_server.url}/cases/{case.pk}/")
            dm1.click("button:text-is('Evaluate now')")
            dm1.wait_for_load_state()
            form = dm1.locator("form", has=dm1.locator("button:text-is('Propose for this member')"))
            form.locator("input[value=approve]").check()
            form.locator("textarea[name=reasons]").fill("Spouse of an approved principal.")
            form.locator("button:text-is('Propose for this member')").click()
            dm1.wait_for_load_state()
            review(dm2, live_server, case)
            member_decision = Decision.objects.get(application=case, member__isnull=False)
            assert member_decision.state == "confirmed" and status(case) == "approved"

            # a decline with reasons, then a reconsideration that ends approved
            other = new_case(team, claims=False)
            move(intake, live_server, other, "Verification finished: assess eligibility")
            evaluate_and_propose(dm1, live_server, other, "decline", "No evidence of work with the NZDF.")
            review(dm2, live_server, other)
            assert status(other) == "declined"
            move(intake, live_server, other, "Open a reconsideration", "New evidence: HR letter")
            move(dm2, live_server, other, "Re-assess (new evidence or policy version)")
            evaluate_and_propose(dm2, live_server, other, "approve", "The HR letter confirms the work.")
            review(dm1, live_server, other)
            assert status(other) == "approved"
            states = list(Decision.objects.filter(application=other).order_by("proposed_at").values_list("state", flat=True))
            assert states == ["superseded", "confirmed"]

            # a request for information lapses into its queue
            third = new_case(team)
            intake.goto(f"{live_server.url}/cases/{third.pk}/")
            intake.click("summary:text-is('Ask for information')")
            intake.fill("textarea[name=question]", "Please send your HR letter.")
            intake.fill("input[name=deadline]", (dt.date.today() + dt.timedelta(days=1)).isoformat())
            intake.click("button:text-is('Send request')")
            intake.wait_for_load_state()
            services.information_requests_lapse(today=dt.date.today() + dt.timedelta(days=3))
            intake.goto(f"{live_server.url}/casework/queues/?q=requests_lapsed")
            assert third.reference in intake.content()
            out = os.environ.get("RESETTLE_SCREENSHOT_DIR")
            if out:
                shutil.copy(tmp_path / "approved.png", Path(out) / "casework-approved.png")
        finally:
            browser.close()
