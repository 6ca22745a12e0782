from web.staffkit import cases, fast_passwords, staff  # noqa: F401  (fixtures shared by the web-facing tests)

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def live_figures(settings):
    """Each test counts its own rows: no figures cached from an earlier test."""
    settings.REPORTING_CACHE_SECONDS = 0
