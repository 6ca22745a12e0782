"""The audit log cannot be cut short unnoticed: its head is checkpointed outside the database."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from resettle.audit.models import AuditEvent, AuditHead
from resettle.audit.services import deferred_events, record_event, verify_log


@pytest.fixture
def anchored(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_FILE = str(tmp_path / "audit-checkpoints.log")
    return tmp_path / "audit-checkpoints.log"


def _log(n):
    for i in range(n):
        record_event(actor=None, action="test.event", target=("thing", i), details={"n": i})


def test_deleting_the_tail_and_setting_the_head_back_is_caught(anchored, transactional_db, capsys):
    _log(5)
    call_command("audit", "verify")
    assert "audit log intact: 5 entries; reaches the checkpoint" in capsys.readouterr().out
    # The probe: delete the last entries and update audit_audithead to match, in the database.
    third = AuditEvent.objects.get(seq=3)
    AuditEvent.objects.filter(seq__gt=3).delete()
    AuditHead.objects.filter(pk=1).update(seq=3, hash=third.hash)
    assert verify_log() is None  # the chain alone looks intact: this is what was missed
    problem = verify_log(against_checkpoint=True)
    assert problem is not None and "checkpoint written outside the database" in problem.message
    with pytest.raises(CommandError, match="log ends at entry 3 but the checkpoint .* says 5"):
        call_command("audit", "verify")


def test_checkpoints_are_signed_and_an_edited_file_is_named(anchored, transactional_db):
    _log(3)
    lines = anchored.read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3]
    forged = json.loads(lines[-1])
    forged["seq"] = 2  # pretending the log was shorter, without the audit key
    anchored.write_text("\n".join(lines[:-1] + [json.dumps(forged)]) + "\n")
    with pytest.raises(CommandError, match="not a checkpoint signed with this installation's audit key"):
        call_command("audit", "verify")


def test_a_rolled_back_transaction_leaves_no_checkpoint(anchored, transactional_db):
    _log(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=None, action="test.event")
        raise RuntimeError("change failed")
    assert len(anchored.read_text().splitlines()) == 1
    assert verify_log(against_checkpoint=True) is None


def test_after_a_restore_the_operator_checkpoints_the_restored_head(anchored, transactional_db, capsys):
    _log(4)
    AuditEvent.objects.filter(seq__gt=2).delete()  # as an older backup restored would leave it
    AuditHead.objects.filter(pk=1).update(seq=2, hash=AuditEvent.objects.get(seq=2).hash)
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint")  # refuses to bless a cut log...
    call_command("audit", "checkpoint", "--after-restore")  # ...unless told it was a restore
    call_command("audit", "verify")
    assert "audit log intact: 2 entries" in capsys.readouterr().out


def test_an_import_chains_its_events_at_the_end_without_holding_the_head_meanwhile(db):
    _log(1)
    with transaction.atomic(), deferred_events():
        record_event(actor=None, action="import.row", details={"n": 1})
        record_event(actor=None, action="import.row", details={"n": 2})
        # Nothing appended yet: the head row is untouched (and unlocked) while the import works.
        assert AuditHead.objects.get().seq == 1 and AuditEvent.objects.count() == 1
    assert list(AuditEvent.objects.values_list("seq", "action")) == [(1, "test.event"), (2, "import.row"),
                                                                      (3, "import.row")]
    assert verify_log() is None
    with pytest.raises(RuntimeError), transaction.atomic(), deferred_events():
        record_event(actor=None, action="import.row")
        raise RuntimeError("bad row")
    assert AuditEvent.objects.count() == 3 and verify_log() is None
