"""The one way anything is written to the audit log."""

from __future__ import annotations

import contextlib
import threading

from django.db import transaction
from django.utils import timezone

from resettle.audit import anchor, chain
from resettle.audit.models import AuditEvent, AuditHead
from resettle.core import keys


def _target_parts(target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, tuple):
        return str(target[0]), str(target[1])
    return target._meta.label_lower, str(target.pk)


_deferred = threading.local()


def record_event(*, actor, action: str, target=None, reason: str = "", details: dict | None = None) -> AuditEvent:
    """Append one event. Call it inside the service's transaction, so the change and its record
    commit together or not at all. `target` is a model instance or a (type, id) pair. Inside
    deferred_events() it is only collected (no query at all): the block appends it."""
    target_type, target_id = _target_parts(target)
    fields = dict(
        at=timezone.now(),
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or ("system" if actor is None else ""),
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason or "",
        details=details or {},
    )
    pending = getattr(_deferred, "events", None)
    if pending is not None:
        pending.append(fields)
        return AuditEvent(**fields)
    with transaction.atomic():
        return _append([fields])[0]


def _append(items: list[dict]) -> list[AuditEvent]:
    """Chain and store events under the head's row lock, held only for this."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
    key, seq, prev = keys.audit_key(), head.seq, head.hash
    events = []
    for fields in items:
        seq += 1
        digest = chain.entry_hash(key, **{**fields, "seq": seq, "at": fields["at"].isoformat(), "prev_hash": prev})
        events.append(AuditEvent(**fields, seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    head.seq, head.hash = seq, prev
    head.save(update_fields=["seq", "hash"])
    transaction.on_commit(lambda: anchor.append(seq, prev))
    return events


@contextlib.contextmanager
def deferred_events():
    """Collect the events of a block and chain them all at its end, in one append: the head's
    row lock is then held once, for that moment only.

    Inside a long transaction (a bulk import), so the lock is not held for the whole import (on
    PostgreSQL, pages that audit a view never wait for an import); the events still commit (or
    vanish) with it. Around a page's reads that each audit a view (identity, contacts), so the
    page waits on the head once, not once per event; outside a transaction the append is a
    short transaction of its own, and a block that fails records nothing (it showed nothing)."""
    if getattr(_deferred, "events", None) is not None:
        yield  # already collecting: the outer block appends
        return
    _deferred.events = []
    try:
        yield
        items = _deferred.events
    finally:
        _deferred.events = None
    if items:
        with transaction.atomic(savepoint=False):  # nested: part of the caller's transaction
            _append(items)


def verify_log(*, against_checkpoint: bool = False) -> chain.Problem | None:
    """The first broken entry, or None. With against_checkpoint, the chain must also reach the
    latest signed checkpoint written outside the database (resettle.audit.anchor): a chain whose
    last entries were deleted and its head row set back to match is caught there."""
    entries = (
        {**row, "at": row["at"].isoformat()}
        for row in AuditEvent.objects.order_by("seq").values().iterator(chunk_size=2000)
    )
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first() or (0, chain.GENESIS)
    problem = chain.verify(keys.audit_key(), entries, head=head)
    if problem is not None or not against_checkpoint:
        return problem
    try:
        checkpoint = anchor.latest()
    except anchor.CheckpointError as exc:
        return chain.Problem(head[0], str(exc))
    if checkpoint is None:
        return None
    at_checkpoint = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
    if at_checkpoint is None:
        return chain.Problem(head[0] + 1, f"log ends at entry {head[0]} but the checkpoint written outside the "
                                          f"database at {checkpoint.at} says {checkpoint.seq}: entries removed from "
                                          "the end (and the head row set back)")
    if at_checkpoint != checkpoint.hash:
        return chain.Problem(checkpoint.seq, f"entry {checkpoint.seq} differs from the checkpoint written outside the "
                                             f"database at {checkpoint.at}: the log was rewritten from there")
    return None
