"""Signed checkpoints of the audit chain's head, kept outside the database.

The hash chain proves entries were not edited, removed from the middle or reordered; its head
row (`audit_audithead`) shows where it ended. Someone who can write to the database can still
delete the last entries and set the head back to match: the chain alone then looks intact. So
each time the chain grows, its new head (sequence number and hash) is appended to a file, one
line per entry, signed with a key derived from the audit key. `resettle audit verify` checks
the chain against the latest checkpoint: a chain shorter than it, or different at that entry,
was cut short.

This holds against a database writer who cannot write that file (it belongs on other storage,
append-only: `chattr +a`, a log shipper, WORM storage) and has no audit key. It does not hold
against someone who can truncate the file as well as rewrite the database, or who holds the
audit key; nor does it record an entry whose transaction committed in the instant before the
process died (the checkpoint is written just after the commit).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from resettle.core import keys

log = logging.getLogger(__name__)
TAIL_BYTES = 256 * 1024  # the latest checkpoints are at the end; concurrent commits may interleave a few


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    kind: str = "head"  # "restore": the head after a backup was restored; earlier lines no longer apply


def checkpoint_file() -> Path | None:
    name = getattr(settings, "AUDIT_CHECKPOINT_FILE", None)
    return Path(name) if name else None


def _key() -> bytes:
    return hmac.new(keys.audit_key(), b"resettle audit checkpoint", hashlib.sha256).digest()


def _mac(seq: int, digest: str, at: str, kind: str) -> str:
    return hmac.new(_key(), f"{kind}|{seq}|{digest}|{at}".encode(), hashlib.sha256).hexdigest()


def append(seq: int, digest: str, *, kind: str = "head") -> None:
    """Append one signed checkpoint. Never raises: a page must not fail because the file cannot
    be written, but the failure is logged loudly (and `audit verify` will say the file lags)."""
    path = checkpoint_file()
    if path is None:
        return
    at = timezone.now().isoformat()
    line = json.dumps({"seq": seq, "hash": digest, "at": at, "kind": kind, "mac": _mac(seq, digest, at, kind)},
                      separators=(",", ":")) + "\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())  # one write() of one short line: appends stay whole
        finally:
            os.close(fd)
    except OSError:
        log.exception("audit checkpoint could not be written to %s", path)


class CheckpointError(Exception):
    """The checkpoint file itself has been altered."""


def latest() -> Checkpoint | None:
    """The checkpoint the chain must reach: the highest since the last restore, from the
    file's tail. Every line read must carry a valid signature."""
    path = checkpoint_file()
    if path is None or not path.exists():
        return None
    size = path.stat().st_size
    with path.open("rb") as fh:
        fh.seek(max(0, size - TAIL_BYTES))
        data = fh.read()
    lines = data.split(b"\n")
    if size > TAIL_BYTES:
        lines = lines[1:]  # the first may be cut in the middle
    best: Checkpoint | None = None
    for raw in lines:
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            cp = Checkpoint(int(item["seq"]), str(item["hash"]), str(item["at"]), str(item.get("kind", "head")))
            good = hmac.compare_digest(_mac(cp.seq, cp.hash, cp.at, cp.kind), str(item["mac"]))
        except (ValueError, KeyError, TypeError):
            good = False
        if not good:
            raise CheckpointError(f"{path} holds a line that is not a checkpoint signed with this installation's "
                                  "audit key: the file has been edited")
        if cp.kind == "restore" or best is None or cp.seq > best.seq:
            best = cp
    return best
