"""Benchmark: one evaluation (target <= 5 ms), simulation over 1,000,000 employment records
(target <= 10 s) and a comparison of two policies (target <= 20 s) on this machine.

Run: .venv/bin/python -m bench.policies.run [--records 1000000]
Writes docs/benchmarks/policies.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np

from resettle.policies.engine import Situation, evaluate, get_policy
from resettle.policies.engine.simulate import compare, records_table, simulate
from resettle.policies.engine.table import Column

OUT = Path(__file__).resolve().parents[2] / "docs" / "benchmarks" / "policies.md"

APPLICATION = {
    "reference_date": "2013-01-20",
    "principal": {
        "nationality": "afghan",
        "employment": [
            {"employer": "nzdf", "unit": "nz_prt_bamyan", "role": "interpreter", "location": "bamyan",
             "start": "2009-03-01", "end": "2010-06-30", "verification": "confirmed", "verified_by": "NZDF"},
            {"employer": "nzdf", "unit": "nz_prt_bamyan", "role": "interpreter", "location": "bamyan",
             "start": "2011-03-01", "end": "ongoing", "verification": "unverified"},
        ],
    },
    "members": [
        {"relationship": "spouse", "birth": "1985"},
        {"relationship": "child", "birth": "2005-04-02"},
        {"relationship": "child", "birth": "1994", "marital_status": "single", "dependent": True},
        {"relationship": "parent", "birth": "1950"},
    ],
}


def machine() -> str:
    from bench.machine import describe

    return f"{describe()}, numpy {np.__version__}"


def synthetic_records(n: int, seed: int = 7):
    """Columns shaped like an HR extract: a few per cent of fields blank, dates 2003-2013."""
    rng = np.random.default_rng(seed)

    def col(cats, blank=0.02):
        codes = rng.integers(0, len(cats), n).astype(np.int32)
        codes[rng.random(n) < blank] = -1
        return Column(cats, codes)

    start = rng.integers(date(2003, 1, 1).toordinal(), date(2013, 3, 1).toordinal(), n)
    end = np.minimum(start + rng.integers(30, 2500, n), date(2013, 4, 30).toordinal())
    end[rng.random(n) < 0.05] = 0
    start[rng.random(n) < 0.02] = 0
    cols = dict(
        employer=col(["nzdf", "nz_police", "mfat", "nz_aid", "us_forces", "uk_forces", "contractor", "isaf_other",
                      "us_government_contractor", "isaf_contractor", "adf", "dfat"]),
        unit=col(["nz_prt_bamyan", "nz_police_bamyan", "nz_embassy_kabul", "nz_aid_bamyan", "us_prt",
                  "uk_task_force_helmand", "isaf_hq_kabul"]),
        role=col(["interpreter", "cultural_adviser", "driver", "guard", "engineer", "mechanic", "cook",
                  "cleaner", "labourer", "administrator"]),
        location=col(["bamyan", "kabul", "yakawlang", "kahmard", "helmand"]),
        start=start, end=end,
    )
    return cols


DB_CHILD = r"""
import datetime as dt, json, sys, time
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from resettle.records.models import EmploymentRecord, ImportBatch, RecordSource
from resettle.policies.engine import get_policy
from resettle.policies.engine.simulate import simulate
from resettle.policies.selectors import employment_records_table
n = int(sys.argv[1])
src = RecordSource.objects.create(name="bench", employer="nzdf")
batch = ImportBatch.objects.create(kind="records", source=src, file_name="bench", sha256="0" * 64, rows=n)
roles = ["interpreter", "driver", "guard", "engineer", "mechanic", "cook"]
units = ["nz_prt_bamyan", "nz_police_bamyan", "nz_embassy_kabul"]
for lo in range(0, n, 20000):
    EmploymentRecord.objects.bulk_create([EmploymentRecord(
        source=src, batch=batch, row_number=i, source_record_id=str(i), full_name="", father_name="",
        grandfather_name="", birth_year="", employer="nzdf", role=roles[i % 6], unit=units[i % 3], location="bamyan",
        start_date=dt.date(2004, 1, 1) + dt.timedelta(days=i % 3000),
        end_date=None if i % 20 == 0 else dt.date(2004, 1, 1) + dt.timedelta(days=i % 3000 + 400 + i % 900),
        content_sha256="0" * 64) for i in range(lo, min(n, lo + 20000))])
t = time.perf_counter()
table = employment_records_table(reference=dt.date(2012, 12, 12))
read = time.perf_counter() - t
t = time.perf_counter()
simulate(get_policy("nz-bamyan-2012").version("2012-12"), table)
print(json.dumps({"rows": table.n_groups, "read": read, "simulate": time.perf_counter() - t}))
"""


def measure_db(rows: int) -> dict:
    import json
    import subprocess
    import sys
    import tempfile

    from resettle import config

    repo = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(RESETTLE_DATA_DIR=tmp, DJANGO_SETTINGS_MODULE="resettle.settings", RESETTLE_TESTING="0")
        env.update(config.generate_secrets())
        out = subprocess.run([sys.executable, "-c", DB_CHILD, str(rows)], env=env, capture_output=True, text=True,
                             cwd=repo)
        if out.returncode:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])


# The engine before this step (vocabulary as data, several dates, service arithmetic), timed in
# the same run on the same situations so the figures compare under the same load.
BASELINE_COMMIT = "8fda192"
BASELINE_CHILD = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from resettle.policies.engine import Situation, evaluate, get_policy
cases = json.loads(sys.argv[2])
out = []
for pid, situation in cases:
    policy = get_policy(pid)
    for _ in range(50):
        evaluate(policy, situation)
    cpu = []
    for _ in range(2000):
        c0 = time.process_time()
        evaluate(policy, Situation.from_dict(situation))
        cpu.append((time.process_time() - c0) * 1000)
    out.append(statistics.median(cpu))
print(json.dumps(out))
"""


def baseline_evaluations(cases: list[tuple[str, dict]]) -> list[float] | None:
    """CPU median ms per case under the engine at BASELINE_COMMIT, or None without git."""
    import json
    import subprocess
    import sys
    import tarfile
    import tempfile

    repo = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "old.tar"
        made = subprocess.run(["git", "archive", "-o", str(archive), BASELINE_COMMIT, "resettle/__init__.py",
                               "resettle/policies/__init__.py", "resettle/policies/engine", "resettle/policies/data"],
                              cwd=repo, capture_output=True)
        if made.returncode:
            return None
        with tarfile.open(archive) as tar:
            tar.extractall(tmp, filter="data")
        out = subprocess.run([sys.executable, "-c", BASELINE_CHILD, tmp, json.dumps(cases, default=str)],
                             cwd=tmp, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout.strip().splitlines()[-1])


def timed(fn, repeat: int) -> tuple[list[float], object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return times, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--db-records", type=int, default=1_000_000,
                    help="Rows for the database read measurement (0 skips it; inserting a million rows takes several minutes).")
    args = ap.parse_args()

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = ["## Pathway policies (evaluation and simulation)", "", f"Machine: {machine()}", "",
             f"Load average at start (1, 5, 15 min): {load}. Other jobs share the 2 cores, so wall-clock "
             "tails (p95, max) include waiting for a core; the CPU-time columns show the work itself.", "",
             "Command: `.venv/bin/python -m bench.policies.run`", ""]

    # one evaluation, including parsing the situation, under each shipped policy
    lines += ["### Evaluate one application (target <= 5 ms)", "",
              f"Baseline in the same run: the engine before vocabulary as data, several dates and service "
              f"arithmetic (commit {BASELINE_COMMIT}), on the same situations (AU LEE did not exist then).", "",
              "| policy@version | median ms | p95 ms | max ms | CPU median ms | CPU p95 ms | runs "
              "| baseline CPU median ms | ratio |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    big = {**APPLICATION, "principal": {**APPLICATION["principal"], "employment": [
        {**APPLICATION["principal"]["employment"][i % 2], "start": f"{2003 + i}-01-01", "end": f"{2003 + i}-11-30"}
        for i in range(10)]}, "members": APPLICATION["members"] * 2}
    eval_cases = (("nz-bamyan-2012", "2013-01-20", APPLICATION, ""),
                  ("nz-bamyan-2012", "2012-11-01", APPLICATION, ""),
                  ("nz-afghan-2021", "2021-08-20", APPLICATION, ""),
                  ("uk-arap", "2022-01-10", APPLICATION, ""),
                  ("us-siv", "2021-09-01", APPLICATION, ""),
                  ("au-lee", "2013-09-01", APPLICATION, ""),
                  ("us-siv", "2021-09-01", big, " (10 periods, 8 family)"),
                  ("nz-bamyan-2012", "2013-01-20", big, " (10 periods, 8 family)"))
    old = [c for c in eval_cases if c[0] != "au-lee"]
    base = baseline_evaluations([(pid, {**sit, "reference_date": ref}) for pid, ref, sit, _ in old]) or []
    base_ms = {(pid, ref, what): ms for (pid, ref, _, what), ms in zip(old, base)}
    for pid, ref, sit, what in eval_cases:
        policy = get_policy(pid)
        situation = {**sit, "reference_date": ref}
        version = policy.version_on(date.fromisoformat(ref))
        for _ in range(50):
            evaluate(policy, situation)
        wall, cpu = [], []
        for _ in range(2000):
            t0, c0 = time.perf_counter(), time.process_time()
            # from the dict: checking the situation against the policy's vocabulary is timed too
            evaluate(policy, situation)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - t0) * 1000)
        ms, cms = sorted(wall), sorted(cpu)
        b = base_ms.get((pid, ref, what))
        lines.append(f"| {pid}@{version.id}{what} | {statistics.median(ms):.3f} | {ms[int(0.95 * len(ms))]:.3f} "
                     f"| {ms[-1]:.3f} | {statistics.median(cms):.3f} | {cms[int(0.95 * len(cms))]:.3f} | {len(ms)} "
                     f"| {f'{b:.3f}' if b else '—'} | {f'{statistics.median(cms) / b:.2f}' if b else '—'} |")
        print(lines[-1], flush=True)

    n = args.records
    cols = synthetic_records(n)
    strings = [cols["role"].categories[c] if c >= 0 else "" for c in cols["role"].codes[: min(n, 1_000_000)]]
    t = time.perf_counter()
    Column.from_values(strings)
    build = time.perf_counter() - t
    bamyan = get_policy("nz-bamyan-2012")
    afghan = get_policy("nz-afghan-2021")
    table = records_table(reference=date(2012, 12, 12), **cols)

    lines += ["", f"### Simulate over {n:,} employment records (target <= 10 s)", "",
              "Synthetic records (categorical columns, 2-5% blanks). Times include every criterion, "
              "outcome selection, role/unit/year breakdowns and 4,000 Monte Carlo draws for the intervals; "
              "reading the records from the database or CSV is not included (building one categorical "
              f"column from {len(strings):,} Python strings took {build:.2f} s).", "",
              "| policy@version | best s | median s | runs | eligible or referred (definite) | unknown |",
              "|---|---:|---:|---:|---:|---:|"]
    siv = get_policy("us-siv")
    lee = get_policy("au-lee")
    later = records_table(reference=date(2021, 8, 20), **cols)
    lee_table = records_table(reference=date(2013, 9, 1), **cols)
    for policy, vid in ((bamyan, "2012-10"), (bamyan, "2012-12"), (afghan, "2021-08"), (siv, "one-year"),
                        (lee, "2012-12")):
        v = policy.version(vid)
        tab = table if policy is bamyan else lee_table if policy is lee else later
        times, res = timed(lambda: simulate(v, tab), args.repeat)
        definite = sum(e.definite for e in res.estimates)
        lines.append(f"| {v.key} | {min(times):.2f} | {statistics.median(times):.2f} | {len(times)} "
                     f"| {definite:,} | {res.counts['unknown']:,} |")
        print(lines[-1], flush=True)

    # Service arithmetic: the same records as people with several periods each, so overlapping
    # periods are merged per person before counting calendar months (the SIV's year of
    # service); the baseline is the same policy over the records one by one (nothing to merge).
    rng = np.random.default_rng(11)
    people = n * 10 // 16  # about 1.6 records per person, as in the matcher's grouped records
    group = np.sort(rng.integers(0, people, n))
    group = np.unique(group, return_inverse=True)[1].astype(np.int64)
    grouped = records_table(reference=date(2021, 8, 20), group=group, ids=np.arange(int(group.max()) + 1), **cols)
    v = siv.version("one-year")
    base_times, base = timed(lambda: simulate(v, later), args.repeat)
    times, res = timed(lambda: simulate(v, grouped), args.repeat)
    lines += ["", f"### Service arithmetic: {n:,} records as {grouped.n_groups:,} people (us-siv@one-year)", "",
              "Each person's qualifying periods are merged (overlaps once), clipped to 7 Oct 2001 - 31 Dec 2024 "
              "and counted in calendar months. Baseline in the same run: the same records one per candidate "
              "(no merging).", "",
              "| candidates | best s | median s | runs | approved (definite) | ratio to baseline (best) |",
              "|---|---:|---:|---:|---:|---:|",
              f"| {n:,} records (baseline) | {min(base_times):.2f} | {statistics.median(base_times):.2f} "
              f"| {len(base_times)} | {base.counts['chief_of_mission_approval']:,} | 1.00 |",
              f"| {grouped.n_groups:,} people | {min(times):.2f} | {statistics.median(times):.2f} | {len(times)} "
              f"| {res.counts['chief_of_mission_approval']:,} | {min(times) / min(base_times):.2f} |"]
    print("\n".join(lines[-2:]), flush=True)

    lines += ["", f"### Compare two policies over {n:,} records (target <= 20 s)", "",
              "| comparison | best s | median s | runs | candidates changing category |", "|---|---:|---:|---:|---:|"]
    times, cmp = timed(lambda: compare(bamyan.version("2012-10"), bamyan.version("2012-12"), table), args.repeat)
    lines.append(f"| nz-bamyan-2012@2012-10 vs @2012-12 | {min(times):.2f} | {statistics.median(times):.2f} "
                 f"| {len(times)} | {cmp.changed:,} |")
    print(lines[-1], flush=True)
    if args.db_records:
        lines += ["", f"### Reading employment records from the database (SQLite, {args.db_records:,} rows)", "",
                  "`resettle simulate` reads the records' canonical columns with a plain cursor "
                  "(`selectors.employment_records_table`) before simulating. Fresh migrated SQLite database in a "
                  "child process; rows bulk-inserted first (not timed).", "",
                  "| rows | read into columns (s) | simulate nz-bamyan-2012@2012-12 (s) | total (s) | rows/s read |",
                  "|---:|---:|---:|---:|---:|"]
        r = measure_db(args.db_records)
        lines.append(f"| {r['rows']:,} | {r['read']:.2f} | {r['simulate']:.2f} | {r['read'] + r['simulate']:.2f} "
                     f"| {r['rows'] / r['read']:,.0f} |")
        print(lines[-1], flush=True)
    lines += ["", f"Run on {date.today().isoformat()}.", ""]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
