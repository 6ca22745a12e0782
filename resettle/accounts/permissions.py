"""Capability checks used by selectors, services, views, the API and the admin alike."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connections, router

from resettle.accounts.roles import CAPABILITIES


@dataclass(frozen=True)
class AccessState:
    """What a page needs to know about its user besides the user row: roles (group names), the
    teams of the staff profile, and whether the profile is a demo one."""

    roles: set[str]
    team_ids: list[int]
    is_demo: bool


_NO_ACCESS = AccessState(roles=set(), team_ids=[], is_demo=False)


@functools.cache
def _access_sql(alias: str) -> str:
    """One statement for the three link tables a page reads about its user (each used to be a
    query of its own on every page: roles, profile, teams). Names come from the models' meta,
    so the SQL follows the schema; written out, not built by the ORM, as building three
    querysets and their union costs more than the round trips it saves."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from resettle.accounts.models import StaffProfile

    q = connections[alias].ops.quote_name
    group, profile = Group._meta, StaffProfile._meta
    user_groups, profile_teams = get_user_model().groups.through._meta, StaffProfile.teams.through._meta

    def col(meta, name):
        return q(meta.get_field(name).column)

    return (
        f"SELECT 'r', g.{col(group, 'name')}, NULL FROM {q(group.db_table)} g "
        f"JOIN {q(user_groups.db_table)} ug ON ug.{col(user_groups, 'group')} = g.{q(group.pk.column)} "
        f"WHERE ug.{col(user_groups, 'user')} = %s "
        f"UNION ALL SELECT 't', NULL, pt.{col(profile_teams, 'team')} FROM {q(profile_teams.db_table)} pt "
        f"JOIN {q(profile.db_table)} p ON p.{q(profile.pk.column)} = pt.{col(profile_teams, 'staffprofile')} "
        f"WHERE p.{col(profile, 'user')} = %s "
        f"UNION ALL SELECT 'p', NULL, CASE WHEN p.{col(profile, 'is_demo')} THEN 1 ELSE 0 END "
        f"FROM {q(profile.db_table)} p WHERE p.{col(profile, 'user')} = %s")


def access_state(user) -> AccessState:
    """Roles, teams and demo flag of `user`, read in one query and kept on the user object.

    The user object is loaded afresh for every request (django.contrib.auth), so a role or team
    change, or a removed profile, takes effect on the next request; nothing outlives it."""
    pk = getattr(user, "pk", None)
    if user is None or pk is None or not getattr(user, "is_authenticated", False):
        return _NO_ACCESS
    cached = getattr(user, "_resettle_access", None)
    if cached is not None:
        return cached
    found_roles: set[str] = set()
    team_ids: list[int] = []
    is_demo = False
    alias = router.db_for_read(type(user))
    with connections[alias].cursor() as cursor:
        cursor.execute(_access_sql(alias), [pk, pk, pk])
        for kind, name, number in cursor.fetchall():
            if kind == "r":
                found_roles.add(name)
            elif kind == "t":
                team_ids.append(number)
            else:
                is_demo = bool(number)
    state = AccessState(roles=found_roles, team_ids=sorted(team_ids), is_demo=is_demo)
    user._resettle_access = state
    return state


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return access_state(user).roles


def capabilities_of(user) -> frozenset[str]:
    # A page asks `can` dozens of times: the union is worked out once per user object (one per
    # request), beside the roles it comes from.
    held = roles_of(user)
    cached = getattr(user, "_resettle_caps", None) if held else None
    if cached is not None and cached[0] is held:
        return cached[1]
    caps: set[str] = set()
    for role in held:
        caps |= CAPABILITIES.get(role, frozenset())
    caps = frozenset(caps)
    if held:
        user._resettle_caps = (held, caps)
    return caps


def can(user, capability: str) -> bool:
    return capability in capabilities_of(user)


def require(user, capability: str, *, target=None) -> None:
    """Refuse, and write the refusal to the audit log: probing is worth knowing about."""
    if can(user, capability):
        return
    from resettle.audit.services import record_event

    record_event(actor=user if getattr(user, "is_authenticated", False) else None,
                 action="access.denied", target=target, details={"capability": capability})
    raise PermissionDenied(f"Your role does not allow {capability}.")
