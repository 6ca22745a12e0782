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
