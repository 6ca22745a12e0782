"""Carry the demo world's cases through the lifecycle, with the demo staff, through the real
services: so every queue has cases at every stage when `make run` starts.

Each case moves as a caseworker, a verifier and two decision makers would: verification confirms
the top candidate record when the matcher is confident, facts the policy leaves to the decision
maker are recorded, a decision is proposed by one decision maker and confirmed by the other.
Times are backdated from each case's receipt so the processing-time clocks have something to
show. It includes the 2014 story (declined, reconsidered, approved), a request for information
that lapsed, and a marriage after approval whose new spouse is decided alone.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from resettle.applications.models import Application, Member, Relationship
from resettle.applications.services import MemberIn
from resettle.casework import services
from resettle.casework.services import backdated
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.policies.services import PolicyError, assessable_fields, evaluate_application, record_assessed_fact
from resettle.verification.services import VerificationError, candidates_refresh, record_index, verification_decide

# Where each demo case ends up (shares of the cases, in order of how far they get).
PLAN = [
    ("received", 0.22), ("verification", 0.14), ("assessment", 0.12), ("decision_proposed", 0.06),
    ("declined", 0.05), ("reconsideration", 0.02), ("approved", 0.14), ("relocation", 0.10),
    ("arrived", 0.06), ("closed", 0.05), ("withdrawn", 0.04),
]


class Staff:
    def __init__(self, *, intake, verifier, dm1, dm2, coordinator):
        self.intake, self.verifier, self.dm1, self.dm2, self.coordinator = intake, verifier, dm1, dm2, coordinator


def _targets(cases: list[Application], rng: random.Random) -> list[tuple[Application, str]]:
    rng.shuffle(cases)
    out, i = [], 0
    for stage, share in PLAN:
        n = max(1, round(share * len(cases)))
        out += [(c, stage) for c in cases[i:i + n]]
        i += n
    out += [(c, "received") for c in cases[i:]]
    return out


class Clock:
    """Backdated times, a few days to weeks apart, never past today."""

    def __init__(self, start: dt.date, rng: random.Random):
        self.at = dt.datetime.combine(start, dt.time(10), tzinfo=timezone.get_current_timezone())
        self.rng = rng
        self.limit = timezone.now() - dt.timedelta(hours=1)

    def step(self, low: int, high: int) -> dt.datetime:
        self.at = min(self.at + dt.timedelta(days=self.rng.randint(low, high), hours=self.rng.randint(0, 7)), self.limit)
        return self.at


def _verify(case: Application, staff: Staff, index) -> None:
    candidates = candidates_refresh(application=case, index=index)
    top = candidates[0] if candidates else None
    for claim in case.claimed_employment.all():
        try:
            if top is not None and top.probability >= 0.9:
                verification_decide(actor=staff.verifier, application=case, record=top.record, outcome="confirmed",
                                    reason="Matches the HR list (name, father, unit and period).", claim=claim)
                continue
        except VerificationError:
            pass  # the record is confirmed for another application: this one is not proven by it
        verification_decide(actor=staff.verifier, application=case, record=None, outcome="rejected",
                            reason="No record in the HR lists matches this claim.", claim=claim)


def _assess(case: Application, staff: Staff, dm, rng: random.Random):
    fields = assessable_fields()
    if "at_risk" in fields:
        record_assessed_fact(application=case, actor=dm, field="at_risk", value="true" if rng.random() < 0.85 else "false",
                             reason="Assessed from the applicant's statement and the Defence Force's letter.")
    if "wrote_to_minister" in fields and case.pathway == "nz-bamyan-2012" and rng.random() < 0.4:
        # NZ 2013: nine interpreters and 26 family accepted at the Minister's discretion
        record_assessed_fact(application=case, actor=dm, field="wrote_to_minister", value="true",
                             reason="Letter to the Minister on file.")
    return evaluate_application(application=case, actor=dm, reason="assessment")


def _propose(case: Application, staff: Staff, dm, evaluation, *, force: str | None = None):
    outcome = force or ("approve" if evaluation.outcome == "offer" else "decline")
    met = [c.get("id") for c in (evaluation.criteria or {}).get("criteria", []) if c.get("id")]
    reasons = ("The criteria of the policy are met on the evidence recorded." if outcome == "approve" else
               "Employment with the Defence Force could not be confirmed from the records or the documents given.")
    return services.decision_propose(application=case, actor=dm, outcome=outcome, reasons=reasons, criteria_ids=met)


def carry(case: Application, target: str, staff: Staff, index, rng: random.Random) -> None:
    clock = Clock(case.received_on, rng)
    if target == "received":
        return
    if target == "withdrawn":
        with backdated(clock.step(3, 40)):
            services.case_transition(application=case, action="withdraw", actor=staff.intake,
                                     reason="The applicant wrote to withdraw.")
        return
    has_claims = case.claimed_employment.exists()
    with backdated(clock.step(1, 14)):
        if has_claims:
            services.case_transition(application=case, action="start_verification", actor=staff.intake,
                                     reason="Claimed employment to check with the Defence Force.")
    if target == "verification":
        if rng.random() < 0.35:
            with backdated(clock.step(5, 30)):
                services.information_request_create(application=case, actor=staff.intake,
                                                    question="Please send your HR letter or ID badge.",
                                                    deadline=clock.at.date() + dt.timedelta(days=42))
        return
    with backdated(clock.step(10, 60)):
        _verify(case, staff, index)  # the last claim decided moves the case to assessment
        case.refresh_from_db()
        if case.status != "assessment":
            services.case_transition(application=case, action="start_assessment", actor=staff.verifier,
                                     reason="Every claim verified.")
    if target == "assessment":
        return
    dm, second = (staff.dm1, staff.dm2) if rng.random() < 0.5 else (staff.dm2, staff.dm1)
    with backdated(clock.step(5, 30)):
        evaluation = _assess(case, staff, dm, rng)
        force = "decline" if target in ("declined", "reconsideration") else (
            "approve" if target in ("approved", "relocation", "arrived", "closed") else None)
        decision = _propose(case, staff, dm, evaluation, force=force)
    if target == "decision_proposed":
        return
    with backdated(clock.step(2, 14)):
        services.decision_confirm(decision=decision, actor=second)
    if target in ("declined",):
        return
    if target == "reconsideration":
        with backdated(clock.step(20, 90)):
            services.case_transition(application=case, action="request_reconsideration", actor=None,
                                     reason="New evidence: a recommendation letter from the PRT commander.")
        return
    for action, low, high in (("start_relocation", 10, 60), ("record_arrival", 7, 45), ("close", 60, 400)):
        if target == "approved":
            return
        with backdated(clock.step(low, high)):
            services.case_transition(application=case, action=action, actor=staff.coordinator,
                                     reason={"start_relocation": "Scheduled on a tranche.",
                                             "record_arrival": "Arrived at Whenuapai Airbase.",
                                             "close": "Residence granted; resettlement support complete."}[action])
        if (target, action) in (("relocation", "start_relocation"), ("arrived", "record_arrival")):
            return


def reconsidered_then_approved(case: Application, staff: Staff, index, rng: random.Random) -> None:
    """As in 2014, when eight interpreters first declined were resettled."""
    carry(case, "declined", staff, index, rng)
    clock = Clock(timezone.localdate() - dt.timedelta(days=120), rng)
    with backdated(clock.step(0, 1)):
        services.case_transition(application=case, action="request_reconsideration", actor=None,
                                 reason="New evidence: the PRT's interpreter roster names him.")
    with backdated(clock.step(3, 10)):
        services.case_transition(application=case, action="reassess", actor=staff.dm2,
                                 reason="Reconsideration with the roster.")
        evaluation = evaluate_application(application=case, actor=staff.dm2, reason="reconsideration")
        decision = _propose(case, staff, staff.dm2, evaluation, force="approve")
    with backdated(clock.step(1, 5)):
        services.decision_confirm(decision=decision, actor=staff.dm1, note="The roster settles it.")


def lapsed_request(case: Application, staff: Staff) -> None:
    at = timezone.now() - dt.timedelta(days=60)
    with backdated(at):
        request = services.information_request_create(application=case, actor=staff.intake,
                                                      question="Please send a copy of your tazkira.",
                                                      deadline=at.date() + dt.timedelta(days=42))
    services.information_requests_lapse(today=request.deadline + dt.timedelta(days=1))


def marriage_after_approval(case: Application, staff: Staff) -> None:
    """In 2013 one interpreter's new wife was delayed a year because a record could not change."""
    change = services.circumstance_change_report(application=case, kind="marriage", actor=None,
                                                 details="I married on 1402-03-10; my wife is Maryam.",
                                                 effective_on=timezone.localdate() - dt.timedelta(days=30))
    services.circumstance_change_accept(
        change=change, actor=staff.intake, reason="Marriage certificate seen.",
        new_member=MemberIn(person=PersonIn(full_name="Maryam Rahimi", father_name="Abdul Ghafoor", gender="female",
                                            birth_date=parse_birth_date("1378")),
                            relationship=Relationship.SPOUSE, dependent=True))
    spouse = case.members.order_by("-position").first()
    evaluate_application(application=case, actor=staff.dm1, reason="new spouse after approval")
    decision = services.decision_propose(application=case, actor=staff.dm1, member=spouse, outcome="approve",
                                         reasons="Spouse of an approved principal (married after approval).")
    services.decision_confirm(decision=decision, actor=staff.dm2)


def progress_demo_cases(*, staff: Staff, seed: int, progress=None) -> dict[str, int]:
    """Move the demo cases still at 'received' to their planned stages. Safe to run again: cases
    already moved are left alone."""
    rng = random.Random(seed * 7919)
    fresh = list(Application.objects.filter(status="received", status_changes__action="receive")
                 .exclude(status_changes__action__in=["start_verification", "withdraw", "start_assessment"])
                 .order_by("reference").distinct())
    if not fresh or Application.objects.exclude(status="received").exists():
        return {}
    index = record_index()
    targets = _targets(fresh, rng)
    story = next((c for c, t in targets if t == "approved"), None)
    for case, target in targets:
        try:
            if target == "approved" and case is story:
                reconsidered_then_approved(case, staff, index, rng)
            else:
                carry(case, target, staff, index, rng)
        except (services.TransitionRefused, VerificationError, PolicyError) as exc:
            # A demo case that cannot go further (e.g. its policy cannot evaluate it) stays where it is.
            print(f"demo: {case.reference} stopped before {target}: {exc}")
        if progress:
            progress(1)
    verifying = [c for c, t in targets if t == "verification"]
    for case in verifying[:3]:
        lapsed_request(case, staff)
    married = next((c for c, t in targets if t == "approved" and c is not story), None)
    if married is not None:
        marriage_after_approval(married, staff)
    for case in [c for c, t in targets if t == "relocation"][:2]:
        services.circumstance_change_report(application=case, kind="birth", actor=None,
                                            details="Our daughter was born last month.",
                                            effective_on=timezone.localdate() - dt.timedelta(days=20))
    counts: dict[str, int] = {}
    for status in Application.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


__all__ = ["Staff", "progress_demo_cases", "Member"]
