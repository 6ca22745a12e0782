"""Documents on a case: checked on the way in, sealed at rest in the data folder.

The type is sniffed from the file's first bytes, never taken from its name or the browser's
claim; the size is limited before anything is stored. Files are sealed with the same AES-GCM
keyring as every identifying field (bound to the document's id), written under the data folder,
outside anything the web server serves. A virus scanner plugs in through `Scanner`.
"""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

from resettle.core import keys
from resettle.security.crypto import aad_for

MAX_BYTES = 10 * 1024 * 1024
# What a tazkira scan, an HR letter or a phone photo comes as.
SIGNATURES = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png")]


class DocumentRefused(ValueError):
    pass


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    size: int
    sha256: str
    data: bytes


@dataclass
class InMemory:
    """A file made by the system (a letter), shaped like an upload."""

    name: str
    data: bytes
    content_type: str = "application/pdf"

    @property
    def size(self) -> int:
        return len(self.data)

    def chunks(self):
        yield self.data


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def check_and_read(upload) -> Checked:
    name = Path(getattr(upload, "name", "") or "document").name[:200]
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise DocumentRefused(f"{name}: {size:,} bytes; the limit is {MAX_BYTES // (1024 * 1024)} MB")
    data = b"".join(upload.chunks())
    if len(data) > MAX_BYTES:
        raise DocumentRefused(f"{name}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    if not data:
        raise DocumentRefused(f"{name}: the file is empty")
    kind = sniff(data[:16])
    if kind is None:
        raise DocumentRefused(f"{name}: only PDF, JPEG or PNG files are accepted")
    return Checked(name=name, content_type=kind, size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)


def folder() -> Path:
    path = Path(getattr(settings, "DOCUMENTS_DIR", None) or settings.DATA_DIR / "documents")
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _aad(doc) -> bytes:
    return aad_for("casework_document", "content", doc.pk)


def write(doc, data: bytes) -> None:
    token = keys.keyring().seal(base64.b64encode(data).decode("ascii"), _aad(doc))
    path = folder() / f"{doc.pk}.sealed"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(token)


def read(doc) -> bytes:
    token = (folder() / f"{doc.pk}.sealed").read_text(encoding="ascii")
    data = base64.b64decode(keys.keyring().open(token, _aad(doc)))
    if hashlib.sha256(data).hexdigest() != doc.sha256:
        raise DocumentRefused("the stored file does not match its checksum")
    return data


class Scanner:
    """The virus-scan hook: return "clean", "infected" or "not_scanned". Set
    RESETTLE_DOCUMENT_SCANNER to a dotted path of a subclass (e.g. one calling clamd)."""

    def scan(self, data: bytes) -> str:
        return "not_scanned"


def scanner() -> Scanner:
    path = getattr(settings, "RESETTLE_DOCUMENT_SCANNER", "") or os.environ.get("RESETTLE_DOCUMENT_SCANNER", "")
    return import_string(path)() if path else Scanner()
