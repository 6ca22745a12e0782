import base64
import os
import secrets

import pytest

from resettle.core import keys


@pytest.fixture
def rekey(monkeypatch):
    """Change the process's data keys the way an operator changes the environment; restored after."""

    def set_keys(spec: str, active: str) -> None:
        monkeypatch.setenv("RESETTLE_DATA_KEYS", spec)
        monkeypatch.setenv("RESETTLE_ACTIVE_KEY_ID", active)
        keys.reload()

    set_keys.new_key = lambda: base64.b64encode(secrets.token_bytes(32)).decode()
    set_keys.current = lambda: (os.environ["RESETTLE_DATA_KEYS"], os.environ["RESETTLE_ACTIVE_KEY_ID"])
    yield set_keys
    monkeypatch.undo()
    keys.reload()
