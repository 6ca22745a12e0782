"""An import killed with SIGKILL half-way changes nothing anyone can read; a re-run removes what
it wrote and completes.

The import writes in short transactions (so pages get SQLite's one write lock between them): the
killed run leaves a pending batch whose rows no reader sees (resettle.records.models.SettledRecords),
and the next run, seeing the batch's process gone, removes them before writing its own.

Runs the real command in a child process against its own SQLite file, watching its progress bar
through a pseudo-terminal (tqdm draws only on a terminal) and killing it once rows are being written.
"""

import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from resettle import config

ROWS = 10_000


def write_hr_file(path: Path) -> None:
    lines = ["record_id,full_name,father_name,birth_year,role,unit,location"]
    lines += [f"K-{i},Name{i} Khan,Father{i},{1350 + i % 20},driver,PRT Bamyan,Bamiyan" for i in range(ROWS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(args, env, **kw):
    return subprocess.run([sys.executable, "-m", "resettle", *args], env=env, cwd=config.REPO_DIR,
                          capture_output=True, text=True, timeout=120, **kw)


def snapshot(db: Path) -> list:
    """Every record a reader can see (those of complete batches), whole."""
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT r.* FROM records_employmentrecord r JOIN records_importbatch b "
                            "ON b.id = r.batch_id WHERE b.state = 'complete' ORDER BY r.id").fetchall()


def batch_states(db: Path) -> list:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT file_name, state FROM records_importbatch ORDER BY id").fetchall()


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def start_and_kill_when_writing(args, env) -> tuple[int, str]:
    master, slave = pty.openpty()
    # A pseudo-terminal starts 0 columns wide, and tqdm draws nothing in no columns.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "resettle", *args], env=env, cwd=config.REPO_DIR,
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
                done = [int(n) for n in re.findall(rb"records: (\d+)", seen)]
                if done and max(done) > 0:  # rows are going in: inside the import's transaction
                    proc.send_signal(signal.SIGKILL)
                    break
    finally:
        proc.wait(timeout=30)
        os.close(master)
    return proc.returncode, seen.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal and SIGKILL")
def test_sigkill_mid_import_changes_nothing_and_a_rerun_completes(tmp_path):
    db = tmp_path / "kill.sqlite3"
    env = {**os.environ, "RESETTLE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{db}",
           "RESETTLE_TESTING": "0"}
    env.pop("PYTEST_CURRENT_TEST", None)
    migrated = run(["migrate", "-v0"], env)
    assert migrated.returncode == 0, migrated.stderr
    hr = tmp_path / "hr.csv"
    write_hr_file(hr)
    # Something already in the database, so "exactly as before" means more than "still empty".
    small = tmp_path / "small.csv"
    small.write_text("record_id,full_name\nS-1,Earlier Person\n", encoding="utf-8")
    assert run(["import-records", str(small), "--source", "earlier-source"], env).returncode == 0
    before = snapshot(db)

    code, bar = start_and_kill_when_writing(["import-records", str(hr), "--source", "nzdf-prt-bamyan"], env)
    assert code == -signal.SIGKILL, f"the import was not killed mid-way (exit {code}); progress seen: {bar[-300:]}"

    assert snapshot(db) == before
    assert batch_states(db) == [("small.csv", "complete"), ("hr.csv", "pending")]

    rerun = run(["import-records", str(hr), "--source", "nzdf-prt-bamyan"], env)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{ROWS} rows; {ROWS} created" in rerun.stdout
    assert count(db, "records_employmentrecord") == ROWS + 1  # the killed run's rows are gone
    assert batch_states(db) == [("small.csv", "complete"), ("hr.csv", "failed"), ("hr.csv", "complete")]
    assert run(["audit", "verify"], env).returncode == 0
