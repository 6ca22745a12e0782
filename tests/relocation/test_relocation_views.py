"""The coordinator screens through the test client: the whole journey, refusals as messages
(never a 500), other roles kept out, names shown only through audited views."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from resettle.accounts.roles import ANALYST, INTAKE_OFFICER
from resettle.audit.models import AuditEvent
from resettle.relocation.models import Boarding, Flight, ManifestEntry, Readiness, Tranche, TrancheCase
from relocation.relockit import FLIGHT_DAY
from web.staffkit import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_(coordinator):
    return verified_client(coordinator)


def post(client, name, *args, data=None, follow=True):
    response = client.post(reverse(f"relocation:{name}", args=args), data or {}, follow=follow)
    assert response.status_code == 200, response.status_code
    return response


def test_a_coordinator_builds_plans_overrides_boards_and_lands_a_tranche(client_, coordinator, make_case):
    apps = [make_case(adults=2, infants=1), make_case(adults=3), make_case(adults=2)]
    assert client_.get(reverse("relocation:index")).status_code == 200
    post(client_, "place_new", data={"kind": "arrival_point", "name": "Whenuapai Airbase", "location": "Auckland"})
    post(client_, "tranche_new", data={"name": "April tranche", "security_check_required": "on"})
    tranche = Tranche.objects.get(name="April tranche")
    page = client_.get(reverse("relocation:tranche", args=[tranche.pk]))
    for a in apps:
        assert a.reference in page.content.decode()
    post(client_, "flight_new", tranche.pk, data={"code": "RNZAF 7001", "date": FLIGHT_DAY.isoformat(), "origin": "Kabul",
                                                 "destination": "Auckland", "aircraft": "C-130H", "seats": 6})
    flight = Flight.objects.get(code="RNZAF 7001")
    post(client_, "cases_add", tranche.pk, data={"applications": [str(a.pk) for a in apps], "risk_level": "high"})
    assert TrancheCase.objects.filter(tranche=tranche).count() == 3
    for a in apps:
        a.refresh_from_db()
        assert a.status == "relocation"
    page = client_.get(reverse("relocation:tranche", args=[tranche.pk])).content.decode()
    assert "Blocked" in page and "no travel document" in page
    # Readiness, through the readiness screen (which shows names, audited).
    case = TrancheCase.objects.get(application=apps[0])
    assert client_.get(reverse("relocation:readiness", args=[case.pk])).status_code == 200
    assert AuditEvent.objects.filter(action="person.identity_viewed", reason="relocation journey").exists()
    for item in Readiness.objects.all():
        post(client_, "readiness_record", item.tranche_case_id, item.member_id,
             data={"travel_document": "emergency", "security_check": "cleared"})
    response = post(client_, "plan", tranche.pk, data={"method": "highs"})
    assert "proven optimal" in response.content.decode()
    # Override: hold back the first household, plan again; it waits with the reason.
    held = TrancheCase.objects.get(application=apps[0])
    post(client_, "override", held.pk, data={"action": "hold", "reason": "medical clearance"})
    post(client_, "plan", tranche.pk, data={"method": "highs"})
    held.refresh_from_db()
    assert held.left_reason == "Held back by a coordinator: medical clearance"
    entries = list(ManifestEntry.objects.filter(flight=flight))
    assert len(entries) == 5
    page = client_.get(reverse("relocation:flight", args=[flight.pk]))
    assert page.status_code == 200
    assert AuditEvent.objects.filter(action="person.identity_viewed", target_id=str(flight.pk)).exists()
    for e in entries:
        post(client_, "boarding", flight.pk, e.pk, data={"status": Boarding.BOARDED})
    post(client_, "depart", flight.pk)
    post(client_, "arrive", flight.pk, data={"on": dt.date.today().isoformat()})
    for a in apps[1:]:
        a.refresh_from_db()
        assert a.status == "arrived"
    page = client_.get(reverse("relocation:journey", args=[apps[1].pk])).content.decode()
    assert "Residence granted on" in page
    export = client_.post(reverse("relocation:export", args=[flight.pk]), {"reason": "crew", "format": "csv"})
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_bad_requests_come_back_as_messages_not_errors(client_, coordinator, make_case):
    post(client_, "tranche_new", data={"name": "T"})
    tranche = Tranche.objects.get(name="T")
    response = post(client_, "tranche_new", data={"name": "T"})
    assert "exists already" in response.content.decode()
    response = post(client_, "plan", tranche.pk)
    assert "Add a flight" in response.content.decode()
    response = post(client_, "flight_new", tranche.pk, data={"code": "X", "date": "not a date", "seats": "-3"})
    assert "date: Enter a valid date." in response.content.decode()
    response = post(client_, "cases_add", tranche.pk, data={"applications": ["nonsense"]})
    assert "Choose approved cases" in response.content.decode()
    response = post(client_, "link", tranche.pk, data={})
    assert "at least two" in response.content.decode()
    assert client_.get(reverse("relocation:tranche", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    assert client_.get(reverse("relocation:tranche_new")).status_code == 405
    flight = Flight.objects.create(tranche=tranche, code="F", date=FLIGHT_DAY, origin="a", destination="b",
                                   aircraft="c", seats=3)
    response = post(client_, "arrive", flight.pk, data={"on": "2026-01-01", "missing": ["not-a-uuid"]})
    assert "malformed" in response.content.decode()
    response = post(client_, "arrive", flight.pk, data={"on": "2026-01-01"})
    assert "Close boarding on F before recording its arrival" in response.content.decode()


@pytest.mark.parametrize("role", [ANALYST, INTAKE_OFFICER])
def test_other_roles_get_403_on_every_screen(user_factory, coordinator, make_case, role):
    from resettle.relocation import services

    tranche = services.tranche_create(actor=coordinator, name="T")
    flight = services.flight_add(actor=coordinator, tranche=tranche, code="F", date=FLIGHT_DAY, origin="a",
                                 destination="b", aircraft="c", seats=5)
    client = verified_client(user_factory(role, teams=["team-r"]))
    for url in [reverse("relocation:index"), reverse("relocation:tranche", args=[tranche.pk]),
                reverse("relocation:flight", args=[flight.pk])]:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("relocation:plan", args=[tranche.pk])).status_code == 403
    assert client.post(reverse("relocation:export", args=[flight.pk]), {"reason": "x"}).status_code == 403
