"""The idle timeout's session writes: a page only writes its session when something in it
changed or the stored expiry is more than a minute behind (resettle.accounts.sessions)."""

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from resettle.accounts import roles
from resettle.accounts.otp import current_code
from resettle.accounts.sessions import REFRESH_SECONDS

from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "a long test password 123"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(client, username, token):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD, "token": token})


def _session_writes(client, url="/cases/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return sum(1 for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_a_request_soon_after_the_last_write_leaves_the_session_row_alone(user_factory):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"], username="officer")
    client = Client()
    sign_in(client, "officer", token=current_code(enrolled(user)))
    before = Session.objects.get().expire_date
    assert _session_writes(client) == 0
    assert Session.objects.get().expire_date == before


def test_a_request_a_minute_after_the_last_write_moves_the_expiry_on(user_factory):
    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"], username="officer")
    client = Client()
    sign_in(client, "officer", token=current_code(enrolled(user)))
    age = dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    stale = timezone.now() + age - dt.timedelta(seconds=REFRESH_SECONDS + 5)  # written 65 s ago
    Session.objects.update(expire_date=stale)
    assert _session_writes(client) == 1
    assert Session.objects.get().expire_date - timezone.now() > age - dt.timedelta(seconds=5)
    # never later than the full timeout after the last request
    assert Session.objects.get().expire_date <= timezone.now() + age


def test_a_changed_session_is_always_written(user_factory):
    from django.contrib.sessions.backends.base import SessionBase

    from resettle.accounts.sessions import SessionStore

    user = user_factory(roles.INTAKE_OFFICER, teams=["team-a"], username="officer")
    client = Client()
    sign_in(client, "officer", token=current_code(enrolled(user)))
    store = SessionStore(client.cookies[settings.SESSION_COOKIE_NAME].value)
    assert isinstance(store, SessionBase) and store.get("_auth_user_id") == str(user.pk)
    store["seen"] = 1
    store.save()
    assert SessionStore(store.session_key)["seen"] == 1
