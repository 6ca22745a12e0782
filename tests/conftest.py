"""Test-wide set-up: fresh keys for every run, never the developer's own."""

import os
import threading

from resettle import config

for _name, _value in config.generate_secrets().items():
    os.environ[_name] = _value

import pytest  # noqa: E402

from resettle.core import keys  # noqa: E402

keys.reload()


@pytest.fixture(scope="session", autouse=True)
def _remove_scratch_data_dir():
    """Settings give each test run a scratch data folder; leave none behind."""
    yield
    import shutil

    from django.conf import settings

    if settings.DATA_DIR.name.startswith("resettle-test-"):
        shutil.rmtree(settings.DATA_DIR, ignore_errors=True)


@pytest.fixture
def user_factory(db):
    """Staff users with given roles (and teams), created through the one staff service."""
    from resettle.accounts.services import staff_create

    counter = {"n": 0}

    def make(*roles, teams=(), username=None):
        counter["n"] += 1
        return staff_create(username=username or f"user{counter['n']}-{'-'.join(roles) or 'none'}",
                            password="a long test password 123", roles=list(roles), teams=list(teams))

    return make


@pytest.fixture
def sync_playwright_allowed(monkeypatch):
    """For real-browser tests: Playwright's sync API runs an event loop in the test's thread, and
    Django then refuses ORM calls from it.

    Inside that loop the test's ORM calls run in another context, where Django's thread-local
    connections are other connections: opened there, they outlived the test, and PostgreSQL
    then refused to drop the test database at the end of the run ("being accessed by other
    users"). Every connection opened during the test is closed after it."""
    from django.db.backends.signals import connection_created

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember, weak=False)
    yield
    connection_created.disconnect(remember)
    for conn in opened:
        # Connections of the live server's request threads are closed by those threads.
        if conn.connection is not None and conn._thread_ident == threading.get_ident():
            conn.close()
