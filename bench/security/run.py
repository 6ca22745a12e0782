"""Security operations at scale: backup, restore and key rotation on the demo world.

Run: `.venv/bin/python -m bench.security.run [--scale 10]` — writes docs/benchmarks/security.md.
Uses a fresh data folder and SQLite file of its own: init-secrets, migrate, demo-data --scale,
then times each command as an operator would run it (a child process per command).
"""

from __future__ import annotations

import argparse
import base64
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import describe

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "benchmarks" / "security.md"


def resettle(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "resettle", *args], cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"resettle {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def secrets_env(data_dir: Path) -> dict:
    values = dict(line.split("=", 1) for line in (data_dir / "resettle.env").read_text().splitlines()
                  if "=" in line and not line.startswith("#"))
    return values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=10)
    args = parser.parse_args()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-security-") as tmp:
        data = Path(tmp)
        env = {k: v for k, v in os.environ.items() if not k.startswith("RESETTLE_") and k != "DATABASE_URL"}
        env["RESETTLE_DATA_DIR"] = str(data)
        resettle(["init-secrets"], env)
        env.update(secrets_env(data))
        resettle(["migrate", "-v0"], env)
        resettle(["demo-data", "--scale", str(args.scale), "--no-users"], env)
        db = data / "resettle.sqlite3"
        with sqlite3.connect(db) as conn:
            people = conn.execute("SELECT count(*) FROM people_person").fetchone()[0]
            records = conn.execute("SELECT count(*) FROM records_employmentrecord").fetchone()[0]
            events = conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
        backup_file = data / "bench.backup"
        t_backup = resettle(["backup", str(backup_file)], env)
        size_mb = backup_file.stat().st_size / 2**20
        db_mb = db.stat().st_size / 2**20
        t_restore = resettle(["restore", str(backup_file), "--replace"], env)
        new_key = base64.b64encode(os.urandom(32)).decode()
        env["RESETTLE_DATA_KEYS"] = env["RESETTLE_DATA_KEYS"] + f",kbench:{new_key}"
        env["RESETTLE_ACTIVE_KEY_ID"] = "kbench"
        t_dry = resettle(["rotate-keys", "--dry-run"], env)
        t_rotate = resettle(["rotate-keys"], env)
        t_again = resettle(["rotate-keys"], env)
        env["RESETTLE_DATA_KEYS"] = f"kbench:{new_key}"
        t_verify = resettle(["audit", "verify"], env)
    lines = [
        "## Security operations (issue 3)",
        "",
        f"Machine: {describe()}. Command: `.venv/bin/python -m bench.security.run --scale {args.scale:g}`.",
        f"Demo world at scale {args.scale:g}: {people:,} people, {records:,} employment records, {events:,} audit "
        f"entries; SQLite file {db_mb:.1f} MiB. Each figure is one run of the command in a child process "
        "(about 1 s of it is Django start-up). Load average at start (1, 5, 15 min): "
        f"{load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}; other jobs may share the cores.",
        "",
        "| operation | seconds |",
        "|---|---:|",
        f"| `resettle backup` (file {size_mb:.1f} MiB) | {t_backup:.1f} |",
        f"| `resettle restore --replace` (wipe, load, check keys and audit chain) | {t_restore:.1f} |",
        f"| `resettle rotate-keys --dry-run` | {t_dry:.1f} |",
        f"| `resettle rotate-keys` (every value re-sealed, 500 rows per transaction) | {t_rotate:.1f} |",
        f"| `resettle rotate-keys` again (nothing left to do) | {t_again:.1f} |",
        f"| `resettle audit verify` after all of it, old key removed | {t_verify:.1f} |",
        "",
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
