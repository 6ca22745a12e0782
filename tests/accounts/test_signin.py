"""Staff sign-in: password plus TOTP code, enrolment on first sign-in, lock-out, session rules."""

import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.accounts import roles
from resettle.accounts.otp import current_code
from resettle.audit.models import AuditEvent

PASSWORD = "a long test password 123"
LOGIN = "/accounts/login/"


@pytest.fixture
def officer(user_factory):
    return user_factory(roles.INTAKE_OFFICER, teams=["team-a"], username="officer")


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def sign_in(client, username, password=PASSWORD, token=""):
    return client.post(LOGIN, {"username": username, "password": password, "token": token})


def test_every_page_but_sign_in_needs_a_signed_in_verified_user(db):
    client = Client()
    for url in ("/", "/cases/", "/records/import/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(LOGIN), url
    assert client.get(LOGIN).status_code == 200
    assert client.get("/healthz").status_code == 200


def test_password_and_current_code_sign_in(officer):
    device = enrolled(officer)
    client = Client()
    response = sign_in(client, "officer", token=current_code(device))
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.signed_in", actor_id=officer.pk).exists()


@pytest.mark.parametrize("token", ["", "000000"])
def test_password_without_the_right_code_is_refused(officer, token):
    device = enrolled(officer)
    if token == current_code(device):
        token = "111111"
    client = Client()
    response = sign_in(client, "officer", token=token)
    assert response.status_code == 200 and "Sign-in failed" in response.content.decode()
    assert client.get("/cases/").status_code == 302


def test_wrong_password_is_refused_even_with_the_right_code(officer):
    device = enrolled(officer)
    response = sign_in(Client(), "officer", password="not the password", token=current_code(device))
    assert response.status_code == 200 and "Sign-in failed" in response.content.decode()


def test_first_sign_in_leads_to_enrolment_with_a_qr_code(officer):
    client = Client()
    response = sign_in(client, "officer")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:enrol")
    # Password alone reaches nothing but enrolment.
    assert client.get("/cases/")["Location"] == reverse("accounts:enrol")
    page = client.get(reverse("accounts:enrol")).content.decode()
    assert "<svg" in page and "<path" in page
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert client.post(reverse("accounts:enrol"), {"token": "123456" if current_code(device) != "123456" else "654321"}
                       ).status_code == 200
    assert client.get("/cases/").status_code == 302
    # django-otp throttles after a wrong code; waiting it out is simulated here.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None, throttling_failure_count=0)
    response = client.post(reverse("accounts:enrol"), {"token": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    assert AuditEvent.objects.filter(action="staff.otp_enrolled", actor_id=officer.pk).exists()


def test_enrolled_staff_cannot_enrol_a_second_device_with_the_password_alone(officer):
    enrolled(officer)
    client = Client()
    response = sign_in(client, "officer")
    assert response.status_code == 200  # refused: a code is required
    assert client.get(reverse("accounts:enrol")).status_code == 302
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_lock_out_after_repeated_wrong_passwords(officer):
    device = enrolled(officer)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", password="wrong password")
    response = sign_in(client, "officer", token=current_code(device))
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE
    assert client.get("/cases/").status_code == 302


def test_lock_out_after_repeated_wrong_codes(officer):
    device = enrolled(officer)
    client = Client()
    wrong = "000000" if current_code(device) != "000000" else "111111"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "officer", token=wrong)
    response = sign_in(client, "officer", token=current_code(device))
    assert response.status_code == settings.AXES_HTTP_RESPONSE_CODE


def test_sign_out_ends_the_session(officer):
    device = enrolled(officer)
    client = Client()
    sign_in(client, "officer", token=current_code(device))
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/cases/").status_code == 302


def test_security_headers_and_cookies(officer):
    device = enrolled(officer)
    client = Client()
    response = client.get(LOGIN, secure=True)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Frame-Options"] == "DENY"
    response = sign_in(client, "officer", token=current_code(device))
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_sessions_expire_after_a_short_idle_time():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST  # counted from the last request: idle, not absolute
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_idle_session_expires_and_each_request_extends_it(officer):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    device = enrolled(officer)
    client = Client()
    sign_in(client, "officer", token=current_code(device))
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(seconds=60))
    assert client.get("/cases/").status_code == 200
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)  # renewed by the request
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/cases/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


def test_forms_carry_csrf_tokens_and_posts_without_one_are_refused(officer):
    assert 'name="csrfmiddlewaretoken"' in Client().get(LOGIN).content.decode()
    strict = Client(enforce_csrf_checks=True)
    assert sign_in(strict, "officer").status_code == 403


def test_demo_banner_only_for_demo_users(user_factory):
    from resettle.accounts.services import staff_create
    from web.staffkit import verified_client

    demo = staff_create(username="demo-x", password=PASSWORD, roles=[roles.ANALYST], is_demo=True)
    real = user_factory(roles.ANALYST)
    for url in ("/", "/cases/dashboard/"):
        assert "DEMO — synthetic data" in verified_client(demo).get(url).content.decode()
        assert "DEMO — synthetic data" not in verified_client(real).get(url).content.decode()


def test_demo_otp_prints_the_demo_users_current_code_and_refuses_real_staff(user_factory, capsys):
    from resettle.accounts.services import staff_create

    demo = staff_create(username="demo-y", password=PASSWORD, roles=[roles.ANALYST], is_demo=True)
    call_command("demo_otp", "demo-y")
    code = capsys.readouterr().out.strip()
    device = TOTPDevice.objects.get(user=demo, confirmed=True)
    assert re.fullmatch(r"\d{6}", code) and code == current_code(device)
    response = sign_in(Client(), "demo-y", token=code)
    assert response.status_code == 302 and response["Location"] == "/"
    real = user_factory(roles.ANALYST)
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo_otp", real.username)
    assert not TOTPDevice.objects.filter(user=real).exists()


def test_ensure_demo_devices_covers_every_demo_user_once(user_factory):
    from resettle.accounts.otp import ensure_demo_devices
    from resettle.accounts.services import staff_create

    staff_create(username="demo-a", password=PASSWORD, roles=[roles.ANALYST], is_demo=True)
    staff_create(username="demo-b", password=PASSWORD, roles=[roles.DF_VERIFIER], is_demo=True)
    real = user_factory(roles.ANALYST)
    assert ensure_demo_devices() == 2
    assert ensure_demo_devices() == 0
    assert not TOTPDevice.objects.filter(user=real).exists()
