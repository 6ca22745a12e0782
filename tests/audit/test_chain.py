import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from resettle.audit.models import AuditEvent, AuditHead
from resettle.audit.services import record_event, verify_log


@pytest.fixture
def log(db):
    for n in range(5):
        record_event(actor=None, action="test.event", target=("thing", n), details={"n": n})


def test_untouched_log_verifies(log, capsys):
    assert verify_log() is None
    call_command("audit", "verify")
    assert "audit log intact: 5 entries" in capsys.readouterr().out


def test_edited_entry_is_named(log):
    AuditEvent.objects.filter(seq=3).update(details={"n": 99})
    problem = verify_log()
    assert problem.seq == 3 and "edited" in problem.message
    with pytest.raises(CommandError, match="broken at entry 3"):
        call_command("audit", "verify")


def test_deleted_entry_is_named(log):
    AuditEvent.objects.filter(seq=2).delete()
    problem = verify_log()
    assert problem.seq == 2 and "missing" in problem.message


def test_deleted_tail_is_detected_through_the_head(log):
    AuditEvent.objects.filter(seq=5).delete()
    problem = verify_log()
    assert problem.seq == 5 and "removed from the end" in problem.message


def test_reordered_entries_are_detected(log):
    # Swap the contents of entries 2 and 4, keeping their sequence numbers.
    two, four = AuditEvent.objects.get(seq=2), AuditEvent.objects.get(seq=4)
    fields = ["at", "action", "target_type", "target_id", "reason", "details", "prev_hash", "hash"]
    a = {f: getattr(two, f) for f in fields}
    b = {f: getattr(four, f) for f in fields}
    AuditEvent.objects.filter(seq=2).update(**b)
    AuditEvent.objects.filter(seq=4).update(**a)
    problem = verify_log()
    assert problem.seq == 2


def test_recomputing_hashes_without_the_key_does_not_help(log):
    import hashlib

    event = AuditEvent.objects.get(seq=1)
    forged = hashlib.sha256(b"attacker without the audit key").hexdigest()
    AuditEvent.objects.filter(seq=1).update(action="test.forged", hash=forged)
    AuditEvent.objects.filter(seq=2).update(prev_hash=forged)
    assert verify_log().seq == 1
    assert event.hash != forged


def test_head_tracks_the_tip(log):
    head = AuditHead.objects.get()
    last = AuditEvent.objects.order_by("-seq").first()
    assert (head.seq, head.hash) == (last.seq, last.hash)


def head_writes(queries) -> int:
    """How many times captured queries moved the audit log's head (each append takes its lock)."""
    return sum(1 for q in queries if q["sql"].startswith("UPDATE") and "audit_audithead" in q["sql"])


def test_events_of_a_block_are_chained_in_one_append_with_no_query_before(db):
    """A page that audits two views (identity, contacts) waits on the head once, not twice; the
    events are collected without a query and chained in order at the block's end."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from resettle.audit.services import deferred_events

    with CaptureQueriesContext(connection) as queries:
        with deferred_events():
            record_event(actor=None, action="person.identity_viewed", target=("people.person", "1"))
            record_event(actor=None, action="person.contact_viewed", target=("people.person", "1"))
            assert len(queries.captured_queries) == 0
    assert head_writes(queries.captured_queries) == 1
    assert list(AuditEvent.objects.order_by("seq").values_list("action", flat=True)) == [
        "person.identity_viewed", "person.contact_viewed"]
    assert verify_log() is None


def test_a_block_that_fails_records_nothing_and_leaves_the_chain_whole(db):
    from resettle.audit.services import deferred_events

    with pytest.raises(RuntimeError):
        with deferred_events():
            record_event(actor=None, action="person.identity_viewed", target=("people.person", "1"))
            raise RuntimeError("the page failed before showing anything")
    assert not AuditEvent.objects.exists()
    record_event(actor=None, action="person.identity_viewed", target=("people.person", "1"))
    assert verify_log() is None
