"""Capability checks used by selectors, services, views, the API and the admin alike."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from resettle.accounts.roles import CAPABILITIES


def roles_of(user) -> set[str]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    cached = getattr(user, "_resettle_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._resettle_roles = cached
    return cached


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
