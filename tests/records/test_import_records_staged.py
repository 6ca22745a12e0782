"""A records import of 200,000 rows held SQLite's one write lock for over 20 s, so pages failed
with "database is locked". It now writes its new records in short transactions, unseen until a
last one completes the batch, and stays all or nothing: a failure removes what it wrote."""

import threading

import pytest

from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log
from resettle.records import services
from resettle.records.models import EmploymentRecord, ImportBatch
from resettle.records.services import import_records
from resettle.tabular import TableError

from importkit import pages_during

HEADER = "record_id,full_name,father_name,birth_year,role,unit\n"


def records_file(tmp_path, n: int, name: str = "hr.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(f"N-{i},Name {i},Father {i},1360,driver,PRT Bamyan\n" for i in range(n)),
                    encoding="utf-8")
    return path


def dead_writer() -> str:
    """This machine and the id of a process that has ended: an import killed with SIGKILL."""
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def fail_on_chunk(monkeypatch, nth: int):
    manager, calls = EmploymentRecord.all_objects, {"n": 0}
    real = manager.bulk_create

    def bulk_create(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise OSError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", bulk_create)
    return real


def test_a_failure_half_way_leaves_no_record_and_a_rerun_imports_each_once(tmp_path, transactional_db, monkeypatch):
    monkeypatch.setattr(services, "BULK", 10)
    monkeypatch.setattr(services, "CHUNK_SECONDS", 0)  # one INSERT per transaction
    path = records_file(tmp_path, 45)
    real = fail_on_chunk(monkeypatch, 3)  # two chunks committed
    with pytest.raises(OSError, match="disk full"):
        import_records(path=path, source_name="nzdf-prt-bamyan")
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.FAILED
    assert EmploymentRecord.all_objects.count() == 0
    assert AuditEvent.objects.get(action="records.import_failed").details == {"removed": 20, "why": "OSError"}
    assert not AuditEvent.objects.filter(action="records.imported").exists()
    assert verify_log() is None

    monkeypatch.setattr(EmploymentRecord.all_objects, "bulk_create", real)
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert (result.created, result.unchanged) == (45, 0)
    assert sorted(EmploymentRecord.objects.values_list("source_record_id", flat=True)) == sorted(
        f"N-{i}" for i in range(45))
    assert ImportBatch.objects.get(pk=result.batch_id).state == ImportBatch.COMPLETE
    assert import_records(path=path, source_name="nzdf-prt-bamyan").already_imported
    assert verify_log() is None


def test_a_run_cut_short_is_unseen_then_removed_by_the_next(tmp_path, transactional_db, monkeypatch):
    monkeypatch.setattr(services, "BULK", 10)
    monkeypatch.setattr(services, "CHUNK_SECONDS", 0)  # one INSERT per transaction
    path = records_file(tmp_path, 30)
    real = fail_on_chunk(monkeypatch, 2)
    monkeypatch.setattr(services, "_fail_records", lambda batch, actor, error: None)  # the process dies
    with pytest.raises(OSError):
        import_records(path=path, source_name="nzdf-prt-bamyan")
    cut = ImportBatch.objects.get()
    assert cut.state == ImportBatch.PENDING and EmploymentRecord.all_objects.filter(batch=cut).count() == 10
    assert EmploymentRecord.objects.count() == 0 and cut.source.records.count() == 0  # read by no one
    monkeypatch.setattr(EmploymentRecord.all_objects, "bulk_create", real)

    with pytest.raises(TableError, match="this file is being imported now"):
        import_records(path=path, source_name="nzdf-prt-bamyan")
    ImportBatch.objects.filter(pk=cut.pk).update(writer=dead_writer())  # the process was killed
    result = import_records(path=path, source_name="nzdf-prt-bamyan")
    assert result.created == 30 and EmploymentRecord.all_objects.count() == EmploymentRecord.objects.count() == 30
    cut.refresh_from_db()
    assert cut.state == ImportBatch.FAILED and not EmploymentRecord.all_objects.filter(batch=cut).exists()
    assert verify_log() is None


def test_pages_keep_writing_all_through_a_records_import(tmp_path, transactional_db, monkeypatch):
    """15,000 rows: one transaction of inserts held the lock for seconds (over 20 s at 200,000)."""
    from resettle.verification import tasks

    monkeypatch.setattr(tasks, "enqueue_records_refresh", lambda: None, raising=False)  # the worker's job, not the import's
    path = records_file(tmp_path, 15000)
    writing = threading.Event()
    manager = getattr(EmploymentRecord, "all_objects", EmploymentRecord.objects)  # the import's
    real_bulk = manager.bulk_create

    def bulk_create(objs, *args, **kwargs):  # the probe starts with the first insert (sealing is done)
        writing.set()
        return real_bulk(objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", bulk_create)
    waits, failures = pages_during(lambda: import_records(path=path, source_name="nzdf-prt-bamyan"), start=writing)
    assert not failures, failures
    assert EmploymentRecord.objects.count() == 15000
    assert len(waits) >= 5, f"only {len(waits)} page views during the import"
    assert max(waits) < 2, f"a page waited {max(waits):.1f} s on the import"
    assert verify_log() is None
