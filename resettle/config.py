"""Where resettle finds its data folder and its secrets.

Secrets never live in the repository: they come from the environment, or from a git-ignored
`resettle.env` file inside the data folder that `resettle init-secrets` (run by `make run`)
writes on first start with mode 0600. Values already in the environment win over the file.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent

SECRET_NAMES = (
    "RESETTLE_SECRET_KEY",  # Django's signing key (sessions, CSRF)
    "RESETTLE_DATA_KEYS",  # "kid:base64key[,kid:base64key...]": AES-256-GCM keys for fields
    "RESETTLE_ACTIVE_KEY_ID",  # which of those encrypts new values
    "RESETTLE_INDEX_KEY",  # HMAC key for blind indexes (search without plaintext)
    "RESETTLE_AUDIT_KEY",  # HMAC key chaining the audit log
    "RESETTLE_BACKUP_KEY",  # AES-256-GCM key for backups
)


def data_dir() -> Path:
    path = Path(os.environ.get("RESETTLE_DATA_DIR", REPO_DIR / "data"))
    return path


def env_file() -> Path:
    return data_dir() / "resettle.env"


def load_env_file(path: Path | None = None) -> None:
    path = path or env_file()
    if not path.exists():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, value = line.split("=", 1)
        os.environ.setdefault(name.strip(), value.strip())


def _key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def generate_secrets() -> dict[str, str]:
    kid = "k" + secrets.token_hex(3)
    return {
        "RESETTLE_SECRET_KEY": secrets.token_urlsafe(50),
        "RESETTLE_DATA_KEYS": f"{kid}:{_key()}",
        "RESETTLE_ACTIVE_KEY_ID": kid,
        "RESETTLE_INDEX_KEY": _key(),
        "RESETTLE_AUDIT_KEY": _key(),
        "RESETTLE_BACKUP_KEY": _key(),
    }


def write_env_file(path: Path | None = None) -> bool:
    """Create the secrets file if absent; return True when a new one was written."""
    path = path or env_file()
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    values = generate_secrets()
    body = "# resettle secrets: generated on first start. Never commit, never e-mail.\n"
    body += "".join(f"{k}={v}\n" for k, v in values.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(body)
    return True
