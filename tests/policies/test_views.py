"""Eligibility on the case page, and the analysts' simulation and policy pages: who may see
and do what, that evaluating from the page stores and audits, and that the aggregate pages
carry no names, ids or small counts and keep to the CSP."""

import re

import pytest
from django.urls import reverse

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from resettle.policies.models import Evaluation
from resettle.records.services import import_records
from web.staffkit import (  # noqa: F401  (fixtures)
    PHONE_A, PRINCIPAL_A, PRINCIPAL_B, SPOUSE_A, TAZKIRA_A, cases, denied_events, fast_passwords, staff,
    verified_client,
)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)
RECORD_NAMES = ["Gulbuddin Zarifi", "Nasrullah Wardaki", "Sayed Jawad Musawi"]


def keeps_to_csp(html: str) -> bool:
    return not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


@pytest.fixture
def records(db, tmp_path):
    """Forty PRT interpreters (2010-2012), six drivers, and three with known names."""
    lines = ["record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date"]
    for i in range(40):
        lines.append(f"I-{i},Person {i} Testkhel,Father {i},1360,interpreter,PRT Bamyan,Bamyan,2010-03-01,2012-11-30")
    for i in range(6):
        lines.append(f"D-{i},Driver {i} Testkhel,Father {i},1358,driver,PRT Bamyan,Bamyan,2011-01-01,2012-06-30")
    for i, name in enumerate(RECORD_NAMES):
        lines.append(f"K-{i},{name},Ghulam,1362,interpreter,PRT Bamyan,Bamyan,2012-01-01,2013-03-01")
    path = tmp_path / "nzdf-prt-bamyan.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import_records(path=path, source_name="nzdf-prt-bamyan")


def at_stage(case, status="assessment"):
    type(case).objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


@pytest.fixture(autouse=True)
def _cases_at_assessment(request):
    """Each role sees only the stages it works on: the cases wait at assessment, where a
    decision maker evaluates them."""
    if "cases" in request.fixturenames:
        for case in request.getfixturevalue("cases").values():
            at_stage(case)


def detail_url(case) -> str:
    return reverse("applications:detail", args=[case.pk])


def evaluate_url(case) -> str:
    return reverse("policies:evaluate", args=[case.pk])


# --- the case panel --------------------------------------------------------------------------

def test_decision_maker_evaluates_from_the_case_page_and_sees_each_criterion(staff, cases):
    user, client = staff[roles.DECISION_MAKER]
    html = client.get(detail_url(cases["a"])).content.decode()
    assert "Eligibility" in html and "Not evaluated yet." in html and "Evaluate now" in html

    response = client.post(evaluate_url(cases["a"]))
    assert response.status_code == 302 and response["Location"] == detail_url(cases["a"])
    evaluation = Evaluation.objects.get(application=cases["a"])
    assert evaluation.actor == user
    event = AuditEvent.objects.get(action="policy.evaluated", target_id=str(evaluation.pk))
    assert event.actor_username == user.username

    html = client.get(detail_url(cases["a"])).content.decode()
    assert "Not evaluated yet." not in html
    assert f"{evaluation.policy_id}@{evaluation.version_id}" in html
    for c in evaluation.criteria["criteria"]:
        assert c["label"] in html
        for text in c["evidence"] + c["missing"]:
            assert str(text) in html.replace("&#x27;", "'").replace("&quot;", '"')
    for s in evaluation.criteria["sources"]:
        assert s["id"] in html
    # received after the 2021 cut-off: refused whatever the evidence, and the page says so
    assert evaluation.outcome == "not_eligible" and "Not eligible" in html
    # the two family members' results (spouse and child) are shown
    assert "(spouse)" in html and "(child)" in html
    assert keeps_to_csp(html)


def test_unknown_is_shown_with_the_evidence_that_is_missing(staff, cases):
    import datetime as dt

    from resettle.accounts.models import Team
    from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
    from resettle.people.services import PersonIn

    case = application_create(team=Team.objects.get(name="team-a"), data=ApplicationIn(
        pathway="nz-bamyan-2012", received_on=dt.date(2013, 1, 15), channel="paper",
        members=[MemberIn(PersonIn(full_name="Qasim Nadiri", gender="male"), "principal"),
                 MemberIn(PersonIn(full_name="Sima Nadiri", gender="female"), "child")],
        claims=[ClaimIn(employer="NZDF", unit="PRT Bamyan", role="interpreter", location="Bamyan")]))
    at_stage(case)
    _, client = staff[roles.DECISION_MAKER]
    client.post(evaluate_url(case))
    evaluation = Evaluation.objects.get(application=case)
    assert evaluation.outcome == "unknown"
    html = client.get(detail_url(case)).content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert "Unknown: evidence missing" in html and "Evidence is missing" in html
    unknown = [c for c in evaluation.criteria["criteria"] if c["status"] == "unknown"]
    assert unknown and all(c["missing"] for c in unknown)
    panel = html[html.index('id="eligibility-h"'):]  # the case page names facts elsewhere too (the fact form)
    for c in unknown:
        row = panel.split(c["label"], 1)[1].split("</tr>", 1)[0]
        assert "unknown" in row and all(m in row for m in c["missing"])
    for p in evaluation.criteria["possible"]:
        assert p["label"] in html
    member = evaluation.criteria["members"][0]
    assert member["status"] in ("met", "unknown", "not_met") and "(child)" in html
    for m in member["missing"]:
        assert m in html


def test_evaluating_again_keeps_the_earlier_evaluation_in_the_history(staff, cases):
    other, other_client = staff[roles.INTAKE_OFFICER]
    _, client = staff[roles.DECISION_MAKER]
    other_client.post(evaluate_url(cases["a"]))
    client.post(evaluate_url(cases["a"]))
    first, second = Evaluation.objects.filter(application=cases["a"]).order_by("created_at")
    assert second.supersedes_id == first.pk and second.kind == "reevaluation"
    html = client.get(detail_url(cases["a"])).content.decode()
    assert "Earlier evaluations (superseded)" in html
    history = html.split("Earlier evaluations (superseded)")[1]
    assert other.username in history and "Initial" in history


def test_stored_evidence_carries_no_names_or_documents(staff, cases):
    _, client = staff[roles.DECISION_MAKER]
    client.post(evaluate_url(cases["a"]))
    text = str(Evaluation.objects.get(application=cases["a"]).criteria)
    for secret in (PRINCIPAL_A, SPOUSE_A, "Zahra", "Hussaini", "Ghulam", TAZKIRA_A, PHONE_A):
        assert secret not in text


@pytest.mark.parametrize("role", [roles.ANALYST, roles.ADMINISTRATOR])
def test_aggregate_roles_cannot_open_a_case_or_evaluate_it(staff, cases, role):
    user, client = staff[role]
    assert client.get(detail_url(cases["a"])).status_code == 403
    assert client.post(evaluate_url(cases["a"])).status_code == 403
    assert not Evaluation.objects.exists()
    assert denied_events(actor_id=user.pk, details__capability=roles.ELIGIBILITY_EVALUATE).exists()


def test_intake_officer_outside_the_team_is_refused_and_audited(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]  # team-a; case B is team-b's
    assert client.post(evaluate_url(cases["b"])).status_code == 403
    assert client.get(detail_url(cases["b"])).status_code == 403
    assert not Evaluation.objects.filter(application=cases["b"]).exists()
    assert denied_events(actor_id=user.pk, target_id=str(cases["b"].pk)).exists()


def test_roles_that_neither_evaluate_nor_decide_see_no_panel(staff, cases):
    _, client = staff[roles.DECISION_MAKER]
    client.post(evaluate_url(cases["a"]))
    at_stage(cases["a"], "approved")  # a stage the relocation coordinator works on
    _, coordinator = staff[roles.RELOCATION_COORDINATOR]
    html = coordinator.get(detail_url(cases["a"])).content.decode()
    assert "Claimed employment" in html and "Evaluate now" not in html and 'id="eligibility-h"' not in html


def test_evaluate_needs_post(staff, cases):
    _, client = staff[roles.DECISION_MAKER]
    assert client.get(evaluate_url(cases["a"])).status_code == 405
    assert not Evaluation.objects.exists()


def test_evaluate_refuses_a_post_without_csrf_token(user_factory, cases):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = user_factory(roles.DECISION_MAKER, teams=["team-a"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.create(user=user, name="t", confirmed=True).persistent_id
    session.save()
    assert client.post(evaluate_url(cases["a"])).status_code == 403
    assert not Evaluation.objects.exists()


# --- the analysts' pages ---------------------------------------------------------------------

def test_analyst_runs_a_comparison_and_sees_tables_and_a_chart_without_names(staff, cases, records):
    user, client = staff[roles.ANALYST]
    response = client.get(reverse("policies:simulate"),
                          {"policy": "nz-bamyan-2012@2012-10", "compare_with": "nz-bamyan-2012@2012-12"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and "Who changes category" in html
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', html)
    assert "Principals (90%)" in html and "By unit" in html and "By role" in html
    assert AuditEvent.objects.filter(action="reports.simulation_viewed", actor_username=user.username).exists()
    # no person: not the records' names, not the applicants', not ids or case references
    for secret in RECORD_NAMES + [PRINCIPAL_A, PRINCIPAL_B, SPOUSE_A, "Testkhel", "I-0", "K-0", "D-0",
                                  cases["a"].reference, cases["b"].reference, str(cases["a"].pk)]:
        assert secret not in html, secret
    assert keeps_to_csp(html)


def test_small_counts_on_the_simulation_page_are_suppressed(staff, cases, records):
    _, client = staff[roles.ANALYST]
    html = client.get(reverse("policies:simulate"), {"policy": "nz-bamyan-2012@2012-10"}).content.decode()
    # the two applications are fewer than five: their population's figures are withheld
    applications = html.split("Applications received")[1]
    assert "suppressed" in applications
    cells = re.findall(r"<td>(\d+)</td>", html)
    assert cells and all(int(n) == 0 or int(n) >= 5 for n in cells)


def test_simulation_form_reports_a_bad_choice(staff):
    _, client = staff[roles.ANALYST]
    response = client.get(reverse("policies:simulate"), {"policy": "no-such-policy"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode() and "<img" not in response.content.decode()
    same = client.get(reverse("policies:simulate"), {"policy": "us-siv", "compare_with": "us-siv"})
    assert "Choose a different policy" in same.content.decode()


def test_simulation_with_nothing_to_simulate_says_so(staff, db):
    _, client = staff[roles.ANALYST]
    from resettle.applications.models import Application

    Application.objects.all().delete()
    html = client.get(reverse("policies:simulate"), {"policy": "us-siv"}).content.decode()
    assert "nothing to simulate" in html


@pytest.mark.parametrize("role, status", [(roles.ANALYST, 200), (roles.DECISION_MAKER, 200),
                                          (roles.INTAKE_OFFICER, 403), (roles.RELOCATION_COORDINATOR, 403)])
def test_who_may_open_the_simulation_page(staff, role, status):
    _, client = staff[role]
    assert client.get(reverse("policies:simulate")).status_code == status


@pytest.mark.parametrize("role, status", [(roles.ANALYST, 200), (roles.INTAKE_OFFICER, 200),
                                          (roles.DECISION_MAKER, 200), (roles.DF_VERIFIER, 403),
                                          (roles.RELOCATION_COORDINATOR, 403)])
def test_policies_list_shows_versions_dates_and_sources(staff, role, status):
    from resettle.policies import engine

    _, client = staff[role]
    response = client.get(reverse("policies:list"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        version = engine.get_policy("nz-bamyan-2012").version("2012-12")
        assert "2012-12" in html and version.effective_from.isoformat() in html
        assert all(s.id in html for s in version.sources)
        assert keeps_to_csp(html)


def test_nav_links_follow_capabilities(staff):
    _, analyst = staff[roles.ANALYST]
    html = analyst.get("/").content.decode()
    assert reverse("policies:simulate") in html and reverse("verification:queue") not in html
    _, verifier = staff[roles.DF_VERIFIER]
    html = verifier.get("/").content.decode()
    assert reverse("verification:queue") in html and reverse("policies:simulate") not in html


def test_a_case_no_version_covers_is_reported_on_the_panel_not_evaluated(staff, cases):
    import datetime as dt

    from resettle.accounts.models import Team
    from resettle.applications.services import ApplicationIn, MemberIn, application_create
    from resettle.people.services import PersonIn

    case = application_create(team=Team.objects.get(name="team-a"), data=ApplicationIn(
        pathway="nz-bamyan-2012", received_on=dt.date(2011, 5, 1), channel="paper",
        members=[MemberIn(PersonIn(full_name="Early Applicant", gender="male"), "principal")], claims=[]))
    at_stage(case)
    _, client = staff[roles.DECISION_MAKER]
    response = client.post(evaluate_url(case), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Could not evaluate" in html and "2011-05-01" in html
    assert not Evaluation.objects.filter(application=case).exists()
