"""Build the in-memory record index when a web process starts, not when a verifier first waits.

Decrypting 200,000 records into the index takes a quarter of a minute; done in a background
thread at start-up, the first case opened after a restart shows its candidates as fast as any.
"""

from __future__ import annotations

import logging
import os
import threading

log = logging.getLogger(__name__)


def _warm() -> None:
    from django.db import connection

    from resettle.verification.services import record_index

    try:
        record_index()
    except Exception:  # an unmigrated or unreachable database: the first case builds it instead
        log.warning("record index warm-up skipped", exc_info=True)
    finally:
        connection.close()


def start_background_warmup() -> threading.Thread | None:
    if os.environ.get("RESETTLE_WARM_INDEX", "1") != "1":
        return None
    thread = threading.Thread(target=_warm, name="record-index-warmup", daemon=True)
    thread.start()
    return thread
