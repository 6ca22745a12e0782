"""A case carried through the lifecycle by real services, for the casework tests."""

from __future__ import annotations

import datetime as dt

from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.policies.services import evaluate_application
from resettle.verification.services import verification_decide


def new_case(team=None, *, claims=True, pathway="nz-afghan-2021"):
    return application_create(team=team, data=ApplicationIn(
        pathway=pathway, received_on=dt.date(2021, 8, 20), channel="web",
        members=[MemberIn(PersonIn(full_name="Wahid Karimi", father_name="Nazir", gender="male",
                                   birth_date=parse_birth_date("1360")), "principal"),
                 MemberIn(PersonIn(full_name="Zahra Karimi", father_name="Akbar", gender="female"), "spouse", True)],
        claims=[ClaimIn(employer="NZDF", unit="PRT Bamyan", role="interpreter", location="Bamyan",
                        start_date=dt.date(2010, 1, 1), end_date=dt.date(2012, 6, 1))] if claims else []))


def verify_all(application, verifier, outcome="rejected"):
    for claim in application.claimed_employment.all():
        verification_decide(actor=verifier, application=application, record=None, outcome=outcome,
                            reason="checked against the HR list", claim=claim)


def evaluate(application, actor):
    return evaluate_application(application=application, actor=actor, reason="test")
