"""The one way anything is written to the audit log."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from resettle.audit import chain
from resettle.audit.models import AuditEvent, AuditHead
from resettle.core import keys


def _target_parts(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return target._meta.label_lower, str(target.pk)


@transaction.atomic
def record_event(*, actor, action: str, target=None, reason: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event. Call it inside the service's transaction, so the change and its record
    commit together or not at all. `target` is a model instance or a (type, id) pair."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    target_type, target_id = _target_parts(target)
    at = timezone.now()
    fields = dict(
        seq=head.seq + 1,
        at=at.isoformat(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or ("system" if actor is None else ""),
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        details=details or {},
        prev_hash=head.hash,
    )
    digest = chain.entry_hash(keys.audit_key(), **fields)
    event = AuditEvent.objects.create(**{**fields, "at": at, "hash": digest})
    head.seq, head.hash = event.seq, digest
    head.save(update_fields=["seq", "hash"])
    return event


def verify_log() -> chain.Problem | None:
    entries = (
        {**row, "at": row["at"].isoformat()}
        for row in AuditEvent.objects.order_by("seq").values().iterator(chunk_size=2000)
    )
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, chain.GENESIS)
    return chain.verify(keys.audit_key(), entries, head=head)
