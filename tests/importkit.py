"""What the tests of long imports share: a page that keeps writing audit events while an import
runs in another thread, so a test can assert that no write failed and none waited long (on
SQLite one import transaction used to hold the only write lock for over 20 s)."""

import threading
import time
from collections.abc import Callable

from django.db import connection

from resettle.audit.services import record_event


def view_page() -> None:
    """What a page showing an identity writes."""
    record_event(actor=None, action="person.identity_viewed", target=("people.person", "x"))


def pages_during(run_import: Callable[[], object], *, start: threading.Event | None = None,
                 every: float = 0.05, timeout: float = 600) -> tuple[list[float], list[Exception]]:
    """Run the import in one thread while a page in another writes an audit event every `every`
    seconds (from when `start` is set, if given) until the import ends. Returns how long each of
    the page's writes took, and every exception raised by the import or the page."""
    finished = threading.Event()
    waits: list[float] = []
    failures: list[Exception] = []

    def importer():
        try:
            run_import()
        except Exception as exc:  # noqa: BLE001  (returned to the test, which asserts on it)
            failures.append(exc)
        finally:
            if start is not None:
                start.set()
            finished.set()
            connection.close()

    def page():
        if start is not None:
            start.wait(timeout)
        try:
            while not finished.is_set():
                began = time.monotonic()
                try:
                    view_page()
                except Exception as exc:  # noqa: BLE001  ("database is locked" on SQLite, before)
                    failures.append(exc)
                waits.append(time.monotonic() - began)
                time.sleep(every)
        finally:
            connection.close()

    threads = [threading.Thread(target=importer), threading.Thread(target=page)]
    for thread in threads:
        thread.start()
    threads[0].join(timeout)
    threads[1].join(60)
    return waits, failures
