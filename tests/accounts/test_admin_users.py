"""Administrators manage staff accounts in the admin, audited, and cannot raise their own roles."""

from django.contrib.auth.models import Group
from django.urls import reverse

from resettle.accounts import roles
from resettle.audit.models import AuditEvent


def change_form(user, groups):
    joined = user.date_joined.astimezone()
    return {"username": user.username, "is_active": "on", "is_staff": "on",
            "groups": [g.pk for g in groups], "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"), "last_login_0": "", "last_login_1": ""}


def test_role_changes_by_an_administrator_are_audited(staff):
    admin_user, client = staff[roles.ADMINISTRATOR]
    verifier, _ = staff[roles.DF_VERIFIER]
    analyst = Group.objects.get(name=roles.ANALYST)  # a role that sees no identity: no second approval
    url = reverse("admin:auth_user_change", args=[verifier.pk])
    response = client.post(url, change_form(verifier, [analyst]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(verifier.groups.values_list("name", flat=True)) == [roles.ANALYST]
    event = AuditEvent.objects.get(action="staff.roles_changed")
    assert event.actor_id == admin_user.pk and event.target_id == str(verifier.pk)
    assert event.details == {"from": [roles.DF_VERIFIER], "to": [roles.ANALYST]}


def test_an_administrator_cannot_grant_themselves_case_access(staff):
    admin_user, client = staff[roles.ADMINISTRATOR]
    intake = Group.objects.get(name=roles.INTAKE_OFFICER)
    url = reverse("admin:auth_user_change", args=[admin_user.pk])
    client.post(url, change_form(admin_user, [intake, Group.objects.get(name=roles.ADMINISTRATOR)]))
    assert list(admin_user.groups.values_list("name", flat=True)) == [roles.ADMINISTRATOR]
    assert not AuditEvent.objects.filter(action="staff.roles_changed").exists()


def test_only_administrators_reach_staff_accounts(staff):
    for role in roles.ALL_ROLES:
        user, client = staff[role]
        status = client.get(reverse("admin:auth_user_changelist")).status_code
        assert status == (200 if role == roles.ADMINISTRATOR else 403), role
