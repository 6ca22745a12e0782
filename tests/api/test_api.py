"""The REST API: same selectors, same rules; session plus second factor required."""

import pytest
from django.test import Client

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from web.staffkit import at_a_stage_for, PHONE_A, PRINCIPAL_A, SPOUSE_A, denied_events


def test_list_holds_only_the_users_cases_and_no_personal_data(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    body = client.get("/api/applications/").json()
    assert [row["reference"] for row in body["results"]] == [cases["a"].reference]
    assert PRINCIPAL_A not in str(body)
    _, verifier = staff[roles.DF_VERIFIER]
    refs = {row["reference"] for row in verifier.get("/api/applications/", {"pathway": "nz-bamyan-2012"}).json()["results"]}
    assert refs == {cases["b"].reference}


def test_detail_obeys_the_field_rules_and_is_audited(staff, cases):
    user, client = staff[roles.DF_VERIFIER]
    body = client.get(f"/api/applications/{cases['a'].pk}/").json()
    assert body["principal"]["identity"]["full_name"] == PRINCIPAL_A
    assert body["principal"]["contacts"] is None and body["family"] is None
    assert body["claims"][0]["role"] == "interpreter"
    assert PHONE_A not in str(body) and SPOUSE_A not in str(body)
    event = AuditEvent.objects.get(action="person.identity_viewed", actor_id=user.pk)
    assert event.reason == "api case read"

    _, intake = staff[roles.INTAKE_OFFICER]
    body = intake.get(f"/api/applications/{cases['a'].pk}/").json()
    assert {c["value"] for c in body["principal"]["contacts"]} == {PHONE_A}
    assert SPOUSE_A in {m["identity"]["full_name"] for m in body["family"]}


def test_detail_of_another_teams_case_is_refused_and_audited(staff, cases):
    user, client = staff[roles.RELOCATION_COORDINATOR]
    assert client.get(f"/api/applications/{cases['b'].pk}/").status_code == 403
    assert denied_events(actor_id=user.pk, target_id=str(cases["b"].pk)).exists()


def test_analyst_gets_aggregates_and_nothing_else(staff, cases):
    user, client = staff[roles.ANALYST]
    body = client.get("/api/aggregates/").json()
    assert body["suppressed_below"] == 5
    assert set(body) == {"status", "pathway", "role", "unit", "suppressed_below"}
    # Two cases in all: every count is small, so every count is withheld.
    assert body["status"] == {"received": None}
    assert PRINCIPAL_A not in str(body)
    for url in ("/api/applications/", f"/api/applications/{cases['a'].pk}/"):
        before = denied_events(actor_id=user.pk).count()
        assert client.get(url).status_code == 403
        assert denied_events(actor_id=user.pk).count() == before + 1


def test_verifier_is_refused_aggregates(staff):
    user, client = staff[roles.DF_VERIFIER]
    assert client.get("/api/aggregates/").status_code == 403
    assert denied_events(actor_id=user.pk).exists()


@pytest.mark.parametrize("url", ["/api/applications/", "/api/aggregates/", "/api/schema/"])
def test_api_needs_a_session_with_the_second_factor(staff, url):
    assert Client().get(url).status_code == 403
    user, _ = staff[roles.ANALYST]
    password_only = Client()
    password_only.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert password_only.get(url).status_code == 403


def test_schema_and_docs_are_served_to_signed_in_staff(staff):
    _, client = staff[roles.ANALYST]
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/applications/{application_id}/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.content
    assert b"cdn.jsdelivr" not in docs.content  # served locally: the CSP allows no CDN
    assert b"<style" not in docs.content and b"<script>" not in docs.content
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and b"/api/schema/" in script.content


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_reaches_exactly_its_endpoints(staff, cases, role):
    user, client = staff[role]
    at_a_stage_for(role, cases["a"])
    expected = {
        "/api/applications/": roles.CASE_VIEW in roles.CAPABILITIES[role],
        f"/api/applications/{cases['a'].pk}/": roles.CASE_VIEW in roles.CAPABILITIES[role],
        "/api/aggregates/": role in {roles.DECISION_MAKER, roles.ANALYST, roles.ADMINISTRATOR},
    }
    for url, allowed in expected.items():
        before = denied_events(actor_id=user.pk).count()
        assert client.get(url).status_code == (200 if allowed else 403), (role, url)
        assert denied_events(actor_id=user.pk).count() == before + (0 if allowed else 1), (role, url)


def test_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/aggregates/" in (tmp_path / "schema.yaml").read_text()
