"""Shared fixtures for the web, API, accounts and people tests: staff signed in with both
factors, and two teams' cases with a full family, documents and contact details."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.accounts.roles import ALL_ROLES
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn

PRINCIPAL_A = "Muhammad Hussaini"
SPOUSE_A = "Fatima Rezaei"
PHONE_A = "+93 700 000 101"
TAZKIRA_A = "1234-5678"
PRINCIPAL_B = "Abdul Karimi"


def verified_client(user, device: TOTPDevice | None = None) -> Client:
    """A client signed in with password and TOTP, as the login view leaves a session."""
    device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def denied_events(**filters):
    return AuditEvent.objects.filter(action="access.denied", **filters)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2 at production strength costs half a second per user; these tests make dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cases(db):
    """Case A (team-a: principal, spouse, child; documents, phone) and case B (team-b)."""
    from resettle.accounts.models import Team

    team_a, _ = Team.objects.get_or_create(name="team-a")
    team_b, _ = Team.objects.get_or_create(name="team-b")
    a = application_create(team=team_a, data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 9, 1), channel="web",
        members=[
            MemberIn(PersonIn(full_name=PRINCIPAL_A, father_name="Ghulam", birth_date=parse_birth_date("1361-05-12"),
                              gender="male", documents=[("tazkira", TAZKIRA_A)], contacts=[("phone", PHONE_A)]),
                     "principal"),
            MemberIn(PersonIn(full_name=SPOUSE_A, father_name="Ali Ahmad", gender="female",
                              contacts=[("email", "fatima@example.org")]), "spouse", dependent=True),
            MemberIn(PersonIn(full_name="Zahra Hussaini", gender="female"), "child", dependent=True),
        ],
        claims=[ClaimIn(employer="NZDF", unit="PRT Bamyan", role="interpreter", location="Bamyan",
                        start_date=dt.date(2010, 3, 1), end_date=dt.date(2012, 11, 30))]))
    b = application_create(team=team_b, data=ApplicationIn(
        pathway="nz-bamyan-2012", received_on=dt.date(2013, 1, 15), channel="paper",
        members=[MemberIn(PersonIn(full_name=PRINCIPAL_B, gender="male"), "principal")],
        claims=[ClaimIn(employer="NZ Police", unit="NZ Police Bamyan", role="driver", location="Bamyan")]))
    return {"a": a, "b": b}


@pytest.fixture
def staff(user_factory, cases):
    """One verified client per role, all in team-a; `staff[role]` -> (user, client)."""
    made = {}
    for role in ALL_ROLES:
        user = user_factory(role, teams=["team-a"], username=f"t-{role}")
        made[role] = (user, verified_client(user))
    return made


def at_a_stage_for(role, case):
    """Put a case at a stage the role works on (test set-up only: the product moves cases
    through resettle.casework.services.case_transition)."""
    from resettle.accounts.roles import CASE_STAGES_BY_ROLE
    from resettle.applications.models import Application

    stage = "assessment" if "assessment" in CASE_STAGES_BY_ROLE.get(role, {"assessment"}) else \
        sorted(CASE_STAGES_BY_ROLE[role])[0]
    Application.objects.filter(pk=case.pk).update(status=stage)
    case.status = stage
