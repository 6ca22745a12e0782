"""Django side: facts from an application, stored evaluations, reconsideration, commands."""

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from resettle.accounts import roles
from resettle.applications.models import ClaimedEmployment
from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.names.dates import BirthDate
from resettle.people.services import PersonIn
from resettle.policies.facts import situation_for
from resettle.policies.models import Evaluation
from resettle.policies.selectors import current_evaluation, evaluations_for
from resettle.policies.services import (
    PolicyError, assessable_fields, evaluate_application, member_fields, record_assessed_fact,
)


def make_application(pathway="nz-bamyan-2012", received=dt.date(2013, 1, 20), end=dt.date(2012, 3, 31)):
    members = [
        MemberIn(PersonIn("Ahmad Rezaei", "Ali", birth_date=BirthDate("solar_hijri", 1361),
                          documents=[("tazkira", "1234-5678")]), "principal"),
        MemberIn(PersonIn("Zahra", "Hussain", birth_date=BirthDate("gregorian", 1986)), "spouse", marital_status="married"),
        MemberIn(PersonIn("Ali", "Ahmad", birth_date=BirthDate("gregorian", 2008, 5, 1)), "child"),
        MemberIn(PersonIn("Hassan", "Ali", birth_date=BirthDate("gregorian", 1955)), "parent"),
    ]
    claims = [ClaimIn(employer="nzdf", unit="nz_prt_bamyan", role="interpreter", location="bamyan",
                      start_date=dt.date(2011, 2, 1), end_date=end)]
    return application_create(data=ApplicationIn(pathway=pathway, received_on=received, members=members, claims=claims))


def reachable_by(app, role):
    """Move the case to a stage the role works on (roles see only some stages of a case)."""
    stages = getattr(roles, "CASE_STAGES_BY_ROLE", {}).get(role)
    if stages and app.status not in stages:
        type(app).objects.filter(pk=app.pk).update(status="assessment" if "assessment" in stages else min(stages))
        app.refresh_from_db()


def decision_maker_for(app, user_factory):
    user = user_factory(roles.DECISION_MAKER)
    app.assigned_to.add(user)
    reachable_by(app, roles.DECISION_MAKER)
    return user


@pytest.mark.django_db
def test_evaluating_and_recording_facts_need_the_role_and_the_case(user_factory):
    app = make_application()
    analyst = user_factory(roles.ANALYST)  # may see aggregates, not cases
    outsider = user_factory(roles.DECISION_MAKER)  # the right role, another team's case
    for actor in (analyst, outsider):
        with pytest.raises(PermissionDenied):
            evaluate_application(application=app, actor=actor)
        with pytest.raises(PermissionDenied):
            record_assessed_fact(application=app, actor=actor, field="at_risk", value=True)
    assert not Evaluation.objects.exists()
    # Each refusal is in the audit log (written before any transaction, so never rolled back).
    assert AuditEvent.objects.filter(action="access.denied").count() == 4


@pytest.mark.django_db
def test_situation_holds_facts_not_names():
    app = make_application()
    s = situation_for(app)
    assert s["reference_date"] == dt.date(2013, 1, 20)
    assert s["principal"]["nationality"] == "afghan"
    assert s["principal"]["employment"][0]["verification"] == "unverified"
    assert [m["relationship"] for m in s["members"]] == ["spouse", "child", "parent"]
    assert s["members"][1]["birth"] == dt.date(2008, 5, 1)
    assert "Ahmad" not in repr(s) and "Zahra" not in repr(s)


@pytest.mark.django_db
def test_evaluation_is_stored_with_version_and_reconsideration_keeps_the_first(user_factory):
    app = make_application()
    officer = decision_maker_for(app, user_factory)
    first = evaluate_application(application=app, actor=officer)
    assert (first.policy_id, first.version_id, first.outcome) == ("nz-bamyan-2012", "2012-12", "unknown")
    missing = {c["id"]: c["missing"] for c in first.criteria["criteria"]}
    assert missing["recent_prt_interpreter"] == ["verification pending (needs employment confirmed by the employer)"]

    ClaimedEmployment.objects.filter(application=app).update(verification_status="confirmed",
                                                              verified_on=dt.date(2013, 2, 1))
    second = evaluate_application(application=app, actor=officer, reason="Defence Force confirmed service")
    assert (second.outcome, second.rule_id, second.kind) == ("offer", "interpreter_package", "reevaluation")
    assert second.supersedes == first
    assert second.criteria["dependants"] == 2

    first.refresh_from_db()
    assert first.outcome == "unknown" and first.superseded_by == second
    assert current_evaluation(app) == second
    assert list(evaluations_for(app)) == [first, second]
    with pytest.raises(ValueError):
        first.save()

    event = AuditEvent.objects.filter(action="policy.evaluated").order_by("-seq").first()
    assert event.details["outcome"] == "offer" and event.details["supersedes"] == str(first.pk)
    assert "Ahmad" not in str(event.details)


@pytest.mark.django_db
def test_earlier_version_by_date_and_newer_version_on_reconsideration(user_factory):
    app = make_application(received=dt.date(2012, 11, 5))
    officer = decision_maker_for(app, user_factory)
    ClaimedEmployment.objects.filter(application=app).update(verification_status="confirmed")
    first = evaluate_application(application=app, actor=officer)
    assert (first.version_id, first.outcome) == ("2012-10", "not_eligible")
    again = evaluate_application(application=app, actor=officer, on=dt.date(2012, 12, 12), kind="reconsideration")
    assert (again.version_id, again.outcome, again.kind) == ("2012-12", "offer", "reconsideration")
    assert again.reference_date == dt.date(2012, 11, 5)


@pytest.mark.django_db
def test_assessed_facts_feed_the_2021_policy(user_factory):
    app = make_application(pathway="nz-afghan-2021", received=dt.date(2021, 8, 20), end=dt.date(2012, 3, 31))
    officer = decision_maker_for(app, user_factory)
    ClaimedEmployment.objects.filter(application=app).update(verification_status="confirmed")
    assert evaluate_application(application=app, actor=officer).outcome == "unknown"
    record_assessed_fact(application=app, actor=officer, field="at_risk", value=True)
    ev = evaluate_application(application=app, actor=officer)
    assert (ev.outcome, ev.rule_id) == ("offer", "resettlement")
    with pytest.raises(PolicyError, match="unknown fact"):
        record_assessed_fact(application=app, actor=officer, field="favourite_colour", value="blue")
    with pytest.raises(PolicyError, match="must be true or false"):
        record_assessed_fact(application=app, actor=officer, field="at_risk", value="perhaps")


@pytest.mark.django_db
def test_assessable_fields_have_labels_and_cover_discretion_and_members():
    fields = assessable_fields()
    assert fields["at_risk"] == "At risk because of that work (assessed by the decision maker)"
    assert fields["wrote_to_minister"].startswith("Wrote to the Immigration Minister")
    assert "included_at_discretion" in fields and "has_children" in fields
    assert member_fields() == {"included_at_discretion", "has_children"}
    assert all(isinstance(label, str) and label for label in fields.values())


@pytest.mark.django_db
def test_discretion_reads_the_recorded_fact_and_members_referred_are_settled(user_factory):
    app = make_application(end=dt.date(2009, 6, 30))  # left before December 2010: only the Minister's discretion
    officer = decision_maker_for(app, user_factory)
    ClaimedEmployment.objects.filter(application=app).update(verification_status="confirmed")
    first = evaluate_application(application=app, actor=officer)
    # whether they wrote is not recorded: the discretion rule does not fire for everyone
    assert first.outcome == "unknown"
    record_assessed_fact(application=app, actor=officer, field="wrote_to_minister", value=True)
    ev = evaluate_application(application=app, actor=officer)
    assert (ev.outcome, ev.rule_id) == ("referral", "minister_exception")
    assert ev.outcomes == [ev.result["outcomes"][0]]
    assert ev.outcomes[0]["params"] == {"decided_by": "nz_immigration_minister"}
    assert ev.outcomes[0]["params_display"][0]["text"] == "New Zealand Minister of Immigration"
    parent = app.members.get(relationship="parent")
    assert [(m["ref"], m["category"]) for m in ev.referred_members] == [(str(parent.pk), "other_family")]
    assert ev.result["dependants_referred"] == 1

    with pytest.raises(PolicyError, match="say which one"):
        record_assessed_fact(application=app, actor=officer, field="included_at_discretion", value=True)
    principal = app.members.get(relationship="principal")
    with pytest.raises(PolicyError, match="not a family member"):
        record_assessed_fact(application=app, actor=officer, field="included_at_discretion", value=True,
                             member=principal)
    record_assessed_fact(application=app, actor=officer, field="included_at_discretion", value=True, member=parent)
    settled = evaluate_application(application=app, actor=officer)
    assert settled.referred_members == [] and settled.result["dependants"] == 3
    member = next(m for m in settled.result["members"] if m["ref"] == str(parent.pk))
    assert member["status"] == "met" and member["referred_by"]["settled"] is True
    event = AuditEvent.objects.filter(action="policy.fact_recorded").order_by("-seq").first()
    assert event.details == {"field": "included_at_discretion", "value": "true", "member_id": str(parent.pk)}


@pytest.mark.django_db
def test_unknown_policy_or_date_is_a_clear_error(user_factory):
    app = make_application(received=dt.date(2012, 1, 1))
    with pytest.raises(PolicyError, match="no version of policy 'nz-bamyan-2012' is in force on 2012-01-01"):
        evaluate_application(application=app, actor=None)
    with pytest.raises(PolicyError, match="unknown policy 'nope'"):
        evaluate_application(application=app, actor=None, policy_id="nope")


@pytest.mark.django_db
def test_simulate_command_over_database(tmp_path):
    make_application()
    out = StringIO()
    call_command("simulate", "--policy", "nz-bamyan-2012@2012-12", "--chart", str(tmp_path / "c.png"), stdout=out)
    assert "Population: applications (1 candidates)" in out.getvalue()
    assert (tmp_path / "c.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.django_db
def test_simulation_keeps_records_and_applications_apart(tmp_path):
    from resettle.policies.simulation import run

    make_application()
    path = tmp_path / "r.csv"
    path.write_text("record_id,full_name,father_name,birth_year,role,unit,location,employer,start_date,end_date\n"
                    "A1,x,y,,interpreter,nz_prt_bamyan,bamyan,nzdf,2011-01-01,2012-10-01\n", encoding="utf-8")
    out = run(policy="nz-bamyan-2012@2012-12", records_csv=path, chart_path=tmp_path / "c.svg")
    assert set(out["results"]) == {"records", "applications"}
    assert out["results"]["records"]["counts"]["interpreter_package"] == 1
    # the application's claim is unverified: unknown, not an offer
    assert out["results"]["applications"]["counts"]["unknown"] == 1
    # its family: spouse and child included, the parent referred for discretion, counted apart
    assert out["results"]["applications"]["family"] == [
        {"category": "unknown", "met": 2, "referred": 1, "unknown": 0, "not_met": 0}]
    assert out["results"]["records"]["family"] == []
    assert "referred" in out["text"]
    assert {r["population"] for r in out["rows"]} == {"records", "applications"}
    assert set(out["charts"]) == {"records", "applications"} and (tmp_path / "c-applications.svg").exists()


def test_policy_commands(tmp_path):
    out = StringIO()
    call_command("policy", "test", stdout=out)
    assert "0 failed" in out.getvalue()
    call_command("policy", "list", stdout=out)
    assert "nz-afghan-2021@2021-08" in out.getvalue()
    bad = tmp_path / "broken.yaml"
    bad.write_text("title: x\nversions:\n  - id: v1\n    effective_from: 2020-02-30\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"broken.yaml:4: not a valid date"):
        call_command("policy", "check", str(bad))


def test_simulate_command_with_records_csv(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("record_id,full_name,father_name,birth_year,role,unit,location,employer,start_date,end_date\n"
                    "A1,x,y,,interpreter,nz_prt_bamyan,bamyan,nzdf,2011-01-01,2012-10-01\n"
                    "A2,x,y,,interpreter,nz_prt_bamyan,bamyan,nzdf,2005-01-01,2007-10-01\n", encoding="utf-8")
    out = StringIO()
    call_command("simulate", "--policy", "nz-bamyan-2012", "--compare", "nz-bamyan-2012@2012-10",
                 "--records", str(path), stdout=out)
    text = out.getvalue()
    assert "interpreter_package=1" in text and "minister_exception=1" in text
    assert "A2: minister_exception -> not_eligible" in text
    with pytest.raises(CommandError, match="unknown policy"):
        call_command("simulate", "--policy", "nope", "--records", str(path), stdout=out)


def test_policy_evaluate_command_explains(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("reference_date: 2013-01-20\nprincipal:\n  employment:\n"
                    "    - {employer: nzdf, unit: nz_prt_bamyan, role: interpreter, start: 2008-05-01,"
                    " verification: confirmed}\nmembers:\n  - {relationship: child, birth: 1995}\n", encoding="utf-8")
    out = StringIO()
    call_command("policy", "evaluate", str(path), "--policy", "nz-bamyan-2012", stdout=out)
    text = out.getvalue()
    assert "Outcome: UNKNOWN" in text
    assert "missing: dates 2008-05-01 to ? incomplete (needs still employed on or after 2010-12-01)" in text
    assert "Single dependent child aged 18 to 24 with no children of their own: marital status not recorded" in text
    path.write_text("reference_date: 2013-01-20\nprincipal:\n  employment:\n    - {role: terp}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"s.yaml: situation.principal.employment\[0\].role"):
        call_command("policy", "evaluate", str(path), "--policy", "nz-bamyan-2012", stdout=out)


@pytest.mark.django_db
def test_panel_included_with_an_evaluation_shows_parameters_and_members_referred(user_factory, rf):
    """The decision screens include policies/_panel.html with one stored evaluation."""
    from django.template.loader import render_to_string

    app = make_application(end=dt.date(2009, 6, 30))
    officer = decision_maker_for(app, user_factory)
    ClaimedEmployment.objects.filter(application=app).update(verification_status="confirmed")
    record_assessed_fact(application=app, actor=officer, field="wrote_to_minister", value=True)
    ev = evaluate_application(application=app, actor=officer)
    request = rf.get("/")
    request.user = officer
    html = render_to_string("policies/_panel.html", {"evaluation": ev}, request=request)
    assert "Referral for discretion" in html
    assert "Decided by" in html and "New Zealand Minister of Immigration" in html
    assert "nz_immigration_minister" not in html  # labels, not codes
    assert "Referred for discretion" in html and "Other family member (case by case)" in html
    assert "Member 3 (Parent)" in html
    assert "Evaluate now" not in html  # one evaluation, not the case page's panel
    # included from another inclusion tag, whose context has the user but not the request
    from django.template import Context, Template

    nested = Template('{% include "policies/_panel.html" with evaluation=ev %}').render(
        Context({"ev": ev, "user": officer}))
    assert "New Zealand Minister of Immigration" in nested and "Other family member (case by case)" in nested

    # a cash outcome shows its amount with the currency's symbol
    mech = make_application(end=dt.date(2012, 10, 1))
    ClaimedEmployment.objects.filter(application=mech).update(role="mechanic", verification_status="confirmed")
    cash = evaluate_application(application=mech, actor=None)
    assert cash.rule_id == "engineer_mechanic_payment"
    html = render_to_string("policies/_panel.html", {"evaluation": cash}, request=request)
    assert "NZ$10,000 (New Zealand dollars)" in html and "Cash assistance" in html

    # a role that neither evaluates nor decides sees nothing
    request.user = user_factory(roles.ANALYST)
    assert "Eligibility" not in render_to_string("policies/_panel.html", {"evaluation": ev}, request=request)


@pytest.mark.django_db
def test_records_read_from_the_database_keep_their_dates(tmp_path):
    """The read computes date ordinals in SQL on SQLite: they must equal Python's."""
    from resettle.policies.selectors import employment_records_table
    from resettle.records.services import import_records

    path = tmp_path / "nzdf-prt-bamyan.csv"
    path.write_text("record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date\n"
                    "A1,Person One,Father,1360,interpreter,PRT Bamyan,Bamyan,2004-02-29,2012-12-31\n"
                    "A2,Person Two,Father,1361,driver,PRT Bamyan,Bamyan,1999-01-01,\n", encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")
    table = employment_records_table(reference=dt.date(2013, 1, 1))
    got = sorted(zip(table.start.tolist(), table.end.tolist()))
    assert got == sorted([(dt.date(2004, 2, 29).toordinal(), dt.date(2012, 12, 31).toordinal()),
                          (dt.date(1999, 1, 1).toordinal(), 0)])
