from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from resettle.accounts.models import StaffProfile, Team
from resettle.accounts.roles import ALL_ROLES
from resettle.audit.services import record_event


@transaction.atomic
def ensure_roles() -> None:
    for role in ALL_ROLES:
        Group.objects.get_or_create(name=role)


@transaction.atomic
def staff_create(*, username: str, password: str, roles: list[str], teams: list[str] = (), actor=None,
                 is_demo: bool = False):
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown role(s): {', '.join(sorted(unknown))}")
    ensure_roles()
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True)
    user.groups.set(Group.objects.filter(name__in=roles))
    profile = StaffProfile.objects.create(user=user, is_demo=is_demo)
    profile.teams.set([Team.objects.get_or_create(name=t)[0] for t in teams])
    record_event(actor=actor, action="staff.created", target=user, details={"roles": sorted(roles), "demo": is_demo})
    return user


# --- changes that need a second administrator ------------------------------------------------

class StaffChangeError(Exception):
    """The change cannot be decided by this person, or is no longer pending."""


def identity_roles() -> frozenset[str]:
    """Roles that see applicants' identities or contact details on screen."""
    from resettle.accounts.roles import CAPABILITIES, PERSON_CONTACT, PERSON_IDENTITY

    return frozenset(r for r, caps in CAPABILITIES.items() if caps & {PERSON_IDENTITY, PERSON_CONTACT})


def sees_identities(user) -> bool:
    return bool(set(user.groups.values_list("name", flat=True)) & identity_roles())


@transaction.atomic
def staff_change_request(*, actor, kind: str, target, roles: list[str] | None = None, password_hash: str = "",
                         device_id: int | None = None):
    from resettle.accounts.models import StaffChange
    from resettle.accounts.permissions import require
    from resettle.accounts.roles import USERS_MANAGE

    require(actor, USERS_MANAGE)
    change = StaffChange.objects.create(kind=kind, target=target, roles=sorted(roles or []),
                                        password_hash=password_hash, device_id=device_id, requested_by=actor)
    record_event(actor=actor, action="staff.change_requested", target=target, reason="admin",
                 details={"change": change.pk, "kind": kind, "roles": change.roles})
    return change


def _refuse(actor, change, why: str, message: str):
    record_event(actor=actor, action="access.denied", target=change.target,
                 details={"capability": "users.manage", "why": why, "change": change.pk})
    raise StaffChangeError(message)


def staff_change_decide(*, actor, change, approve: bool):
    """Approve (and apply) or reject a pending change: by an administrator who neither asked for
    it nor holds the account. Refusals are audited outside the transaction they abort."""
    from resettle.accounts.permissions import require
    from resettle.accounts.roles import USERS_MANAGE

    require(actor, USERS_MANAGE)
    if change.requested_by_id == actor.pk:
        _refuse(actor, change, "own request", "a second administrator must decide this change, not its requester")
    if change.target_id == actor.pk:
        _refuse(actor, change, "own account", "nobody decides a change to their own account")
    with transaction.atomic():
        return _decide(actor, change, approve)


def _decide(actor, change, approve: bool):
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from resettle.accounts.models import StaffChange

    change = StaffChange.objects.select_for_update().select_related("target").get(pk=change.pk)
    if change.status != StaffChange.PENDING:
        raise StaffChangeError(f"this change is already {change.get_status_display().lower()}")
    change.status = StaffChange.APPROVED if approve else StaffChange.REJECTED
    change.decided_by, change.decided_at = actor, timezone.now()
    change.save(update_fields=["status", "decided_by", "decided_at"])
    target = change.target
    record_event(actor=actor, action="staff.change_approved" if approve else "staff.change_rejected",
                 target=target, reason="admin",
                 details={"change": change.pk, "kind": change.kind, "requested_by": change.requested_by_id})
    if not approve:
        return change
    if change.kind == StaffChange.GRANT_ROLES:
        before = sorted(target.groups.values_list("name", flat=True))
        ensure_roles()
        target.groups.set(Group.objects.filter(name__in=change.roles))
        record_event(actor=actor, action="staff.roles_changed", target=target, reason="admin (second approval)",
                     details={"from": before, "to": change.roles, "requested_by": change.requested_by_id})
    elif change.kind == StaffChange.SET_PASSWORD:
        target.password = change.password_hash
        target.save(update_fields=["password"])
        record_event(actor=actor, action="staff.password_reset", target=target, reason="admin (second approval)",
                     details={"requested_by": change.requested_by_id})
    elif change.kind == StaffChange.DELETE_DEVICE:
        deleted, _ = TOTPDevice.objects.filter(pk=change.device_id, user=target).delete()
        record_event(actor=actor, action="staff.device_deleted", target=target, reason="admin (second approval)",
                     details={"device": change.device_id, "deleted": deleted, "requested_by": change.requested_by_id})
    change.password_hash = ""  # applied: the hash has no further use here
    change.save(update_fields=["password_hash"])
    return change
