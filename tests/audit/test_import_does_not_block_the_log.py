"""A long import must not make pages fail, nor wait on it for long: on SQLite (one writer at a
time) pages may wait briefly, never error; on PostgreSQL they do not wait at all.

Pages that show identities write an audit event. An import used to write every application in
one transaction: on PostgreSQL it held the chain's head row to the end, and on SQLite it held
the database's only write lock, so such pages waited out the 20 s busy timeout and failed with
"database is locked". It now writes in short transactions, chaining its events at the end of
each, and pauses between them on SQLite so a waiting page gets the lock.
"""

import threading
import time

import pytest
from django.db import connection

from resettle.applications import imports
from resettle.applications.imports import import_applications
from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log

from importkit import pages_during, view_page

HEADER = "application_id,relationship,full_name,pathway,received_on\n"


def applications_file(tmp_path, n: int):
    rows = "".join(f"IMP-{i},principal,Person {i},nz-afghan-2021,2021-09-01\n" for i in range(n))
    path = tmp_path / "a.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_a_page_writes_its_audit_event_while_an_import_is_half_way(tmp_path, transactional_db, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_APPLICATIONS", 10, raising=False)
    path = applications_file(tmp_path, 40)
    half_way, release = threading.Event(), threading.Event()
    seen = {"n": 0}

    def progress(n):
        seen["n"] += n
        if seen["n"] >= 20 and not half_way.is_set():  # 20 of its 40 applications written
            half_way.set()
            release.wait(30)

    failures = []

    def run_import():
        try:
            import_applications(path=path, progress=progress)
        except Exception as exc:  # noqa: BLE001  (reported by the assertion below)
            failures.append(exc)
        finally:
            connection.close()

    importer = threading.Thread(target=run_import)
    importer.start()
    assert half_way.wait(60)
    started = time.monotonic()
    done = threading.Event()

    def page():
        try:
            view_page()
            done.set()
        except Exception as exc:  # noqa: BLE001
            failures.append(exc)
        finally:
            connection.close()

    viewer = threading.Thread(target=page)
    viewer.start()
    finished = done.wait(5)
    waited = time.monotonic() - started
    release.set()
    importer.join(60)
    viewer.join(60)
    assert finished and waited < 2, f"the page waited {waited:.1f} s on the import"
    assert not failures, failures
    assert AuditEvent.objects.filter(action="applications.imported").exists()
    assert verify_log() is None


def test_pages_keep_writing_all_through_an_import(tmp_path, transactional_db, monkeypatch):
    """No hook in the import: a page writes an audit event every 50 ms while 400 applications are
    imported (several seconds of writing). Every write succeeds and none waits long; on SQLite a
    writer that took the lock again the moment it let it go would starve them."""
    from resettle.verification import tasks

    monkeypatch.setattr(imports, "CHUNK_SECONDS", 0.3, raising=False)
    # The matching queued after the import is the worker's, not the import's; tests run tasks at
    # once, in the importer's thread, so it is set aside here.
    queued = []
    monkeypatch.setattr(tasks, "enqueue_matching", queued.append)
    path = applications_file(tmp_path, 400)
    waits, failures = pages_during(lambda: import_applications(path=path))
    assert not failures, failures
    assert len(waits) >= 10, f"only {len(waits)} page views during the import"
    assert max(waits) < 2, f"a page waited {max(waits):.1f} s on the import"
    assert AuditEvent.objects.filter(action="person.identity_viewed").count() == len(waits)
    assert len(queued) == 1 and len(queued[0]) == 400  # matching queued once, for every case, at the end
    assert verify_log() is None
