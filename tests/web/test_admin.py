"""The admin is not a back door: the same capabilities, object rules and audit as the screens."""

import pytest
from django.urls import reverse

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from resettle.people.models import Person
from web.staffkit import PHONE_A, PRINCIPAL_A, denied_events, verified_client


def person_url(person):
    return reverse("admin:people_person_change", args=[person.pk])


def principal(case):
    return case.members.get(relationship="principal").person


@pytest.mark.parametrize("role", [roles.ANALYST, roles.ADMINISTRATOR])
def test_roles_without_identity_are_refused_people_in_the_admin_and_audited(staff, cases, role):
    user, client = staff[role]
    for url in (reverse("admin:people_person_changelist"), person_url(principal(cases["a"])),
                reverse("admin:people_contactdetail_changelist")):
        before = denied_events(actor_id=user.pk).count()
        assert client.get(url).status_code == 403, url
        assert denied_events(actor_id=user.pk).count() == before + 1


def test_superuser_flag_does_not_bypass_the_capability_table(staff, cases):
    user, _ = staff[roles.ADMINISTRATOR]
    user.is_superuser = True
    user.save()
    client = verified_client(user)
    assert client.get(person_url(principal(cases["a"]))).status_code == 403
    assert client.get(reverse("admin:applications_application_changelist")).status_code == 403
    # ...while managing staff accounts is its job.
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_objects_outside_team_are_refused_in_the_admin(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]
    listing = client.get(reverse("admin:applications_application_changelist")).content.decode()
    assert cases["a"].reference in listing and cases["b"].reference not in listing
    response = client.get(reverse("admin:applications_application_change", args=[cases["b"].pk]))
    assert response.status_code == 403
    assert denied_events(actor_id=user.pk, target_id=str(cases["b"].pk)).exists()
    assert client.get(person_url(principal(cases["b"]))).status_code == 403
    assert client.get(person_url(principal(cases["a"]))).status_code == 200


def test_viewing_a_person_in_the_admin_is_audited(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]
    person = principal(cases["a"])
    html = client.get(person_url(person)).content.decode()
    assert PRINCIPAL_A in html
    event = AuditEvent.objects.get(action="person.identity_viewed", actor_id=user.pk)
    assert (event.target_type, event.target_id, event.reason) == ("people.person", str(person.pk), "admin")


def test_verifier_sees_no_contact_details_or_family_in_the_admin(staff, cases):
    user, client = staff[roles.DF_VERIFIER]
    assert client.get(reverse("admin:people_contactdetail_changelist")).status_code == 403
    assert client.get(reverse("admin:applications_member_changelist")).status_code == 403
    contact = principal(cases["a"]).contacts.get()
    assert client.get(reverse("admin:people_contactdetail_change", args=[contact.pk])).status_code == 403
    assert PHONE_A not in client.get(reverse("admin:index")).content.decode()


def test_people_lists_show_no_names_offer_no_bulk_actions_and_cannot_be_changed(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]
    html = client.get(reverse("admin:people_person_changelist")).content.decode()
    assert PRINCIPAL_A not in html
    assert 'name="action"' not in html and "delete_selected" not in html
    person = principal(cases["a"])
    response = client.post(person_url(person), {"full_name": "Someone Else"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.full_name == PRINCIPAL_A
    assert client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"}).status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_admin_requires_the_second_factor(staff):
    user, _ = staff[roles.ADMINISTRATOR]
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_authenticator_keys_are_not_shown_in_the_admin(staff):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user, client = staff[roles.ADMINISTRATOR]
    device = TOTPDevice.objects.filter(user=staff[roles.INTAKE_OFFICER][0]).get()
    html = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk])).content.decode()
    assert device.key not in html


I, V, D, R, A, ADM = (roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.DECISION_MAKER, roles.RELOCATION_COORDINATOR,
                      roles.ANALYST, roles.ADMINISTRATOR)
ADMIN_LISTS = {
    "people_person": {I, V, D, R},
    "people_identitydocument": {I, V, D, R},
    "people_contactdetail": {I, R},
    "applications_application": {I, V, D, R},
    "applications_claimedemployment": {I, V, D, R},
    "applications_member": {I, D, R},
    "records_employmentrecord": {V},
    "records_importbatch": {V, ADM},
    "records_recordsource": {V, ADM},
    "auth_user": {ADM},
    "auth_group": {ADM},
    "accounts_team": {ADM},
    "accounts_staffprofile": {ADM},
    "otp_totp_totpdevice": {ADM},
    "axes_accessattempt": {ADM},
}


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_each_role_reaches_exactly_its_admin_pages(staff, cases, role):
    user, client = staff[role]
    index = client.get(reverse("admin:index")).content.decode()
    for model, allowed in ADMIN_LISTS.items():
        url = reverse(f"admin:{model}_changelist")
        before = denied_events(actor_id=user.pk).count()
        status = client.get(url).status_code
        if role in allowed:
            assert status == 200 and url in index, (role, model)
        else:
            assert status == 403 and url not in index, (role, model)
            assert denied_events(actor_id=user.pk).count() == before + 1, (role, model)


def test_admin_search_finds_people_through_the_blind_index_in_any_spelling(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    url = reverse("admin:people_person_changelist")
    principal = cases["a"].principal.person
    for spelling in ("MOHD HUSAINI", "محمد حسینی", "Muhammad Hussaini"):
        page = client.post(url, {"name_search": spelling}, follow=True)  # POSTed: never in the URL
        assert page.status_code == 200
        assert str(principal.pk) in page.content.decode() or principal.__str__() in page.content.decode(), spelling
    miss = client.post(url, {"name_search": "Nobody Atall"}, follow=True).content.decode()
    assert principal.__str__() not in miss
    assert AuditEvent.objects.filter(action="person.searched").count() == 4
    assert not AuditEvent.objects.filter(details__icontains="husain").exists()
