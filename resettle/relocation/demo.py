"""The relocation part of the demo world, through the real services (the lead's demo-data calls
`seed_relocation_demo` after the cases have been carried to `approved`)."""

from __future__ import annotations

import datetime as dt
import random

from resettle.relocation import selectors, services
from resettle.relocation.models import ArrivalPoint, ReceptionCentre, Readiness, SecurityCheck, Tranche

DEMO_TRANCHE = "Demo tranche (synthetic)"


def seed_relocation_demo(*, coordinator, seed: int = 2021, households: int = 40,
                         start: dt.date | None = None) -> Tranche | None:
    """A tranche of up to `households` approved cases the coordinator may reach, on two C-130
    flights and a charter, with most people ready, a few blocked (no travel document, security
    check pending), one household held back, two linked, and a plan. Re-running changes nothing.
    Returns None when no approved case is in the coordinator's reach."""
    existing = Tranche.objects.filter(name=DEMO_TRANCHE).first()
    if existing:
        return existing
    rng = random.Random(seed)
    start = start or dt.date.today() + dt.timedelta(days=14)
    cases = list(selectors.joinable_cases(coordinator)[:households])
    if not cases:
        return None
    point = (ArrivalPoint.objects.filter(name="Whenuapai Airbase").first()
             or services.arrival_point_create(actor=coordinator, name="Whenuapai Airbase", location="Auckland"))
    centre = (ReceptionCentre.objects.filter(name="Te Āhuru Mōwai o Aotearoa, Māngere").first()
              or services.reception_centre_create(actor=coordinator, name="Te Āhuru Mōwai o Aotearoa, Māngere",
                                                  location="Auckland", capacity=300))
    tranche = services.tranche_create(actor=coordinator, name=DEMO_TRANCHE, arrival_point=point,
                                      reception_centre=centre, security_check_required=True)
    for code, offset, aircraft, seats in (("RNZAF 7001", 0, "C-130H Hercules", 90), ("RNZAF 7002", 2, "C-130H Hercules", 90),
                                          ("NZ 5099", 5, "Chartered Boeing 777", 300)):
        services.flight_add(actor=coordinator, tranche=tranche, code=code, date=start + dt.timedelta(days=offset),
                            origin="Kabul (via Dubai)" if code.startswith("RNZAF") else "Dubai", destination="Auckland",
                            aircraft=aircraft, seats=seats)
    risks = ["low", "moderate", "moderate", "high", "high", "severe"]
    added = []
    for application in cases:
        added += services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[application],
                                            risk_level=rng.choice(risks), medical_need=rng.random() < 0.1)
    for item in Readiness.objects.filter(tranche_case__tranche=tranche).order_by("tranche_case__added_at", "member__position"):
        roll = rng.random()
        services.readiness_record(actor=coordinator, item=item,
                                  travel_document="" if roll < 0.03 else ("passport" if item.travel_document else "emergency"),
                                  security_check=SecurityCheck.PENDING if 0.03 <= roll < 0.06 else SecurityCheck.CLEARED)
    if len(added) >= 3:
        services.household_hold(actor=coordinator, case=added[0], held=True, reason="awaiting medical clearance")
        services.households_link(actor=coordinator, cases=added[1:3], reason="parents and a married son's family")
    services.tranche_plan(actor=coordinator, tranche=tranche)
    tranche.refresh_from_db()
    return tranche
