"""A coordinator in a real browser: build a tranche, plan it, hold one household back, plan
again, record boarding and arrival, and see the case arrive."""

import os
import shutil
from pathlib import Path

import pytest

from browserkit import BROWSER, launch
from resettle.accounts import roles
from resettle.accounts.otp import current_code
from relocation.relockit import FLIGHT_DAY


pytestmark = BROWSER


def test_coordinator_builds_plans_overrides_boards_and_lands_a_tranche(transactional_db, live_server, user_factory,
                                                                        team, make_case, sync_playwright_allowed,
                                                                        tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    user = user_factory(roles.RELOCATION_COORDINATOR, teams=["team-r"], username="browser-coordinator")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    apps = [make_case(adults=2, infants=1, passports=True), make_case(adults=3, passports=True),
            make_case(adults=2, passports=True)]
    held, flying = apps[1], [apps[0], apps[2]]
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{live_server.url}/relocation/")
            page.fill("#id_username", "browser-coordinator")
            page.fill("#id_password", "a long test password 123")
            page.fill("#id_token", current_code(device))
            page.click("button[type=submit] >> text=Sign in")
            page.wait_for_url(f"{live_server.url}/relocation/")
            # Build the tranche: no security check asked by this policy, so passports make people ready.
            page.fill("#new-tranche #id_name", "Browser tranche")
            page.uncheck("#new-tranche #id_security_check_required")
            page.click("#new-tranche button[type=submit]")
            page.wait_for_selector("text=Tranche Browser tranche")
            page.click("summary >> text=Add a flight")
            page.fill("#new-flight #id_code", "RNZAF 7001")
            page.fill("#new-flight #id_date", FLIGHT_DAY.isoformat())
            page.fill("#new-flight #id_origin", "Kabul")
            page.fill("#new-flight #id_destination", "Auckland")
            page.fill("#new-flight #id_aircraft", "C-130H Hercules")
            page.fill("#new-flight #id_seats", "7")
            page.click("#new-flight button[type=submit]")
            page.wait_for_selector("text=Flight RNZAF 7001 added.")
            for a in apps:
                page.check(f"#add-cases input[value='{a.pk}']")
            page.click("#add-cases button[type=submit]")
            page.wait_for_selector("text=3 case(s) added")
            page.click("#plan-button")
            page.wait_for_selector("text=proven optimal")
            # Override one household: hold it back and plan again.
            row = page.locator(f"#case-{held.reference}")
            row.locator("input[name=reason]").fill("awaiting medical clearance")
            row.locator("button >> text=Hold back").click()
            page.wait_for_selector(f"text={held.reference} held back")
            page.click("#plan-button")
            page.wait_for_selector("text=proven optimal")
            assert "Held back by a coordinator: awaiting medical clearance" in \
                page.locator(f"#case-{held.reference} .left-reason").inner_text()
            page.screenshot(path=str(tmp_path / "tranche.png"), full_page=True)
            # Boarding and arrival on the flight's page.
            page.click("#flights a >> text=RNZAF 7001")
            page.wait_for_selector("#manifest")
            rows = page.locator("#manifest tbody tr")
            count = rows.count()
            assert count == 5  # two families: 2 + 1 lap infant, and 2
            for i in range(count):
                page.locator("#manifest tbody tr").nth(i).locator("button >> text=Boarded").click()
                page.wait_for_load_state()
            assert page.locator("#manifest .boarding >> text=Boarded").count() == 5
            page.click("#depart")
            page.wait_for_selector("text=Boarding closed on RNZAF 7001")
            page.click("#arrive")
            page.wait_for_selector("text=Arrival recorded: 5 people arrived")
            shot = tmp_path / "flight.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            page.goto(f"{live_server.url}/relocation/cases/{flying[0].pk}/journey")
            assert page.locator("#stage").inner_text() == "Arrived"
            out = os.environ.get("RESETTLE_SCREENSHOT_DIR")
            if out:
                shutil.copy(tmp_path / "tranche.png", Path(out) / "relocation-tranche.png")
                shutil.copy(shot, Path(out) / "relocation-flight.png")
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
    for a in flying:
        a.refresh_from_db()
        assert a.status == "arrived"
    held.refresh_from_db()
    assert held.status == "relocation"
