"""Random sequences of actions by random roles: whatever they try, a case never reaches approved
without two different decision makers, never skips a stage, and every change has its row."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casekit import new_case
from resettle.accounts import roles
from resettle.applications.models import Application
from resettle.casework import lifecycle, services
from resettle.casework.models import Decision, DecisionState, StatusChange
from resettle.core.locking import ConcurrentEditError
from resettle.policies.services import PolicyError, evaluate_application
from resettle.verification.services import VerificationError, verification_decide

ACTORS = ["intake", "verifier", "dm1", "dm2", "coordinator", "analyst", "applicant"]
MOVES = sorted(lifecycle.TRANSITIONS) + ["propose_approve", "propose_decline", "confirm", "send_back", "verify",
                                         "evaluate"]


@pytest.fixture
def crew(db, user_factory):
    made = {
        "intake": user_factory(roles.INTAKE_OFFICER, teams=["p"]),
        "verifier": user_factory(roles.DF_VERIFIER),
        "dm1": user_factory(roles.DECISION_MAKER, teams=["p"]),
        "dm2": user_factory(roles.DECISION_MAKER, teams=["p"]),
        "coordinator": user_factory(roles.RELOCATION_COORDINATOR, teams=["p"]),
        "analyst": user_factory(roles.ANALYST, teams=["p"]),
        "applicant": None,
    }
    from resettle.accounts.models import Team

    return made, Team.objects.get(name="p")


def _try(move, actor, case):
    pending = Decision.objects.filter(application=case, state=DecisionState.PROPOSED).first()
    if move in lifecycle.TRANSITIONS:
        services.case_transition(application=case, action=move, actor=actor, reason="property test")
    elif move.startswith("propose_"):
        services.decision_propose(application=case, actor=actor, outcome=move.split("_")[1], reasons="because")
    elif move == "confirm" and pending:
        services.decision_confirm(decision=pending, actor=actor)
    elif move == "send_back" and pending:
        services.decision_return(decision=pending, actor=actor, note="look again")
    elif move == "verify":
        for claim in case.claimed_employment.filter(verification_status="unverified"):
            verification_decide(actor=actor, application=case, record=None, outcome="rejected", reason="no record",
                                claim=claim)
    elif move == "evaluate":
        evaluate_application(application=case, actor=actor, reason="property test")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(MOVES), st.sampled_from(ACTORS)), min_size=1, max_size=40))
def test_random_actions_keep_the_lifecycle_rules(crew, steps):
    people, team = crew
    case = new_case(team)
    for move, who in steps:
        case = Application.objects.get(pk=case.pk)
        try:
            _try(move, people[who], case)
        except (services.TransitionRefused, PermissionDenied, ConcurrentEditError, VerificationError, PolicyError,
                ValueError):
            pass
    changes = list(StatusChange.objects.filter(application=case).order_by("at", "id"))
    case.refresh_from_db()
    # every status change has its row, and the rows chain from received to where the case is
    assert changes[0].to_stage == "received" and changes[-1].to_stage == case.status
    for before, after in zip(changes, changes[1:]):
        assert after.from_stage == before.to_stage
        # no stage skipped: each move is one the table allows
        assert any(t.action == after.action and before.to_stage in t.sources and t.target == after.to_stage
                   for t in lifecycle.TRANSITIONS.values()), (before.to_stage, after.action, after.to_stage)
    # approved only after a decision proposed by one decision maker and confirmed by another
    for change in changes:
        if change.to_stage == "approved":
            decision = Decision.objects.filter(application=case, member=None, outcome="approve",
                                               confirmed_at=change.at).first() or \
                Decision.objects.filter(application=case, member=None, outcome="approve",
                                        confirmed_by__isnull=False).order_by("confirmed_at").last()
            assert decision and decision.confirmed_by_id and decision.confirmed_by_id != decision.proposed_by_id
            assert {decision.proposed_by_id, decision.confirmed_by_id} <= {people["dm1"].pk, people["dm2"].pk}
    assert not Decision.objects.filter(application=case, confirmed_by__isnull=False).exclude(
        proposed_by__in=[people["dm1"], people["dm2"]]).exists()


HAPPY = [("start_verification", ["intake"]), ("verify", ["verifier"]), ("start_assessment", ["verifier", "intake"]),
         ("evaluate", ["dm1", "dm2"]), ("propose_approve", ["dm1", "dm2"]), ("propose_decline", ["dm1", "dm2"]),
         ("confirm", ["dm1", "dm2"]), ("send_back", ["dm1", "dm2"]), ("request_reconsideration", ["applicant", "intake"]),
         ("reassess", ["dm1", "dm2"]), ("start_relocation", ["coordinator"]), ("record_arrival", ["coordinator"]),
         ("close", ["coordinator"]), ("withdraw", ["intake", "applicant"])]


@st.composite
def mostly_right(draw):
    """Moves in roughly the lifecycle's order, usually by a role that may make them, sometimes not."""
    steps = []
    for move, right in HAPPY:
        for _ in range(draw(st.integers(0, 2))):
            pool = right * 4 + ACTORS
            steps.append((move, draw(st.sampled_from(pool))))
    noise = draw(st.lists(st.tuples(st.sampled_from(MOVES), st.sampled_from(ACTORS)), max_size=6))
    for item in noise:
        steps.insert(draw(st.integers(0, len(steps))), item)
    return steps


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=mostly_right())
def test_mostly_right_actions_still_keep_the_rules(crew, steps):
    test_random_actions_keep_the_lifecycle_rules.hypothesis.inner_test(crew, steps)


def test_the_happy_path_reaches_closed(crew):
    people, team = crew
    case = new_case(team)
    for move, who in [("start_verification", "intake"), ("verify", "verifier"), ("evaluate", "dm1"),
                      ("propose_approve", "dm1"), ("confirm", "dm1"), ("confirm", "dm2"),
                      ("start_relocation", "coordinator"), ("record_arrival", "coordinator"), ("close", "coordinator")]:
        try:
            _try(move, people[who], Application.objects.get(pk=case.pk))
        except PermissionDenied:
            assert (move, who) == ("confirm", "dm1")
    assert [c.to_stage for c in StatusChange.objects.filter(application=case)] == [
        "received", "verification", "assessment", "decision_proposed", "approved", "relocation", "arrived", "closed"]
