"""The keys this process holds, read from the environment (never from the database)."""

from __future__ import annotations

import functools
import os

from resettle.security.crypto import KeyError_, KeyRing, _b64decode_key


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise KeyError_(f"{name} is not set: run `resettle init-secrets` (make run does) or set it in the environment")
    return value


@functools.cache
def keyring() -> KeyRing:
    return KeyRing.parse(_require("RESETTLE_DATA_KEYS"), os.environ.get("RESETTLE_ACTIVE_KEY_ID"))


@functools.cache
def index_key() -> bytes:
    return _b64decode_key(_require("RESETTLE_INDEX_KEY"), "RESETTLE_INDEX_KEY")


@functools.cache
def audit_key() -> bytes:
    return _b64decode_key(_require("RESETTLE_AUDIT_KEY"), "RESETTLE_AUDIT_KEY")


@functools.cache
def backup_key() -> bytes:
    return _b64decode_key(_require("RESETTLE_BACKUP_KEY"), "RESETTLE_BACKUP_KEY")


def reload() -> None:
    """Forget cached keys, e.g. after the environment changed during key rotation or in tests."""
    for fn in (keyring, index_key, audit_key, backup_key):
        fn.cache_clear()
