"""One administrator alone cannot reach applicants' identities through a staff account.

The second probe: an administrator created an account, gave it the verifier role, signed in as
it and read every case; or reset someone's password, deleted their device and took the account
over. Such changes now wait for a second administrator, and every admin save and delete is in
the hash-chained audit log.
"""

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.test_admin_users import change_form
from resettle.accounts import roles
from resettle.accounts.models import StaffChange, Team
from resettle.accounts.services import StaffChangeError, staff_change_decide
from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log
from web.staffkit import verified_client

NEW_PASSWORD = "a brand new long passphrase 42"


@pytest.fixture
def second_admin(user_factory):
    user = user_factory(roles.ADMINISTRATOR, username="second-admin")
    return user, verified_client(user)


def _approve(client, change):
    return client.post(reverse("accounts:staff_changes"), {"change": change.pk, "decision": "approve"})


def test_granting_a_role_that_sees_identities_waits_for_a_second_administrator(staff, second_admin):
    admin_user, client = staff[roles.ADMINISTRATOR]
    analyst, _ = staff[roles.ANALYST]
    verifier = Group.objects.get(name=roles.DF_VERIFIER)
    response = client.post(reverse("admin:auth_user_change", args=[analyst.pk]), change_form(analyst, [verifier]),
                           follow=True)
    assert "waits for a second administrator" in response.content.decode()
    assert list(analyst.groups.values_list("name", flat=True)) == [roles.ANALYST]  # not granted yet
    change = StaffChange.objects.get(target=analyst)
    assert (change.kind, change.roles, change.status) == ("grant_roles", [roles.DF_VERIFIER], "pending")
    # The requester cannot approve it, by the page or by the service, and the try is audited.
    assert "not its requester" in client.post(reverse("accounts:staff_changes"), {
        "change": change.pk, "decision": "approve"}, follow=True).content.decode()
    with pytest.raises(StaffChangeError, match="not its requester"):
        staff_change_decide(actor=admin_user, change=change, approve=True)
    assert AuditEvent.objects.filter(action="access.denied", actor_id=admin_user.pk, target_id=str(analyst.pk)).exists()
    change.refresh_from_db()
    assert change.status == "pending" and list(analyst.groups.values_list("name", flat=True)) == [roles.ANALYST]
    # A second administrator sees it and approves; only then is the role granted.
    second, second_client = second_admin
    page = second_client.get(reverse("accounts:staff_changes")).content.decode()
    assert analyst.get_username() in page and "Grant roles that see identities" in page
    assert _approve(second_client, change).status_code == 302
    assert list(analyst.groups.values_list("name", flat=True)) == [roles.DF_VERIFIER]
    actions = list(AuditEvent.objects.filter(target_id=str(analyst.pk)).values_list("action", flat=True))
    assert "staff.change_requested" in actions and actions[-2:] == ["staff.change_approved", "staff.roles_changed"]
    assert verify_log() is None


def test_a_new_account_gets_no_identity_role_from_one_administrator(staff, second_admin, user_factory):
    _, client = staff[roles.ADMINISTRATOR]
    response = client.post(reverse("admin:auth_user_add"), {
        "username": "fresh", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302, response.content.decode()[:3000]
    fresh = type(staff[roles.ADMINISTRATOR][0]).objects.get(username="fresh")
    client.post(reverse("admin:auth_user_change", args=[fresh.pk]),
                change_form(fresh, [Group.objects.get(name=roles.INTAKE_OFFICER)]))
    assert not fresh.groups.exists()
    assert StaffChange.objects.get(target=fresh).status == "pending"
    assert AuditEvent.objects.filter(action="admin.added", target_id=str(fresh.pk)).exists()


def test_resetting_the_password_of_an_identity_account_waits_for_a_second_administrator(staff, second_admin):
    _, client = staff[roles.ADMINISTRATOR]
    verifier, _ = staff[roles.DF_VERIFIER]
    url = reverse("admin:auth_user_password_change", args=[verifier.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
                                 "set_usable_password": "true"}, follow=True)
    assert "waits for a second administrator" in response.content.decode()
    verifier.refresh_from_db()
    assert not verifier.check_password(NEW_PASSWORD)
    change = StaffChange.objects.get(target=verifier, kind="set_password")
    assert NEW_PASSWORD not in change.password_hash and change.password_hash.count("$") >= 1
    _approve(second_admin[1], change)
    verifier.refresh_from_db()
    assert verifier.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="staff.password_reset", target_id=str(verifier.pk)).exists()


def test_deleting_the_device_of_an_identity_account_waits_for_a_second_administrator(staff, second_admin,
                                                                                       user_factory):
    _, client = staff[roles.ADMINISTRATOR]
    # An account that sees identities and is itself an administrator: it may not decide its own.
    verifier = user_factory(roles.ADMINISTRATOR, roles.INTAKE_OFFICER, username="holder")
    verified_client(verifier)
    device = TOTPDevice.objects.get(user=verifier)
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"}, follow=True)
    assert "waits for a second administrator" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    change = StaffChange.objects.get(target=verifier, kind="delete_device")
    # The account's holder cannot approve changes to their own account either.
    with pytest.raises(StaffChangeError, match="own account"):
        staff_change_decide(actor=verifier, change=change, approve=True)
    second, second_client = second_admin
    _approve(second_client, change)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="staff.device_deleted", actor_id=second.pk).exists()


def test_changes_to_accounts_without_identity_need_no_second_person_but_are_in_the_chain(staff):
    admin_user, client = staff[roles.ADMINISTRATOR]
    analyst, _ = staff[roles.ANALYST]
    client.post(reverse("admin:auth_user_password_change", args=[analyst.pk]),
                {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
                 "set_usable_password": "true"})
    analyst.refresh_from_db()
    assert analyst.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="admin.changed", actor_id=admin_user.pk, target_id=str(analyst.pk)).exists()
    device = TOTPDevice.objects.get(user=analyst)
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="admin.deleted", target_id=str(device.pk),
                                     details__model="otp_totp.totpdevice").exists()
    team = Team.objects.create(name="team-z")
    client.post(reverse("admin:accounts_team_change", args=[team.pk]), {"name": "team-zz"})
    assert AuditEvent.objects.filter(action="admin.changed", target_id=str(team.pk)).exists()
    assert verify_log() is None


def test_the_database_refuses_a_change_decided_by_its_requester(staff):
    admin_user, _ = staff[roles.ADMINISTRATOR]
    analyst, _ = staff[roles.ANALYST]
    change = StaffChange.objects.create(kind="grant_roles", target=analyst, roles=[roles.DF_VERIFIER],
                                        requested_by=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffChange.objects.filter(pk=change.pk).update(decided_by=admin_user, status="approved")
