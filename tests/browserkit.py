"""What every real-browser test shares: Debian's Chromium (`playwright install` cannot download
browsers here) driven by Playwright, and the marks that skip these tests on a laptop without it
but never in CI. The `sync_playwright_allowed` fixture is in conftest.py."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                    reason="needs Debian's chromium (make system-deps); required in CI")
BROWSER = [pytest.mark.browser, needs_chromium]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
