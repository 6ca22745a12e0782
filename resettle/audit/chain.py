"""The audit chain's arithmetic, free of Django so it can be checked anywhere.

Each entry's hash is an HMAC over its own fields and the previous entry's hash. Editing an entry
breaks its hash; deleting or reordering entries breaks the sequence or the link. The HMAC key
lives outside the database, so an insider with write access to the tables cannot recompute a
consistent chain after tampering.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


def entry_hash(key: bytes, *, seq: int, at: str, actor_id, actor_username: str, action: str,
               target_type: str, target_id: str, reason: str, details: dict, prev_hash: str) -> str:
    body = json.dumps(
        [seq, at, actor_id, actor_username, action, target_type, target_id, reason, details, prev_hash],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    message: str


def verify(key: bytes, entries: Iterable[dict], head: tuple[int, str] | None = None) -> Problem | None:
    """Return the first broken entry, or None when the whole chain holds."""
    expected_seq, prev = 1, GENESIS
    for e in entries:
        if e["seq"] != expected_seq:
            what = "missing (deleted?)" if e["seq"] > expected_seq else "out of order"
            return Problem(expected_seq, f"entry {expected_seq} is {what}: found entry {e['seq']} in its place")
        if e["prev_hash"] != prev:
            return Problem(e["seq"], f"entry {e['seq']} does not link to entry {e['seq'] - 1} (reordered or replaced)")
        fields = {k: e[k] for k in ("seq", "at", "actor_id", "actor_username", "action", "target_type",
                                    "target_id", "reason", "details", "prev_hash")}
        if not hmac.compare_digest(entry_hash(key, **fields), e["hash"]):
            return Problem(e["seq"], f"entry {e['seq']} was edited: its contents no longer match its hash")
        prev, expected_seq = e["hash"], expected_seq + 1
    if head is not None:
        head_seq, head_hash = head
        if head_seq != expected_seq - 1 or (head_seq and head_hash != prev):
            return Problem(expected_seq, f"log ends at entry {expected_seq - 1} but its head says {head_seq}: entries removed from the end")
    return None
