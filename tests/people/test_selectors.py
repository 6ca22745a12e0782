"""Reading identifying data goes through audited selectors that check the capability."""

import pytest
from django.core.exceptions import PermissionDenied

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from resettle.people import selectors
from web.staffkit import PHONE_A, PRINCIPAL_A, TAZKIRA_A


def people_of(case):
    return [m.person for m in case.members.all()]


def test_identities_are_returned_and_the_view_audited(staff, cases):
    user, _ = staff[roles.DF_VERIFIER]
    views = selectors.identities(user, people_of(cases["a"]), reason="verification", target=cases["a"])
    principal = views[0]
    assert principal.full_name == PRINCIPAL_A and principal.father_name == "Ghulam"
    assert principal.birth_date and ("Tazkira", TAZKIRA_A) in principal.documents
    event = AuditEvent.objects.get(action="person.identity_viewed", actor_id=user.pk)
    assert event.reason == "verification"
    assert event.details["people"] == [str(p.pk) for p in people_of(cases["a"])]


def test_contacts_are_refused_to_the_verifier_and_the_refusal_audited(staff, cases):
    user, _ = staff[roles.DF_VERIFIER]
    with pytest.raises(PermissionDenied):
        selectors.contacts(user, people_of(cases["a"]), reason="curious", target=cases["a"])
    event = AuditEvent.objects.get(action="access.denied", actor_id=user.pk)
    assert event.details == {"capability": roles.PERSON_CONTACT}
    assert not AuditEvent.objects.filter(action="person.contact_viewed").exists()


def test_coordinator_reads_contacts(staff, cases):
    user, _ = staff[roles.RELOCATION_COORDINATOR]
    found = selectors.contacts(user, people_of(cases["a"]), reason="travel booking", target=cases["a"])
    principal = people_of(cases["a"])[0]
    assert [(c.kind, c.value) for c in found[str(principal.pk)]] == [("Phone", PHONE_A)]


def test_analyst_reads_no_identity(staff, cases):
    user, _ = staff[roles.ANALYST]
    with pytest.raises(PermissionDenied):
        selectors.identities(user, people_of(cases["a"]), reason="report")
    assert AuditEvent.objects.filter(action="access.denied", actor_id=user.pk).exists()
