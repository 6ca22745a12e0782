import base64
import io
import secrets

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from resettle.applications.models import Application
from resettle.applications.imports import import_applications
from resettle.audit.models import AuditEvent, AuditHead
from resettle.audit.services import record_event, verify_log
from resettle.core import keys
from resettle.people.models import Person
from resettle.records.models import EmploymentRecord
from resettle.records.services import import_records
from resettle.security import backup_format

RECORDS = ("record_id,full_name,father_name,birth_year,role,unit,location\n"
           "N-1,MOHD HUSAINI,GHOLAM,1361,terp,PRT Bamyan,Bamiyan\n"
           "N-2,محمد حسینی,غلام سخی,1362,driver,Kiwi Base,بامیان\n")
APPLICATIONS = ("application_id,relationship,full_name,father_name,birth_date,tazkira_number,phone,email,"
                "pathway,received_on\n"
                "W-1,principal,Muhammad Hussaini,Ghulam,1361-05-12,1234-5678,+93 700 000 101,m.h@example.org,"
                "nz-bamyan-2012,2013-01-15\n"
                "W-1,spouse,فاطمه,علی احمد,1365,,,,,\n")
QUIET = {"stdout": io.StringIO(), "stderr": io.StringIO()}


def our_rows() -> dict[str, list[dict]]:
    """Every row of every table a backup covers, as stored (encrypted values stay tokens)."""
    rows = {}
    for model in apps.get_models():
        if model._meta.app_label == "contenttypes" or model._meta.label_lower == "auth.permission":
            continue
        rows[model._meta.label] = list(model._base_manager.order_by("pk").values())
    return rows


@pytest.fixture
def populated(tmp_path, user_factory):
    admin = user_factory("administrator", teams=["bamyan"])
    (tmp_path / "hr.csv").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "apps.csv").write_text(APPLICATIONS, encoding="utf-8")
    import_records(path=tmp_path / "hr.csv", source_name="nzdf-prt-bamyan", actor=admin)
    import_applications(path=tmp_path / "apps.csv", actor=admin)
    record_event(actor=admin, action="test.note", reason="ایجاد", details={"n": 1})
    return admin


@pytest.mark.django_db(transaction=True)
def test_backup_wipe_restore_brings_back_every_row_and_a_verifying_audit_log(tmp_path, populated, user_factory):
    before = our_rows()
    assert before["audit.AuditEvent"] and before["people.Person"] and before["auth.User"]
    target = tmp_path / "resettle.backup"
    call_command("backup", str(target), **QUIET)
    data = target.read_bytes()
    assert b"Hussaini" not in data and "حسینی".encode() not in data

    call_command("flush", interactive=False, verbosity=0)
    assert not Person.objects.exists() and not AuditEvent.objects.exists()
    call_command("restore", str(target), **QUIET)

    after = our_rows()
    # The restore appends its own audit entry; everything before it is as it was.
    restored_events = after["audit.AuditEvent"]
    assert restored_events[-1]["action"] == "backup.restored"
    after["audit.AuditEvent"] = restored_events[:-1]
    before_events = before["audit.AuditEvent"]
    assert [e["action"] for e in after["audit.AuditEvent"]] == [e["action"] for e in before_events] + ["backup.created"]
    after["audit.AuditEvent"] = after["audit.AuditEvent"][:-1]
    for table in ("audit.AuditHead",):
        after.pop(table), before.pop(table)
    assert after == before
    assert verify_log() is None
    assert AuditHead.objects.get().seq == AuditEvent.objects.count()
    app = Application.objects.get(external_id="W-1")
    assert app.principal.person.full_name == "Muhammad Hussaini"
    assert app.principal.person.documents.get().number == "1234-5678"
    assert EmploymentRecord.objects.get(source_record_id="N-2").father_name == "غلام سخی"
    # Ids were kept (the log names actors by id) and sequences moved past them: new rows still fit.
    assert AuditEvent.objects.filter(action="test.note").get().actor_id == populated.pk
    user_factory("analyst", teams=["kabul"])


@pytest.mark.django_db(transaction=True)
def test_restore_needs_an_empty_database_or_replace(tmp_path, populated):
    target = tmp_path / "b.bin"
    call_command("backup", str(target), **QUIET)
    extra = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="not empty.*--replace"):
        call_command("restore", str(target), **QUIET)
    assert AuditEvent.objects.count() == extra  # refused before touching anything
    record_event(actor=None, action="after.backup")  # to be wiped by --replace
    call_command("restore", str(target), "--replace", **QUIET)
    assert not AuditEvent.objects.filter(action="after.backup").exists()
    assert Application.objects.count() == 1 and verify_log() is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["magic", "header", "nonce", "middle", "tag"])
def test_a_single_corrupted_byte_is_refused_and_nothing_changes(tmp_path, populated, where):
    target = tmp_path / "b.bin"
    call_command("backup", str(target), **QUIET)
    data = bytearray(target.read_bytes())
    _, nonce_at = backup_format.read_header(bytes(data))
    offset = {"magic": 2, "header": 20, "nonce": nonce_at + 3, "middle": (nonce_at + len(data)) // 2,
              "tag": len(data) - 1}[where]
    data[offset] ^= 0x01
    target.write_bytes(bytes(data))
    rows = our_rows()
    with pytest.raises(CommandError, match="restore refused"):
        call_command("restore", str(target), "--replace", **QUIET)
    assert our_rows() == rows


@pytest.mark.django_db(transaction=True)
def test_a_wrong_backup_key_is_refused_by_name(tmp_path, populated, monkeypatch):
    target = tmp_path / "b.bin"
    call_command("backup", str(target), **QUIET)
    monkeypatch.setenv("RESETTLE_BACKUP_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    keys.reload()
    try:
        rows = our_rows()
        with pytest.raises(CommandError, match="another backup key"):
            call_command("restore", str(target), "--replace", **QUIET)
        assert our_rows() == rows
    finally:
        monkeypatch.undo()
        keys.reload()


@pytest.mark.django_db(transaction=True)
def test_a_backup_whose_audit_log_does_not_verify_here_is_refused(tmp_path, populated, monkeypatch):
    target = tmp_path / "b.bin"
    call_command("backup", str(target), **QUIET)
    rows = our_rows()
    # Same backup key, other audit key: the log would look tampered with from now on.
    monkeypatch.setenv("RESETTLE_AUDIT_KEY", base64.b64encode(secrets.token_bytes(32)).decode())
    keys.reload()
    try:
        with pytest.raises(CommandError, match="audit log does not verify"):
            call_command("restore", str(target), "--replace", **QUIET)
    finally:
        monkeypatch.undo()
        keys.reload()
    assert our_rows() == rows  # the wipe was rolled back with the load


def test_format_refuses_a_forged_header_even_with_matching_fingerprint():
    key = secrets.token_bytes(32)
    sealed = backup_format.seal(b'[{"x": 1}]', key)
    header, at = backup_format.read_header(sealed)
    assert backup_format.open_sealed(sealed, key)[1] == b'[{"x": 1}]'
    forged = sealed.replace(header.created_at.encode(), b"2001-01-01T00:00:00.000000+00:00")
    assert len(forged) == len(sealed)
    with pytest.raises(backup_format.BackupError, match="integrity"):
        backup_format.open_sealed(forged, key)
    with pytest.raises(backup_format.BackupError, match="not a resettle backup"):
        backup_format.open_sealed(b"PK\x03\x04" + sealed[4:], key)


@pytest.mark.django_db
def test_making_a_backup_decrypts_nothing(tmp_path, populated, monkeypatch):
    from resettle.security.backups import dump_json
    from resettle.security.crypto import KeyRing

    def refuse(*args, **kwargs):
        raise AssertionError("a backup opened an encrypted value")

    monkeypatch.setattr(KeyRing, "open", refuse)
    dumped = dump_json().decode()
    assert Person.objects.values_list("full_name", flat=True).first().token in dumped
    assert "Hussaini" not in dumped


@pytest.mark.django_db(transaction=True)
def test_a_backup_from_another_schema_is_a_clear_error_and_changes_nothing(tmp_path, populated):
    target = tmp_path / "other-version.bin"
    payload = b'[{"model": "people.person", "pk": "0b0e0c6e-0000-4000-8000-000000000001", "fields": {"shoe_size": 9}}]'
    target.write_bytes(backup_format.seal(payload, keys.backup_key()))
    rows = our_rows()
    with pytest.raises(CommandError, match="rolled back.*migrated"):
        call_command("restore", str(target), "--replace", **QUIET)
    assert our_rows() == rows
