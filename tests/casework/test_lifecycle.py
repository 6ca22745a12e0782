import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from casekit import evaluate, new_case, verify_all
from resettle.accounts import roles
from resettle.applications.models import Application
from resettle.audit.models import AuditEvent
from resettle.casework import lifecycle, services
from resettle.casework.models import Decision, DecisionState, StatusChange
from resettle.casework.selectors import stage_clocks, timeline
from resettle.core.locking import ConcurrentEditError


@pytest.fixture
def people(db, user_factory):
    return {
        "intake": user_factory(roles.INTAKE_OFFICER, teams=["t"]),
        "verifier": user_factory(roles.DF_VERIFIER),
        "dm1": user_factory(roles.DECISION_MAKER, teams=["t"]),
        "dm2": user_factory(roles.DECISION_MAKER, teams=["t"]),
        "coordinator": user_factory(roles.RELOCATION_COORDINATOR, teams=["t"]),
        "analyst": user_factory(roles.ANALYST, teams=["t"]),
    }


@pytest.fixture
def case(people):
    from resettle.accounts.models import Team

    return new_case(Team.objects.get(name="t"))


def to_assessment(case, people):
    services.case_transition(application=case, action="start_verification", actor=people["intake"])
    verify_all(case, people["verifier"])  # the last claim decided moves the case on
    case.refresh_from_db()
    assert case.status == "assessment"
    evaluate(case, people["dm1"])


def test_a_case_is_received_with_its_first_history_row_and_household(case):
    first = StatusChange.objects.get(application=case)
    assert (first.from_stage, first.to_stage, first.action) == ("", "received", "receive")
    assert case.household_versions.get().members and len(case.household_versions.get().members) == 2


def test_approval_needs_two_different_decision_makers(case, people):
    to_assessment(case, people)
    decision = services.decision_propose(application=case, actor=people["dm1"], outcome="approve",
                                         reasons="Worked as interpreter for the PRT; at risk.")
    case.refresh_from_db()
    assert case.status == "decision_proposed"
    with pytest.raises(PermissionDenied):
        services.decision_confirm(decision=decision, actor=people["dm1"])
    assert AuditEvent.objects.filter(action="access.denied", actor_id=people["dm1"].pk).exists()
    case.refresh_from_db()
    assert case.status == "decision_proposed"
    services.decision_confirm(decision=decision, actor=people["dm2"])
    case.refresh_from_db()
    assert case.status == "approved"
    decision.refresh_from_db()
    assert decision.confirmed_by == people["dm2"] and decision.state == DecisionState.CONFIRMED


def test_the_database_refuses_a_confirmation_by_the_proposer(case, people):
    to_assessment(case, people)
    decision = services.decision_propose(application=case, actor=people["dm1"], outcome="approve", reasons="ok")
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(state="confirmed", confirmed_by=people["dm1"],
                                                       confirmed_at=timezone.now())
    Decision.objects.filter(pk=decision.pk).update(state="confirmed", confirmed_by=people["dm2"],
                                                   confirmed_at=timezone.now())


def test_no_decision_before_every_claim_is_verified_and_the_evaluation_is_current(case, people):
    services.case_transition(application=case, action="start_verification", actor=people["intake"])
    with pytest.raises(services.TransitionRefused, match="unverified"):
        services.case_transition(application=case, action="start_assessment", actor=people["verifier"])
    verify_all(case, people["verifier"])
    case.refresh_from_db()
    with pytest.raises(services.TransitionRefused, match="not been evaluated"):
        services.decision_propose(application=case, actor=people["dm1"], outcome="approve", reasons="x")
    evaluate(case, people["dm1"])
    from resettle.policies.services import record_assessed_fact

    record_assessed_fact(application=case, actor=people["dm1"], field="at_risk", value="true", reason="threats")
    with pytest.raises(services.TransitionRefused, match="facts changed"):
        services.decision_propose(application=case, actor=people["dm1"], outcome="approve", reasons="x")


def test_a_verifier_cannot_approve_and_a_coordinator_cannot_see_undecided_cases(case, people):
    with pytest.raises(PermissionDenied):
        services.case_transition(application=case, action="approve", actor=people["verifier"])
    with pytest.raises(PermissionDenied):
        services.case_transition(application=case, action="withdraw", actor=people["coordinator"])
    from resettle.applications.selectors import visible_applications

    assert not visible_applications(people["coordinator"]).filter(pk=case.pk).exists()


def test_a_decline_states_reasons_and_reconsideration_ends_in_a_new_decision(case, people):
    to_assessment(case, people)
    with pytest.raises(services.TransitionRefused, match="reasons"):
        services.decision_propose(application=case, actor=people["dm1"], outcome="decline", reasons=" ")
    first = services.decision_propose(application=case, actor=people["dm1"], outcome="decline",
                                      reasons="No evidence of employment with the NZDF.")
    services.decision_confirm(decision=first, actor=people["dm2"])
    first.refresh_from_db()
    assert first.reconsideration_info
    services.case_transition(application=case, action="request_reconsideration", actor=None, reason="new HR letter")
    services.case_transition(application=case, action="reassess", actor=people["dm2"])
    evaluate(case, people["dm2"])
    second = services.decision_propose(application=case, actor=people["dm2"], outcome="approve", reasons="HR letter")
    services.decision_confirm(decision=second, actor=people["dm1"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == DecisionState.SUPERSEDED and second.supersedes == first
    assert Application.objects.get(pk=case.pk).status == "approved"


def test_stale_version_is_refused(case, people):
    stale = case.version
    services.case_transition(application=case, action="start_verification", actor=people["intake"])
    fresh = Application.objects.get(pk=case.pk)
    with pytest.raises(ConcurrentEditError):
        services.case_transition(application=fresh, action="withdraw", actor=people["intake"], expected_version=stale)


def test_the_applicant_may_only_withdraw_or_ask_for_reconsideration(case):
    with pytest.raises(PermissionDenied):
        services.case_transition(application=case, action="start_verification", actor=None)
    services.case_transition(application=case, action="withdraw", actor=None)
    assert StatusChange.objects.filter(application=case, via="portal", to_stage="withdrawn").exists()


def test_timeline_and_clocks_come_from_casework_rows(case, people):
    services.case_transition(application=case, action="start_verification", actor=people["intake"], reason="claims")
    services.note_add(application=case, actor=people["intake"], text="Called the referee.")
    kinds = [e.kind for e in timeline(case)]
    assert kinds.count("stage") == 2 and "note" in kinds
    rows = stage_clocks(threshold=1)
    assert [r.stage for r in rows] == ["received"] and rows[0].cases == 1


def test_the_transition_table_is_checked_at_start_up(monkeypatch):
    broken = dict(lifecycle.TRANSITIONS)
    broken["bad"] = lifecycle.Transition("bad", frozenset({"closed"}), "received", ("x",), "bad")
    monkeypatch.setattr(lifecycle, "TRANSITIONS", broken)
    with pytest.raises(RuntimeError, match="terminal"):
        lifecycle.check_table()


def test_the_api_makes_the_same_moves_with_the_same_checks(case, people):
    from web.staffkit import verified_client

    to_assessment(case, people)
    dm1, dm2 = verified_client(people["dm1"]), verified_client(people["dm2"])
    verifier = verified_client(people["verifier"])
    url = f"/api/applications/{case.pk}/"
    case.refresh_from_db()
    refused = verifier.post(url + "transitions/", {"action": "withdraw", "version": case.version},
                            content_type="application/json")
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor_id=people["verifier"].pk).exists()
    proposed = dm1.post(url + "decisions/", {"outcome": "approve", "reasons": "interpreter, at risk"},
                        content_type="application/json")
    assert proposed.status_code == 201, proposed.content
    decision_id = proposed.json()["id"]
    same = dm1.post(f"/api/decisions/{decision_id}/confirm/", {}, content_type="application/json")
    assert same.status_code == 403 and "second decision maker" in same.json()["detail"]
    assert dm2.post(f"/api/decisions/{decision_id}/confirm/", {}, content_type="application/json").status_code == 200
    history = dm2.get(url + "history/").json()
    assert [e["title"] for e in history if e["kind"] == "stage"][-1] == "Decision proposed, awaiting second decision maker → Approved"
    assert dm2.get("/api/applications/?status=%00").status_code == 400


def test_casework_audit_entries_name_nobody(case, people):
    services.note_add(application=case, actor=people["intake"], text="Wahid Karimi called from Bamyan.")
    services.circumstance_change_report(application=case, kind="birth", details="Son Ahmad Karimi born",
                                        actor=people["intake"])
    services.information_request_create(application=case, actor=people["intake"], question="Send Wahid's tazkira")
    for event in AuditEvent.objects.filter(target_id=str(case.pk)):
        assert "Karimi" not in str(event.details) and "Wahid" not in str(event.details) and "Karimi" not in event.reason


def test_the_case_page_shows_the_proposal_with_its_evaluation_to_the_second_decision_maker(case, people):
    from web.staffkit import verified_client

    to_assessment(case, people)
    services.decision_propose(application=case, actor=people["dm1"], outcome="approve", reasons="Interpreter.")
    page = verified_client(people["dm2"]).get(f"/cases/{case.pk}/").content.decode()
    assert "Confirm decision" in page and "The evaluation this decision rests on" in page and "Interpreter." in page
    own = verified_client(people["dm1"]).get(f"/cases/{case.pk}/").content.decode()
    assert "You proposed this decision" in own


def test_a_flagged_duplicate_is_merged_from_the_case_page_keeping_both_histories(case, people):
    from resettle.verification.models import DuplicateLink
    from web.staffkit import verified_client

    from resettle.accounts.models import Team

    other = new_case(Team.objects.get(name="t"))
    DuplicateLink.objects.create(application=case, other=other, probability=0.97)
    client = verified_client(people["intake"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Possible duplicates flagged by the matcher" in page and other.reference in page
    response = client.post(f"/casework/{case.pk}/link/", {"other_reference": other.reference, "kind": "same_person",
                                                         "reason": "same tazkira"}, follow=True)
    assert "merged into this case" in response.content.decode()
    other.refresh_from_db()
    assert other.status == "withdrawn" and other.duplicate_of == case
    assert StatusChange.objects.filter(application=other).count() == 2  # its own history stays
    assert other.links.get().other == case and case.links.get().other == other


def test_clocks_are_nearest_rank_percentiles_of_the_time_at_each_stage(db):
    from resettle.accounts.models import Team

    team = Team.objects.create(name="c")
    for days in range(1, 11):  # ten cases that spent 1..10 days at 'received'
        case = new_case(team)
        change = StatusChange.objects.get(application=case)
        StatusChange.objects.create(application=case, from_stage="received", to_stage="withdrawn", action="withdraw",
                                    at=change.at + dt.timedelta(days=days), seconds_in_from_stage=days * 86400)
    clock = next(r for r in stage_clocks() if r.stage == "received")
    assert (clock.cases, clock.median_days, clock.p90_days) == (10, 5.0, 9.0)
    assert next(r for r in stage_clocks(threshold=11) if r.stage == "received").cases is None


def test_a_fact_about_a_family_member_is_recorded_for_that_member_from_the_case_page(case, people):
    from resettle.policies.models import AssessedFact
    from web.staffkit import verified_client

    to_assessment(case, people)
    client = verified_client(people["dm1"])
    spouse = case.members.exclude(relationship="principal").get()
    refused = client.post(f"/casework/{case.pk}/facts/", {"field": "included_at_discretion", "value": "true",
                                                          "reason": "close family"}, follow=True)
    assert "choose the member" in refused.content.decode()
    client.post(f"/casework/{case.pk}/facts/", {"field": "included_at_discretion", "value": "true",
                                                "member": str(spouse.pk), "reason": "close family"})
    fact = AssessedFact.objects.get(application=case, field="included_at_discretion")
    assert fact.member_id == spouse.pk
