"""What one request of each page kind costs, in process and single-threaded (Django's test
client, the benchmark's PostgreSQL database and signed-in sessions): milliseconds and queries,
for this checkout and, as the peer baseline in the same run, an earlier commit of it.

    python -m bench.load.pages --world world.json [--baseline-ref REF] [--rounds 3]
    python -m bench.load.pages --database-url postgres://.../resettle_pages [--baseline-ref REF]

Run inside the load benchmark's environment (DATABASE_URL, RESETTLE_DATA_DIR...; bench.load.run
calls it after preparing its world), or give --database-url to prepare a fresh demo world there
the way bench.load.run does (the database is dropped and made again; data in /tmp/resettle-pages). The two checkouts take turns, `--rounds` times each, so a
machine whose load changes during the run weighs on both alike; each figure is the median of
the rounds. The mix of kinds weighted as the load run offers them gives one mean per checkout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KINDS = ["case list", "case page", "verification queue", "API list", "API case"]
# the commit before the pages were made cheaper (issue 11): the default peer baseline
BASELINE_REF = "b5e8c52"


def measure(world: dict, cases_per_role: int) -> dict:
    """Runs in a child process whose sys.path starts with the checkout measured."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resettle.settings")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    by_role: dict[str, dict] = {}
    for session in world["sessions"]:
        if not session["submitter"]:
            by_role.setdefault(session["role"], session)
    found: dict[str, list[tuple[float, int]]] = {}
    for role, session in by_role.items():
        client = Client(HTTP_HOST="127.0.0.1")
        client.cookies[world["cookie"]] = session["session"]
        cases = session["cases"][:cases_per_role]
        paths = {"case list": ["/cases/"] * 6, "API list": ["/api/applications/"] * 6,
                 "case page": [f"/cases/{c}/" for c in cases], "API case": [f"/api/applications/{c}/" for c in cases]}
        if role == "df_verifier":
            paths["verification queue"] = ["/verification/"] * 6
        for kind, urls in paths.items():
            for url in urls[:2]:
                client.get(url)  # warm: templates, caches, connection
            for url in urls:
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise SystemExit(f"{url} as {role}: HTTP {response.status_code}")
                found.setdefault(kind, []).append((elapsed * 1000, len(queries.captured_queries)))
    return {kind: {"ms": statistics.fmean(ms for ms, _ in rows), "queries": statistics.fmean(n for _, n in rows)}
            for kind, rows in found.items()}


def offered_mix(world: dict) -> dict[str, float]:
    """Each kind's share of the browsing requests bench.load.run offers: half the time one of
    the session's cases (its page or its API answer), otherwise one of the role's lists."""
    shares = dict.fromkeys(KINDS, 0.0)
    browsers = [s for s in world["sessions"] if not s["submitter"]]
    for s in browsers:
        shares["case page"] += 0.25
        shares["API case"] += 0.25
        lists = ["case list", "API list"] + (["verification queue"] if s["role"] == "df_verifier" else [])
        for kind in lists:
            shares[kind] += 0.5 / len(lists)
    return {k: v / len(browsers) for k, v in shares.items()}


def export(ref: str) -> Path:
    target = Path(tempfile.mkdtemp(prefix="resettle-pages-baseline-"))
    archive = subprocess.run(["git", "archive", ref], cwd=REPO, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def _child(checkout: Path, world_file: Path, cases: int, env: dict) -> dict:
    run_env = {**env, "PYTHONPATH": str(checkout)}
    # this file measures both: run as a script, it imports the checkout's resettle (PYTHONPATH)
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "--world", str(world_file),
                          "--cases", str(cases)], cwd=checkout, env=run_env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(out.stderr.strip().splitlines()[-1] if out.stderr.strip() else f"exit {out.returncode}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare(world: dict, *, baseline_ref: str | None, rounds: int, cases: int, env: dict | None = None) -> dict:
    """Both checkouts' figures per kind (median over rounds), and the offered mix's weighted means."""
    from tqdm import tqdm

    env = dict(env or os.environ)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(world, f)
        world_file = Path(f.name)
    sides = {"this checkout": REPO}
    baseline_dir = None
    error = ""
    if baseline_ref:
        baseline_dir = export(baseline_ref)
        sides = {f"baseline {baseline_ref}": baseline_dir, **sides}
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    loads = [os.getloadavg()[0]]
    try:
        for _ in tqdm(range(rounds), desc="page costs", unit="round"):
            for name, checkout in list(sides.items()):
                try:
                    runs[name].append(_child(checkout, world_file, cases, env))
                except RuntimeError as exc:  # e.g. an old checkout against a newer schema
                    error = f"{name} could not be measured: {exc}"
                    sides.pop(name)
                    runs.pop(name)
            loads.append(os.getloadavg()[0])
    finally:
        world_file.unlink(missing_ok=True)
        if baseline_dir:
            shutil.rmtree(baseline_dir, ignore_errors=True)
    mix = offered_mix(world)
    result = {"sides": {}, "mix": mix, "load": (min(loads), max(loads)), "rounds": rounds, "error": error}
    for name, rows in runs.items():
        kinds = {k: {"ms": statistics.median(r[k]["ms"] for r in rows),
                     "queries": statistics.median(r[k]["queries"] for r in rows)} for k in KINDS if k in rows[0]}
        weighted = sum(mix[k] * kinds[k]["ms"] for k in kinds)
        result["sides"][name] = {"kinds": kinds, "weighted_ms": weighted}
    return result


def report_lines(result: dict) -> list[str]:
    names = list(result["sides"])
    lo, hi = result["load"]
    lines = [f"Cost of one request by page kind, in process and single-threaded (Django test client, same "
             f"database and sessions; median of {result['rounds']} alternating rounds; load average "
             f"{lo:.1f}-{hi:.1f} during them; `python -m bench.load.pages`):", "",
             "| page kind | share of browsing | " + " | ".join(f"{n}: ms (queries)" for n in names) +
             (" | ratio |" if len(names) == 2 else " |"),
             "|---|---|" + "---|" * len(names) + ("---|" if len(names) == 2 else "")]
    for kind in KINDS:
        cells = []
        for n in names:
            x = result["sides"][n]["kinds"].get(kind)
            cells.append(f"{x['ms']:.1f} ({x['queries']:.1f})" if x else "—")
        ratio = ""
        if len(names) == 2:
            a, b = (result["sides"][n]["kinds"].get(kind) for n in names)
            ratio = f" | {b['ms'] / a['ms']:.2f}" if a and b else " | —"
        lines.append(f"| {kind} | {result['mix'][kind]:.0%} | " + " | ".join(cells) + ratio + " |")
    weighted = [result["sides"][n]["weighted_ms"] for n in names]
    lines.append("| **weighted mean** | 100% | " + " | ".join(f"**{w:.1f}**" for w in weighted) +
                 (f" | **{weighted[1] / weighted[0]:.2f}**" if len(names) == 2 else "") + " |")
    if result["error"]:
        lines += ["", result["error"]]
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--world", help="the sessions JSON bench.load.setup_world prints")
    parser.add_argument("--database-url", default="", help="prepare a fresh world in this PostgreSQL database")
    parser.add_argument("--baseline-ref", default=BASELINE_REF, help="a git ref; '' for no baseline")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cases", type=int, default=8, help="cases opened per role and round")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    env = None
    if args.database_url and not args.child:
        from bench.load.run import prepare

        env, world = prepare(args.database_url, Path("/tmp/resettle-pages"), staff=50)
    elif args.world:
        world = json.loads(Path(args.world).read_text())
    else:
        parser.error("give --world or --database-url")
    if args.child:
        print(json.dumps(measure(world, args.cases)))
        return
    result = compare(world, baseline_ref=args.baseline_ref or None, rounds=args.rounds, cases=args.cases, env=env)
    print("\n".join(report_lines(result)))


if __name__ == "__main__":
    main()
