"""A long import must not make pages wait on the audit log (PostgreSQL: not at all).

Pages that show identities write an audit event, which locks the chain's head row. An import
used to take that lock with its first application and keep it until it committed, so on
PostgreSQL every such page queued behind the whole import.
"""

import os
import threading
import time

import pytest
from django.db import connection

from resettle.applications.imports import import_applications
from resettle.audit.models import AuditEvent
from resettle.audit.services import record_event, verify_log

pytestmark = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                reason="SQLite has one writer at a time; this is PostgreSQL's promise")


def test_a_page_writes_its_audit_event_while_an_import_is_half_way(tmp_path, transactional_db):
    rows = "".join(f"IMP-{n},principal,Person {n},nz-afghan-2021,2021-09-01\n" for n in range(40))
    path = tmp_path / "a.csv"
    path.write_text("application_id,relationship,full_name,pathway,received_on\n" + rows, encoding="utf-8")
    half_way, release = threading.Event(), threading.Event()
    seen = {"n": 0}

    def progress(n):
        seen["n"] += n
        if seen["n"] == 20:  # inside the import's transaction, its first 20 applications written
            half_way.set()
            release.wait(30)

    importer = threading.Thread(target=lambda: (import_applications(path=path, progress=progress),
                                                connection.close()))
    importer.start()
    assert half_way.wait(60)
    started = time.monotonic()
    done = threading.Event()

    def page():
        record_event(actor=None, action="person.identity_viewed", target=("people.person", "x"))
        done.set()
        connection.close()

    viewer = threading.Thread(target=page)
    viewer.start()
    finished = done.wait(5)
    waited = time.monotonic() - started
    release.set()
    importer.join(60)
    viewer.join(60)
    assert finished and waited < 2, f"the page waited {waited:.1f} s on the import"
    assert AuditEvent.objects.filter(action="applications.imported").exists()
    assert verify_log() is None
