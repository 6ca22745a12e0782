"""How long pages wait for SQLite's one write lock while an import runs (issue 11).

Run: `.venv/bin/python -m bench.import_lock.run [--records 50000] [--applications 1000]` — writes
docs/benchmarks/import-lock.md. For each import (HR records; applications of three people each),
on a fresh SQLite database, a separate process (as a web worker is) writes an audit event every
100 ms while the import runs, and every write's wait is recorded. Peer baseline in the same run:
the same import in one transaction (what imports did before), by setting the chunk bounds out
of reach and the pause between chunks to zero. Pages fail after the 20 s busy timeout.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "benchmarks" / "import-lock.md"
NAMES = ["Muhammad", "Ahmad", "Ali", "Hussain", "Abdul", "Rahim", "Karim", "Zahir", "Nasir", "Jawad"]


def write_file(kind: str, n: int, path: Path) -> None:
    rnd = random.Random(11)
    with path.open("w", encoding="utf-8") as fh:
        if kind == "records":
            fh.write("record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date\n")
            for i in range(n):
                fh.write(f"R{i},{rnd.choice(NAMES)} {rnd.choice(NAMES)}i {i},{rnd.choice(NAMES)},"
                         f"{rnd.randint(1950, 1995)},interpreter,PRT Bamyan,Bamyan,2010-01-01,2012-01-01\n")
        else:
            fh.write("application_id,relationship,full_name,father_name,pathway,received_on\n")
            for i in range(n):
                fh.write(f"A{i},principal,{rnd.choice(NAMES)} {i},{rnd.choice(NAMES)},nz-afghan-2021,2021-09-01\n"
                         f"A{i},spouse,{rnd.choice(NAMES)}a {i},{rnd.choice(NAMES)},,\n"
                         f"A{i},child,{rnd.choice(NAMES)} {i}i,{rnd.choice(NAMES)},,\n")


def _probe(stop, out) -> None:
    import django

    django.setup()
    from resettle.audit.services import record_event

    waits = []
    while not stop.is_set():
        started, error = time.monotonic(), None
        try:
            record_event(actor=None, action="bench.page_view", target=("bench", "page"))
        except Exception as exc:  # noqa: BLE001  ("database is locked" is what is measured)
            error = type(exc).__name__
        waits.append((time.monotonic() - started, error))
        time.sleep(0.1)
    out.put(waits)


def child(kind: str, path: str, mode: str) -> None:
    """In a fresh process and database: migrate, then import with the probe running."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from resettle.applications import imports
    from resettle.records import services, staging

    if mode == "one transaction":
        imports.CHUNK_APPLICATIONS, imports.CHUNK_SECONDS = 10**9, 10**9
        services.BULK, services.CHUNK_SECONDS, staging.SQLITE_PAUSE = 2000, 10**9, 0
    mp.set_start_method("fork")
    stop, out = mp.Event(), mp.Queue()
    probe = mp.Process(target=_probe, args=(stop, out))
    probe.start()
    time.sleep(2)
    started = time.monotonic()
    if kind == "records":
        result = services.import_records(path=path, source_name="bench-hr")
    else:
        result = imports.import_applications(path=path)
    seconds = time.monotonic() - started
    stop.set()
    waits = out.get()
    probe.join()
    w = sorted(x for x, _ in waits)
    print(json.dumps({"rows": result.rows, "created": result.created, "seconds": seconds, "writes": len(w),
                      "median": w[len(w) // 2], "p99": w[min(len(w) - 1, int(len(w) * 0.99))], "max": w[-1],
                      "over_1s": sum(x > 1 for x in w), "errors": sum(1 for _, e in waits if e)}))


def measure(kind: str, path: Path, mode: str, folder: Path) -> dict:
    from resettle import config

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RESETTLE_DATA_DIR=str(folder), DJANGO_SETTINGS_MODULE="resettle.settings", RESETTLE_TESTING="0")
    env.update(config.generate_secrets())
    out = subprocess.run([sys.executable, "-m", "bench.import_lock.run", "--child", kind, str(path), mode],
                         env=env, capture_output=True, text=True, cwd=REPO)
    if out.returncode:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--applications", type=int, default=1_000, help="applications of three people each")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    sys.path.insert(0, str(REPO))
    from tqdm import tqdm

    from bench.machine import describe

    load_before = os.getloadavg()
    runs = [(kind, n, mode) for kind, n in (("records", args.records), ("applications", args.applications))
            for mode in ("short transactions", "one transaction")]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, n, mode in tqdm(runs, desc="imports", unit="import"):
            folder = Path(tmp) / f"{kind}-{mode.replace(' ', '-')}"
            folder.mkdir()
            path = Path(tmp) / f"{kind}-{n}.csv"
            if not path.exists():
                write_file(kind, n, path)
            results.append((kind, mode, measure(kind, path, mode, folder)))
    load_after = os.getloadavg()
    lines = [
        "## Pages during an import, on SQLite (issue 11)",
        "",
        f"Machine: {describe()}; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after (shared "
        f"by several engineers). Command: `python -m bench.import_lock.run --records {args.records} "
        f"--applications {args.applications}`.",
        "A separate process writes an audit event (what a page showing an identity writes) every 100 ms while",
        "the import runs; its waits for SQLite's write lock are below. Imports write in short transactions",
        "(applications: at most 200 or 0.5 s; records: 0.5 s of 250-row inserts) with a 0.12 s pause between",
        "them; the peer baseline is the same import in one transaction, as before. After 20 s (the busy",
        "timeout) a waiting page fails with \"database is locked\".",
        "",
        "| import | rows | writes | import (s) | page writes | median wait (s) | p99 (s) | max wait (s) | waits over 1 s | failed |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, mode, r in results:
        lines.append(f"| {kind} | {r['rows']:,} | {mode} | {r['seconds']:.1f} | {r['writes']} | {r['median']:.2f} | "
                     f"{r['p99']:.2f} | {r['max']:.2f} | {r['over_1s']} | {r['errors']} |")
    by = {(k, m): r for k, m, r in results}
    lines.append("")
    for kind in ("records", "applications"):
        short, one = by[(kind, "short transactions")], by[(kind, "one transaction")]
        lines.append(f"- {kind}: longest page wait {short['max']:.2f} s against {one['max']:.2f} s in one transaction "
                     f"({one['max'] / max(short['max'], 1e-3):.0f}x shorter); the import takes "
                     f"{short['seconds'] / one['seconds']:.2f}x as long.")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
