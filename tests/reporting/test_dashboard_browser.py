"""An analyst signs in with password and TOTP code, opens the dashboard in Debian's Chromium,
and the charts render under the real Content-Security-Policy (no refusals in the console). The
screenshot refreshes docs/reporting/dashboard.png when RESETTLE_KEEP_SCREENSHOTS is set."""

import os
import shutil
from pathlib import Path

import pytest

from browserkit import BROWSER, launch
from resettle.accounts import roles
from resettle.accounts.otp import current_code

SHOT = Path(__file__).resolve().parents[2] / "docs" / "reporting" / "dashboard.png"

pytestmark = BROWSER


def test_analyst_opens_the_dashboard_and_the_charts_render(transactional_db, live_server, user_factory,
                                                           sync_playwright_allowed, settings, tmp_path):
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import sync_playwright

    from bench.reporting.run import build

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    build(600, seed=15, chunk=600)  # the benchmark's synthetic world, small: every chart has bars
    user = user_factory(roles.ANALYST, username="browser-analyst")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    with sync_playwright() as p:
        browser = launch(p)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{live_server.url}/reporting/")
            assert "/accounts/login/" in page.url
            page.fill("#id_username", "browser-analyst")
            page.fill("#id_password", "a long test password 123")
            page.fill("#id_token", current_code(device))
            page.click("button[type=submit] >> text=Sign in")
            page.wait_for_url(f"{live_server.url}/reporting/")
            page.wait_for_selector("#figure-clocks svg")
            assert page.locator("svg.chart-svg").count() == 6
            assert page.locator("#figure-stages rect.bar").count() >= 8
            # The SVG really lays out (attributes, not refused inline style): bars have width.
            box = page.locator("#figure-stages rect.bar").first.bounding_box()
            assert box and box["width"] > 5 and box["height"] > 5
            assert page.locator("nav >> text=Dashboard").count() == 1
            with page.expect_download() as download:
                page.click("#figure-clocks >> text=Download CSV")
            assert download.value.suggested_filename == "resettle-clocks.csv"
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20000
            if os.environ.get("RESETTLE_KEEP_SCREENSHOTS"):  # refresh docs/reporting/dashboard.png on request only
                SHOT.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(shot, SHOT)
            assert not [e for e in errors if "Content Security Policy" in e], errors
        finally:
            browser.close()
