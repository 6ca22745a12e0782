"""Staff two-factor sign-in: TOTP devices (django-otp), their enrolment QR codes, demo codes.

Every staff account signs in with a password and a code from an authenticator app. A new
account has no device; its first password sign-in leads to enrolment, where the person scans
a QR code and proves it worked by typing a code.
"""

from __future__ import annotations

import segno
from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.audit.services import record_event

ENROLMENT_NAME = "authenticator"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def enrolment_device(user) -> TOTPDevice:
    """The unconfirmed device being enrolled; the same one across page reloads, so the QR code
    the person already scanned stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=ENROLMENT_NAME).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=ENROLMENT_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(user, device: TOTPDevice, token: str) -> bool:
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).exclude(pk=device.pk).delete()
    record_event(actor=user, action="staff.otp_enrolled", target=user, details={"device": device.pk})
    return True


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG: no image request, no inline style (CSP allows it)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def current_code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def is_demo_user(user) -> bool:
    # Read with the user's roles and teams (one query a request); no profile row: not a demo user.
    from resettle.accounts.permissions import access_state

    return access_state(user).is_demo


@transaction.atomic
def ensure_demo_device(user) -> TOTPDevice:
    """A confirmed TOTP device for a demo user, so `resettle demo-otp` can print its codes."""
    if not is_demo_user(user):
        raise PermissionError(f"{user.username} is not a demo user; real staff enrol their own device")
    return confirmed_device(user) or TOTPDevice.objects.create(user=user, name="demo", confirmed=True)


def ensure_demo_devices() -> int:
    """Give every demo user a device; returns how many were created. Called by demo-data."""
    from resettle.accounts.models import StaffProfile

    created = 0
    for profile in StaffProfile.objects.filter(is_demo=True).select_related("user"):
        if confirmed_device(profile.user) is None:
            ensure_demo_device(profile.user)
            created += 1
    return created
