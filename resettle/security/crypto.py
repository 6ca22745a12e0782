"""Field encryption and blind indexes, built only from the `cryptography` package.

Values are sealed with AES-256-GCM. The associated data binds each ciphertext to its table,
field and row, so a ciphertext copied into another row or column fails to open instead of
silently showing the wrong person's name. Every token names the key that sealed it, which lets
`resettle rotate-keys` re-seal old values while the system keeps reading both.

Token format (ASCII, stored in a text column): ``rs1.<key id>.<base64url(nonce || ciphertext)>``.

Blind indexes are HMAC-SHA256 of a normalised form under a separate key: equality search and
blocking without plaintext in the database. They are truncated to 128 bits, plenty for
equality and shorter to index.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TOKEN_PREFIX = "rs1"


class KeyError_(Exception):
    """A key is missing or malformed: configuration, not data, is wrong."""


class DecryptionError(Exception):
    """A token could not be opened: wrong key, wrong row or field, or tampered bytes."""


def _b64decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise KeyError_(f"{name} is not valid base64") from exc
    if len(raw) != 32:
        raise KeyError_(f"{name} must be 32 bytes (base64 of 256 bits), got {len(raw)}")
    return raw


@dataclass(frozen=True)
class KeyRing:
    keys: dict[str, bytes]
    active_id: str

    @classmethod
    def parse(cls, spec: str, active_id: str | None) -> "KeyRing":
        """Parse ``kid:base64[,kid:base64...]``; the active id defaults to the last listed."""
        keys: dict[str, bytes] = {}
        for part in (p for p in spec.split(",") if p.strip()):
            if ":" not in part:
                raise KeyError_("RESETTLE_DATA_KEYS entries look like kid:base64key")
            kid, value = part.split(":", 1)
            kid = kid.strip()
            if not kid.isalnum():
                raise KeyError_(f"key id {kid!r} must be letters and digits only")
            keys[kid] = _b64decode_key(value, f"data key {kid}")
        if not keys:
            raise KeyError_("RESETTLE_DATA_KEYS is empty: run `resettle init-secrets` or set it")
        active = active_id or list(keys)[-1]
        if active not in keys:
            raise KeyError_(f"RESETTLE_ACTIVE_KEY_ID {active!r} is not among the data keys")
        return cls(keys=keys, active_id=active)

    def seal(self, plaintext: str, aad: bytes, key_id: str | None = None) -> str:
        kid = key_id or self.active_id
        nonce = os.urandom(12)
        ct = AESGCM(self.keys[kid]).encrypt(nonce, plaintext.encode("utf-8"), aad)
        return f"{TOKEN_PREFIX}.{kid}.{base64.urlsafe_b64encode(nonce + ct).decode('ascii')}"

    def open(self, token: str, aad: bytes) -> str:
        kid = token_key_id(token)
        key = self.keys.get(kid)
        if key is None:
            raise DecryptionError(f"value sealed with unknown key id {kid!r}")
        blob = base64.urlsafe_b64decode(token.split(".", 2)[2])
        try:
            return AESGCM(key).decrypt(blob[:12], blob[12:], aad).decode("utf-8")
        except InvalidTag as exc:
            raise DecryptionError("value does not open: tampered, moved to another row, or wrong key") from exc


def token_key_id(token: str) -> str:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise DecryptionError("not a resettle ciphertext token")
    return parts[1]


def is_token(value: object) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX + ".") and value.count(".") >= 2


def blind_index(key: bytes, purpose: str, normalised: str) -> str:
    """Keyed, deterministic digest of a normalised value; the purpose separates domains so a
    name key and a document number never collide or correlate."""
    mac = hmac.new(key, purpose.encode("utf-8") + b"\x00" + normalised.encode("utf-8"), hashlib.sha256)
    return mac.hexdigest()[:32]


def aad_for(table: str, field: str, row_id: object) -> bytes:
    return f"{table}|{field}|{row_id}".encode("utf-8")
