"""The backup file format: compressed payload sealed with AES-256-GCM, header bound as associated data.

Layout::

    MAGIC (8 bytes) | header length (4 bytes, big-endian) | header (UTF-8 JSON) | nonce (12) | ciphertext+tag

The header is readable without the key (so an operator can see when a file was made and which
key it needs) but cannot be altered: it is the AEAD's associated data, so changing one byte of
it, or of the ciphertext, makes the whole file refuse to open. The key fingerprint is an HMAC
of a fixed label, which names the key without revealing anything about it. Pure: no Django.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import struct
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"RSTLBAK\x01"
VERSION = 1
_MAX_HEADER = 64 * 1024


class BackupError(Exception):
    """The file is not a backup we can open: damaged, altered, other format, or another key."""


@dataclass(frozen=True)
class BackupHeader:
    version: int
    key_fingerprint: str
    created_at: str
    compression: str
    payload: str  # what the plaintext is, e.g. "django-dumpdata-json"

    def to_bytes(self) -> bytes:
        return json.dumps(self.__dict__, sort_keys=True, separators=(",", ":")).encode("utf-8")


def key_fingerprint(key: bytes) -> str:
    return hmac.new(key, b"resettle backup key fingerprint", hashlib.sha256).hexdigest()[:16]


def seal(payload: bytes, key: bytes, *, payload_kind: str = "django-dumpdata-json",
         created_at: datetime | None = None) -> bytes:
    if len(key) != 32:
        raise BackupError("backup key must be 32 bytes")
    header = BackupHeader(
        version=VERSION,
        key_fingerprint=key_fingerprint(key),
        created_at=(created_at or datetime.now(timezone.utc)).isoformat(),
        compression="zlib",
        payload=payload_kind,
    ).to_bytes()
    prefix = MAGIC + struct.pack(">I", len(header)) + header
    nonce = os.urandom(12)
    return prefix + nonce + AESGCM(key).encrypt(nonce, zlib.compress(payload, 6), prefix)


def read_header(data: bytes) -> tuple[BackupHeader, int]:
    """The header and where the nonce starts; refuses anything that is not our format."""
    if len(data) < len(MAGIC) + 4 or data[: len(MAGIC)] != MAGIC:
        raise BackupError("not a resettle backup (wrong magic bytes)")
    (length,) = struct.unpack(">I", data[len(MAGIC): len(MAGIC) + 4])
    start = len(MAGIC) + 4
    if length > _MAX_HEADER or start + length + 12 + 16 > len(data):
        raise BackupError("backup header is damaged (impossible length)")
    try:
        fields = json.loads(data[start: start + length].decode("utf-8"))
        header = BackupHeader(**fields)
    except (ValueError, TypeError) as exc:
        raise BackupError(f"backup header is damaged: {exc}") from None
    if header.version != VERSION:
        raise BackupError(f"backup format version {header.version} is not supported (this is version {VERSION})")
    if header.compression != "zlib":
        raise BackupError(f"unknown compression {header.compression!r}")
    return header, start + length


def open_sealed(data: bytes, key: bytes) -> tuple[BackupHeader, bytes]:
    header, at = read_header(data)
    if header.key_fingerprint != key_fingerprint(key):
        raise BackupError(
            f"this backup was sealed with another backup key (fingerprint {header.key_fingerprint}, "
            f"yours is {key_fingerprint(key)}): set RESETTLE_BACKUP_KEY to the key it was made with")
    nonce, body = data[at: at + 12], data[at + 12:]
    try:
        compressed = AESGCM(key).decrypt(nonce, body, data[:at])
    except InvalidTag:
        raise BackupError("backup fails its integrity check: the file is damaged or was altered") from None
    try:
        return header, zlib.decompress(compressed)
    except zlib.error as exc:  # only reachable if it was sealed broken: the tag vouches for the bytes
        raise BackupError(f"backup payload does not decompress: {exc}") from None
