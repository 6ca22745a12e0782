"""Each role reaches exactly its part; anything else is refused with 403 and audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from web.staffkit import at_a_stage_for, PHONE_A, PRINCIPAL_A, PRINCIPAL_B, SPOUSE_A, TAZKIRA_A, denied_events, verified_client

PAGES = ["accounts:home", "applications:list", "applications:dashboard", "applications:import", "records:import",
         "records:batches", "verification:queue", "policies:simulate", "exports:index"]
# Which pages each role may open (everything else must be 403).
ALLOWED = {
    roles.INTAKE_OFFICER: {"accounts:home", "applications:list", "applications:import", "records:batches"},
    roles.DF_VERIFIER: {"accounts:home", "applications:list", "records:batches", "verification:queue"},
    roles.DECISION_MAKER: {"accounts:home", "applications:list", "applications:dashboard", "policies:simulate",
                           "exports:index"},
    roles.RELOCATION_COORDINATOR: {"accounts:home", "applications:list"},
    roles.ANALYST: {"accounts:home", "applications:dashboard", "policies:simulate", "exports:index"},
    roles.ADMINISTRATOR: {"accounts:home", "applications:dashboard", "applications:import", "records:import",
                          "records:batches", "policies:simulate", "exports:index"},
}


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_reaches_exactly_its_pages(staff, role):
    user, client = staff[role]
    for name in PAGES:
        before = denied_events(actor_id=user.pk).count()
        response = client.get(reverse(name))
        if name in ALLOWED[role]:
            assert response.status_code == 200, (role, name)
            assert denied_events(actor_id=user.pk).count() == before
        else:
            assert response.status_code == 403, (role, name)
            assert denied_events(actor_id=user.pk).count() == before + 1, (role, name)


def test_each_role_sees_only_the_stages_it_works_on(staff, cases):
    _, coordinator = staff[roles.RELOCATION_COORDINATOR]
    assert coordinator.get(detail(cases["a"])).status_code == 403  # received: not yet the coordinator's
    at_a_stage_for(roles.RELOCATION_COORDINATOR, cases["a"])
    assert coordinator.get(detail(cases["a"])).status_code == 200


def detail(case):
    return reverse("applications:detail", args=[case.pk])


@pytest.mark.parametrize("role, sees_names, sees_contacts, sees_family", [
    (roles.INTAKE_OFFICER, True, True, True),
    (roles.DF_VERIFIER, True, False, False),
    (roles.DECISION_MAKER, True, False, True),
    (roles.RELOCATION_COORDINATOR, True, True, True),
])
def test_case_detail_shows_only_the_fields_the_role_may_see(staff, cases, role, sees_names, sees_contacts, sees_family):
    user, client = staff[role]
    at_a_stage_for(role, cases["a"])
    html = client.get(detail(cases["a"])).content.decode()
    assert (PRINCIPAL_A in html) is sees_names
    assert (TAZKIRA_A in html) is sees_names
    assert (PHONE_A in html) is sees_contacts
    assert (SPOUSE_A in html) is sees_family
    assert "interpreter" in html and "nz_prt_bamyan" in html  # claimed employment: everyone with the case


def test_verifier_sees_what_verification_needs_only(staff, cases):
    user, client = staff[roles.DF_VERIFIER]
    html = client.get(detail(cases["b"])).content.decode()  # another team's case: verifiers see all
    assert PRINCIPAL_B in html and "driver" in html
    assert "Your role does not show contact details." in html and "Your role does not show family members." in html


def test_viewing_identities_is_audited_with_who_what_and_why(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]
    client.get(detail(cases["a"]))
    event = AuditEvent.objects.get(action="person.identity_viewed", actor_id=user.pk)
    assert event.target_id == str(cases["a"].pk)
    assert "case review" in event.reason and "applications:detail" in event.reason
    assert len(event.details["people"]) == 3
    assert PRINCIPAL_A not in str(event.details) and PRINCIPAL_A not in event.reason
    assert AuditEvent.objects.filter(action="person.contact_viewed", actor_id=user.pk).count() == 1


def test_a_case_page_chains_its_identity_and_contact_views_at_once(staff, cases):
    """Every identity view in the system takes the audit head's lock: a case page takes it once
    for both of its events, which follow each other in the chain."""
    from audit.test_chain import head_writes
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, client = staff[roles.INTAKE_OFFICER]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(detail(cases["a"])).status_code == 200
    assert head_writes(queries.captured_queries) == 1
    seqs = sorted(AuditEvent.objects.filter(actor_id=user.pk, action__in=["person.identity_viewed",
                                                                          "person.contact_viewed"])
                  .values_list("seq", flat=True))
    assert len(seqs) == 2 and seqs[1] == seqs[0] + 1


def test_a_case_outside_team_and_assignment_is_refused_and_audited(staff, cases):
    for role in (roles.INTAKE_OFFICER, roles.DECISION_MAKER, roles.RELOCATION_COORDINATOR):
        user, client = staff[role]
        response = client.get(detail(cases["b"]))
        assert response.status_code == 403
        assert PRINCIPAL_B not in response.content.decode()
        assert denied_events(actor_id=user.pk, target_id=str(cases["b"].pk)).exists()
        assert not AuditEvent.objects.filter(action="person.identity_viewed", actor_id=user.pk).exists()


def test_assignment_opens_a_case_of_another_team(staff, cases):
    user, client = staff[roles.DECISION_MAKER]
    at_a_stage_for(roles.DECISION_MAKER, cases["b"])
    assert client.get(detail(cases["b"])).status_code == 403
    cases["b"].assigned_to.add(user)
    assert PRINCIPAL_B in client.get(detail(cases["b"])).content.decode()


def test_case_list_is_limited_to_the_users_cases(staff, cases):
    _, intake = staff[roles.INTAKE_OFFICER]
    html = intake.get(reverse("applications:list")).content.decode()
    assert cases["a"].reference in html and cases["b"].reference not in html
    _, verifier = staff[roles.DF_VERIFIER]
    html = verifier.get(reverse("applications:list")).content.decode()
    assert cases["a"].reference in html and cases["b"].reference in html


def test_case_list_never_shows_names(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    assert PRINCIPAL_A not in client.get(reverse("applications:list")).content.decode()


def test_search_by_name_goes_through_the_blind_index(staff, cases):
    user, client = staff[roles.DF_VERIFIER]
    url = reverse("applications:list")
    # The index is over the name key: other spellings and the Dari script find the same person.
    for spelling in ("  muhammad   HUSSAINI ", "Mohammed Husaini", "محمد حسینی"):
        html = client.post(url, {"name": spelling}).content.decode()
        assert cases["a"].reference in html and cases["b"].reference not in html, spelling
    html = client.post(url, {"name": "Nobody Known"}).content.decode()
    assert cases["a"].reference not in html
    event = AuditEvent.objects.filter(action="person.name_searched", actor_id=user.pk).last()
    assert event.details == {"matches": 0} and "nobody" not in str(event.details).lower()


def test_names_never_travel_in_urls(staff, cases):
    _, client = staff[roles.DF_VERIFIER]
    html = client.get(reverse("applications:list")).content.decode()
    form = html[html.index('<form method="post" class="filters">'):]
    assert 'name="name"' in form[:form.index("</form>")]
    # A name in the query string is not a search.
    html = client.get(reverse("applications:list"), {"name": "Abdul Karimi"}).content.decode()
    assert cases["a"].reference in html and cases["b"].reference in html


def test_name_search_form_is_offered_only_to_roles_that_see_identities(staff, cases):
    _, coordinator = staff[roles.RELOCATION_COORDINATOR]
    assert "Search by name" in coordinator.get(reverse("applications:list")).content.decode()
    from resettle.applications.selectors import search_applications

    analyst, _ = staff[roles.ANALYST]
    with pytest.raises(PermissionDenied):
        search_applications(analyst, name=PRINCIPAL_A)


def test_filters_by_status_pathway_and_reference(staff, cases):
    _, client = staff[roles.DF_VERIFIER]
    url = reverse("applications:list")
    html = client.get(url, {"pathway": "nz-bamyan-2012"}).content.decode()
    assert cases["b"].reference in html and cases["a"].reference not in html
    html = client.get(url, {"reference": cases["a"].reference.lower()}).content.decode()
    assert cases["a"].reference in html and cases["b"].reference not in html
    html = client.get(url, {"status": "approved"}).content.decode()
    assert cases["a"].reference not in html and "No cases match." in html


def test_case_history_reads_the_stage_changes(staff, cases):
    from resettle.casework.services import case_transition

    user, client = staff[roles.INTAKE_OFFICER]
    case_transition(application=cases["a"], action="withdraw", expected_version=cases["a"].version,
                    actor=user, reason="applicant asked to withdraw")
    html = client.get(detail(cases["a"])).content.decode()
    assert "Received → Withdrawn" in html and "applicant asked to withdraw" in html and user.username in html


def test_a_superuser_administrator_still_cannot_open_cases(staff, cases):
    user, client = staff[roles.ADMINISTRATOR]
    user.is_superuser = True
    user.save()
    client = verified_client(user)
    assert client.get(detail(cases["a"])).status_code == 403
    assert denied_events(actor_id=user.pk).exists()
