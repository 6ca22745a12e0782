"""Approved cases, a coordinator and a tranche with flights, built through the real services."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from resettle.accounts.roles import RELOCATION_COORDINATOR
from resettle.applications.models import Application
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.relocation import services
from resettle.relocation.models import Readiness, SecurityCheck

FLIGHT_DAY = dt.date.today() + dt.timedelta(days=10)
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    from resettle.accounts.models import Team

    return Team.objects.get_or_create(name="team-r")[0]


@pytest.fixture
def coordinator(user_factory, team):
    return user_factory(RELOCATION_COORDINATOR, teams=["team-r"], username="coordinator")


def approve(application: Application) -> Application:
    # Test set-up only: the decision itself belongs to casework and is tested there.
    Application.objects.filter(pk=application.pk).update(status="approved")
    application.refresh_from_db()
    return application


@pytest.fixture
def make_case(team):
    """An approved case of `adults` adults and `infants` infants (born eight months before the flights)."""
    def make(adults: int = 2, infants: int = 0, children: int = 0, approved: bool = True,
             passports: bool = False) -> Application:
        n = next(_counter)
        infant_birth = (FLIGHT_DAY - dt.timedelta(days=240)).isoformat()
        child_birth = (FLIGHT_DAY - dt.timedelta(days=365 * 8)).isoformat()
        members = [MemberIn(PersonIn(full_name=f"Principal {n}", birth_date=parse_birth_date("1985-03-01"),
                                     gender="male", documents=[("passport", f"P{n:07d}")]), "principal")]
        members += [MemberIn(PersonIn(full_name=f"Adult {n}-{i}", birth_date=parse_birth_date("1988-01-01"),
                                      gender="female", documents=[("passport", f"Q{n:04d}{i:03d}")] if passports else []),
                             "spouse" if i == 0 else "parent")
                    for i in range(adults - 1)]
        members += [MemberIn(PersonIn(full_name=f"Child {n}-{i}", birth_date=parse_birth_date(child_birth)), "child")
                    for i in range(children)]
        members += [MemberIn(PersonIn(full_name=f"Infant {n}-{i}", birth_date=parse_birth_date(infant_birth),
                                      documents=[("passport", f"I{n:04d}{i:03d}")] if passports else []), "child")
                    for i in range(infants)]
        application = application_create(team=team, data=ApplicationIn(
            pathway="nz-afghan-2021", received_on=dt.date(2021, 9, 1), members=members))
        return approve(application) if approved else application
    return make


def make_ready(actor, case) -> None:
    for item in Readiness.objects.filter(tranche_case=case):
        services.readiness_record(actor=actor, item=item, travel_document="emergency",
                                  security_check=SecurityCheck.CLEARED)


@pytest.fixture
def tranche(coordinator):
    point = services.arrival_point_create(actor=coordinator, name="Whenuapai Airbase", location="Auckland")
    centre = services.reception_centre_create(actor=coordinator, name="Mangere reception centre", capacity=300)
    tranche = services.tranche_create(actor=coordinator, name="Tranche 1", arrival_point=point, reception_centre=centre)
    return tranche


def add_flight(actor, tranche, code: str, seats: int, day: dt.date = FLIGHT_DAY):
    return services.flight_add(actor=actor, tranche=tranche, code=code, date=day, origin="Kabul (via Dubai)",
                               destination="Auckland", aircraft="C-130H Hercules", seats=seats)
