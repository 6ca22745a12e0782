"""One real browser: sign in with password and TOTP code, open a case, take a screenshot."""

import os
import shutil
from pathlib import Path

import pytest

from browserkit import BROWSER, launch
from resettle.accounts import roles
from resettle.accounts.otp import current_code
from web.staffkit import PRINCIPAL_A


pytestmark = BROWSER


def test_sign_in_with_totp_open_a_case_and_screenshot(transactional_db, live_server, user_factory, cases,
                                                      sync_playwright_allowed, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"], username="browser-officer")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
            errors = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{live_server.url}/cases/")
            assert "/accounts/login/" in page.url
            page.fill("#id_username", "browser-officer")
            page.fill("#id_password", "a long test password 123")
            page.fill("#id_token", current_code(device))
            page.click("button[type=submit] >> text=Sign in")
            page.wait_for_url(f"{live_server.url}/cases/")
            page.click(f"text={cases['a'].reference}")
            page.wait_for_selector("h1")
            assert PRINCIPAL_A in page.content()
            shot = tmp_path / "case.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5000
            out = os.environ.get("RESETTLE_SCREENSHOT_DIR")
            if out:
                shutil.copy(shot, Path(out) / "case-detail.png")
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
