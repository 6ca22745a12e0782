"""Identity pages and API answers are never cached; the SQLite files are private to their owner."""

import os
import stat
import subprocess
import sys

import pytest
from django.urls import reverse

from resettle.accounts import roles
from web.staffkit import PRINCIPAL_A, cases, fast_passwords, staff  # noqa: F401  (fixtures)


def test_identity_pages_and_api_answers_say_no_store(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    page = client.get(reverse("applications:detail", args=[cases["a"].pk]))
    assert page.status_code == 200 and PRINCIPAL_A in page.content.decode()
    api = client.get(f"/api/applications/{cases['a'].pk}/")
    listing = client.get("/api/applications/")
    for response in (page, api, listing):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], response.request["PATH_INFO"]


def test_sign_in_page_is_not_cached_either(client):
    assert "no-store" in client.get(reverse("accounts:login"))["Cache-Control"]


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="SQLite files")
def test_sqlite_database_wal_and_shm_are_created_owner_only(tmp_path):
    env = {**os.environ, "RESETTLE_DATA_DIR": str(tmp_path), "RESETTLE_TESTING": "0"}
    env.pop("DATABASE_URL", None)
    # A umask that would leave them world-readable, as most machines have.
    code = ("import os, sys; os.umask(0o022); sys.argv = ['resettle', 'migrate', '-v', '0'];"
            "from resettle.cli import main; main()")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path, timeout=300)
    db = tmp_path / "resettle.sqlite3"
    # Open a connection in WAL mode the way the server does, so the -wal and -shm files exist.
    import sqlite3

    previous = os.umask(0o022)
    try:
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE IF NOT EXISTS probe(x)")
        con.execute("INSERT INTO probe VALUES (1)")
        con.commit()
    finally:
        os.umask(previous)
    files = [db, tmp_path / "resettle.sqlite3-wal", tmp_path / "resettle.sqlite3-shm"]
    for path in files:
        assert path.exists(), path
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}"
    con.close()
