"""Cases with known histories for the reporting tests.

The product writes StatusChange and Decision rows only through resettle.casework.services; here
they are written directly (test set-up), so each test states exactly the history it counts.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from resettle.applications.models import Application
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.casework.models import Decision, StatusChange
from resettle.people.services import PersonIn
from resettle.policies.models import Evaluation

_n = itertools.count(1)


def make_case(*, family: int = 0, pathway: str = "nz-afghan-2021", status: str = "received") -> Application:
    n = next(_n)
    members = [MemberIn(PersonIn(full_name=f"Principal Person {n}", gender="male"), "principal")]
    members += [MemberIn(PersonIn(full_name=f"Family Person {n}-{i}"), "spouse" if i == 0 else "child", True)
                for i in range(family)]
    application = application_create(data=ApplicationIn(pathway=pathway, received_on=dt.date(2021, 9, 1),
                                                        members=members))
    Application.objects.filter(pk=application.pk).update(status=status)
    application.status = status
    return application


def when(year: int, month: int, day: int = 15) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def move(application, from_stage: str, to_stage: str, at: dt.datetime, days_before: float | None = None):
    return StatusChange.objects.create(
        application=application, from_stage=from_stage, to_stage=to_stage, action="test", at=at,
        seconds_in_from_stage=None if days_before is None else int(days_before * 86400))


def decide(application, outcome: str, at: dt.datetime, proposer, confirmer, *, state: str = "confirmed", member=None):
    evaluation = Evaluation.objects.create(application=application, policy_id="nz-afghan-2021", version_id="1",
                                           reference_date=dt.date(2021, 9, 1), outcome="offer", criteria={},
                                           facts_sha256="0" * 64)
    return Decision.objects.create(application=application, member=member, outcome=outcome, state=state,
                                   evaluation=evaluation, policy_id="nz-afghan-2021", version_id="1",
                                   reasons="stated reasons", proposed_by=proposer, proposed_at=at,
                                   confirmed_by=confirmer, confirmed_at=at)


def seed_small_world(proposer, confirmer) -> list[Application]:
    """Six households carried to arrival on one flight, with every figure's rows: enough for
    every chart to have bars (and no count below the threshold)."""
    from resettle.relocation.models import Boarding, Flight, ManifestEntry, Milestone, Tranche, TrancheCase

    tranche = Tranche.objects.create(name="Tranche seeded")
    flight = Flight.objects.create(tranche=tranche, code="RNZAF 7001", date=dt.date(2021, 8, 26), origin="Kabul",
                                   destination="Auckland", aircraft="C-130H", seats=40,
                                   departed_at=when(2021, 8, 26), arrived_at=when(2021, 8, 27))
    made = []
    for i in range(6):
        case = make_case(family=2, status="arrived")
        for k, (a, b) in enumerate([("", "received"), ("received", "verification"), ("verification", "assessment"),
                                    ("assessment", "decision_proposed"), ("decision_proposed", "approved"),
                                    ("approved", "relocation"), ("relocation", "arrived")]):
            move(case, a, b, when(2021, 8, 1 + 3 * k), days_before=None if not a else 2 + i + k)
        decide(case, "approve", when(2021, 8, 13), proposer, confirmer)
        household = TrancheCase.objects.create(tranche=tranche, application=case)
        for m in case.members.all():
            ManifestEntry.objects.create(flight=flight, tranche_case=household, member=m, boarding=Boarding.BOARDED,
                                         arrived_at=when(2021, 8, 27))
            Milestone.objects.create(application=case, member=m, kind="arrived", on=dt.date(2021, 8, 27))
        made.append(case)
    for i in range(5):
        case = make_case(status="declined")
        decide(case, "decline", when(2021, 9, 3), proposer, confirmer)
        move(case, "declined", "reconsideration", when(2021, 9, 20 + i), days_before=17)
    return made
