"""Dashboard benchmark: the reporting page over 50,000 cases with their histories.

Builds 50,000 applications with their households, 6 to 8 stage changes each on average (some
fewer: cases still open; some more: declined, reconsidered and approved), the decisions behind
them, and relocation's tranches, flights, manifests and per-person arrivals, directly with
bulk_create; then times the dashboard page as an analyst sees it, through Django's test Client
(signed in with both factors, the audit event of each view included): median and p95 of 20
renders after two warm-up renders. On PostgreSQL over loopback (its own cluster) and on SQLite.

Peers in the same run: the older /cases/dashboard/ "Figures" page (four group-by tables, no
charts), and the processing-time figure computed the naive way (every StatusChange row read into
Python, percentiles with the statistics module) against casework's stage_clocks.

Target (issues 10 and 15): <= 300 ms with 50,000 applications on PostgreSQL.

Run: `.venv/bin/python -m bench.reporting.run [--cases 50000] [--renders 20] [--no-sqlite] [--no-postgres] [--reuse]`
(--reuse measures the databases a previous run built, kept under --db-dir, instead of rebuilding).
Writes docs/benchmarks/reporting.md. The PostgreSQL cluster is started with
`PGTEST_DIR=/tmp/pg-reporting PGTEST_PORT=55441 scripts/pg-test-cluster.sh start` (done here).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "docs" / "benchmarks" / "reporting.md"
PG_DIR, PG_PORT, PG_DB = "/tmp/pg-reporting", "55441", "reporting_bench"

# --- synthetic histories -------------------------------------------------------------------------

PATHWAYS = [("nz-afghan-2021", 80), ("nz-bamyan-2012", 12), ("nz-bamyan-2013", 8)]
F = ["received", "verification", "assessment", "decision_proposed"]
# (final path of stages, weight): the mean is about six stage changes a case.
PATHS = [
    (F[:1], 3), (F[:2], 4), (F[:3], 5), (F, 4),
    (F + ["approved"], 10), (F + ["approved", "relocation"], 10),
    (F + ["approved", "relocation", "arrived"], 25), (F + ["approved", "relocation", "arrived", "closed"], 20),
    (F + ["declined"], 8), (F + ["declined", "closed"], 4), (F + ["declined", "reconsideration"], 2),
    (F + ["declined", "reconsideration", "assessment", "decision_proposed", "approved", "relocation", "arrived"], 3),
    (F[:2] + ["withdrawn"], 2),
]
# Median days at each stage (lognormal around it): verification against HR records and the
# assessment take longest; "arrived" lasts until residence and the case closes.
MEDIAN_DAYS = {"received": 6, "verification": 35, "assessment": 40, "decision_proposed": 9, "approved": 25,
               "relocation": 12, "declined": 28, "reconsideration": 45, "arrived": 300, "withdrawn": 1}
FAMILY_WEIGHTS = [15, 10, 15, 20, 15, 10, 8, 4, 3]  # 0..8 family members: about 3 a principal


def _start(rng: random.Random) -> dt.datetime:
    if rng.random() < 0.4:  # the August 2021 surge
        day = dt.date(2021, 8, 15) + dt.timedelta(days=rng.randrange(140))
    else:
        day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(900))
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=rng.randrange(480))


def build(cases: int, seed: int = 15, chunk: int = 2500) -> dict:
    """Insert the synthetic world; returns row counts."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from tqdm import tqdm

    from resettle.applications.models import Application, Member
    from resettle.casework.models import Decision, StatusChange
    from resettle.people.models import Person
    from resettle.policies.models import Evaluation
    from resettle.relocation.models import Flight, ManifestEntry, Milestone, Tranche, TrancheCase

    rng = random.Random(seed)
    User = get_user_model()
    dm1 = User.objects.create(username="bench-dm-1")
    dm2 = User.objects.create(username="bench-dm-2")
    paths, weights = zip(*PATHS)
    pathways, pathway_weights = zip(*PATHWAYS)
    counts = dict.fromkeys(["applications", "members", "status_changes", "decisions", "flights",
                            "manifest_entries", "milestones"], 0)
    tranches: dict[str, Tranche] = {}
    flights: dict[tuple, list] = {}  # (week monday, departed) -> [flight, seats left]
    n_flight = 0

    def flight_for(monday: dt.date, need: int, departed: bool):
        nonlocal n_flight
        key = (monday, departed)
        current = flights.get(key)
        if current is None or current[1] < need:
            quarter = f"Tranche {monday.year} Q{(monday.month - 1) // 3 + 1}"
            if quarter not in tranches:
                tranches[quarter] = Tranche.objects.create(name=quarter)
            n_flight += 1
            seats = rng.choice([90, 150, 300, 300])
            at = dt.datetime(monday.year, monday.month, monday.day, 6, tzinfo=dt.timezone.utc)
            flight = Flight.objects.create(tranche=tranches[quarter], code=f"NZ{n_flight:05d}", date=monday,
                                           origin="Islamabad", destination="Auckland", aircraft="charter",
                                           seats=max(seats, need),
                                           departed_at=at if departed else None, arrived_at=at if departed else None)
            counts["flights"] += 1
            current = flights[key] = [flight, flight.seats]
        current[1] -= need
        return current[0]

    progress = tqdm(total=cases, desc="cases", unit="case", file=sys.stderr)
    n = 0
    while n < cases:
        size = min(chunk, cases - n)
        people, apps, members, changes, evaluations, decisions = [], [], [], [], [], []
        tcases, entries, milestones = [], [], []
        for i in range(size):
            ref = n + i
            path = rng.choices(paths, weights)[0]
            at = _start(rng)
            app_id = uuid.uuid4()
            family = rng.choices(range(len(FAMILY_WEIGHTS)), FAMILY_WEIGHTS)[0]
            app_members = []
            for k in range(family + 1):
                person = Person(id=uuid.uuid4(), gender=rng.choice(["female", "male"]))
                people.append(person)
                rel = "principal" if k == 0 else ("spouse" if k == 1 else "child")
                member = Member(id=uuid.uuid4(), application_id=app_id, person_id=person.id, relationship=rel,
                                dependent=k > 0, position=k,
                                left_household_on=(at.date() if k > 0 and rng.random() < 0.01 else None))
                members.append(member)
                app_members.append(member)
            received = at
            previous, decline = "", None
            stage_at = {}
            for stage in path:
                seconds = int((at - received).total_seconds()) if previous else None
                changes.append(StatusChange(application_id=app_id, from_stage=previous, to_stage=stage,
                                            action="bench", via="system", at=at, seconds_in_from_stage=seconds))
                if previous == "decision_proposed" and stage in ("approved", "declined"):
                    ev = Evaluation(id=uuid.uuid4(), application_id=app_id, policy_id="nz-afghan-2021",
                                    version_id="1", reference_date=received.date(), outcome="offer", criteria={},
                                    facts_sha256="0" * 64)
                    evaluations.append(ev)
                    d = Decision(id=uuid.uuid4(), application_id=app_id,
                                 outcome="approve" if stage == "approved" else "decline", state="confirmed",
                                 evaluation_id=ev.id, policy_id="nz-afghan-2021", version_id="1", reasons="bench",
                                 proposed_by=dm1, proposed_at=at - dt.timedelta(days=2), confirmed_by=dm2, confirmed_at=at)
                    if stage == "approved" and decline is not None:
                        decline.state = "superseded"
                        d.supersedes_id = decline.id
                    if stage == "declined":
                        decline = d
                    decisions.append(d)
                stage_at[stage] = at
                previous, received = stage, at
                days = rng.lognormvariate(math.log(MEDIAN_DAYS.get(stage, 10)), 0.6)
                at = at + dt.timedelta(seconds=int(days * 86400))
            final = path[-1]
            if final == "decision_proposed":
                ev = Evaluation(id=uuid.uuid4(), application_id=app_id, policy_id="nz-afghan-2021", version_id="1",
                                reference_date=received.date(), outcome="offer", criteria={}, facts_sha256="0" * 64)
                evaluations.append(ev)
                decisions.append(Decision(id=uuid.uuid4(), application_id=app_id, outcome="approve", state="proposed",
                                          evaluation_id=ev.id, policy_id="nz-afghan-2021", version_id="1",
                                          reasons="bench", proposed_by=dm1, proposed_at=received))
            apps.append(Application(id=app_id, reference=f"B{ref:07d}", pathway=rng.choices(pathways, pathway_weights)[0],
                                    status=final, status_since=received, received_on=stage_at["received"].date(),
                                    channel="web"))
            if "relocation" in path:
                departed = "arrived" in path
                when = stage_at.get("arrived", stage_at["relocation"] + dt.timedelta(days=10))
                monday = when.date() - dt.timedelta(days=when.weekday())
                seated = [m for m in app_members if m.left_household_on is None]
                laps = [m for m in seated[2:] if rng.random() < 0.08]
                flight = flight_for(monday, len(seated) - len(laps), departed)
                tc = TrancheCase(id=uuid.uuid4(), tranche=flight.tranche, application_id=app_id, planned=True)
                tcases.append(tc)
                per_person = departed and rng.random() < 0.7  # the rest arrived before relocation kept people
                for m in seated:
                    boarded = "boarded" if not departed or rng.random() > 0.02 else "no_show"
                    entries.append(ManifestEntry(id=uuid.uuid4(), flight=flight, tranche_case_id=tc.id, member_id=m.id,
                                                 lap_infant=m in laps,
                                                 boarding=boarded if departed else "planned",
                                                 arrived_at=when if departed and boarded == "boarded" else None))
                    if per_person and boarded == "boarded":
                        milestones.append(Milestone(id=uuid.uuid4(), application_id=app_id, member_id=m.id,
                                                    kind="arrived", on=when.date()))
        with transaction.atomic():
            Person.objects.bulk_create(people, batch_size=2000)
            Application.objects.bulk_create(apps, batch_size=2000)
            Member.objects.bulk_create(members, batch_size=2000)
            StatusChange.objects.bulk_create(changes, batch_size=2000)
            Evaluation.objects.bulk_create(evaluations, batch_size=2000)
            Decision.objects.bulk_create([d for d in decisions if d.supersedes_id is None], batch_size=2000)
            Decision.objects.bulk_create([d for d in decisions if d.supersedes_id is not None], batch_size=2000)
            TrancheCase.objects.bulk_create(tcases, batch_size=2000)
            ManifestEntry.objects.bulk_create(entries, batch_size=2000)
            Milestone.objects.bulk_create(milestones, batch_size=2000)
        counts["applications"] += len(apps)
        counts["members"] += len(members)
        counts["status_changes"] += len(changes)
        counts["decisions"] += len(decisions)
        counts["manifest_entries"] += len(entries)
        counts["milestones"] += len(milestones)
        n += size
        progress.update(size)
    progress.close()
    return counts


# --- the measurement (in a child process, one per database) --------------------------------------

def _verified_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def child_build(cases: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t
    t = time.perf_counter()
    counts = build(cases)
    print(json.dumps({"counts": counts, "migrate_s": migrate_s, "build_s": time.perf_counter() - t}))


def child(cases: int, renders: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from resettle.accounts.roles import ANALYST
    from resettle.accounts.services import staff_create
    from resettle.casework.models import StatusChange
    from resettle.casework.selectors import stage_clocks
    from resettle.reporting import selectors

    call_command("migrate", verbosity=0)  # a migration added since the build (an index) applies here
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    analyst = (get_user_model().objects.filter(username="bench-analyst").first()
               or staff_create(username="bench-analyst", password="a long bench password 123", roles=[ANALYST], teams=[]))
    client = _verified_client(analyst)

    def render(url="/reporting/"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    from django.core.cache import cache

    def cold():  # every figure computed from the database, as on the first view after the cache time
        cache.clear()
        render()

    _timed(cold, 2)
    page = _timed(cold, renders)
    warm = _timed(render, renders)  # figures reused from the cache (REPORTING_CACHE_SECONDS)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        render()
    queries = sorted(((float(q["time"]) * 1000, q["sql"][:110]) for q in ctx.captured_queries), reverse=True)
    figures = {key: statistics.median(_timed(lambda make=make: make(), 5)) for key, make in selectors.FIGURES.items()}
    _timed(lambda: render("/cases/dashboard/"), 2)
    figures_page = _timed(lambda: render("/cases/dashboard/"), renders)

    def naive_clocks():
        by_stage: dict[str, list[int]] = {}
        for stage, s in (StatusChange.objects.exclude(from_stage="").filter(seconds_in_from_stage__isnull=False)
                         .values_list("from_stage", "seconds_in_from_stage").iterator(chunk_size=5000)):
            by_stage.setdefault(stage, []).append(s)
        return {k: (statistics.median(v), statistics.quantiles(v, n=10)[-1]) for k, v in by_stage.items()}

    naive = _timed(naive_clocks, 3)
    clocks = _timed(lambda: stage_clocks(), 5)
    html = client.get("/reporting/").content.decode()
    print(json.dumps({
        "vendor": connection.vendor,
        "page_median": statistics.median(page), "page_p95": _p95(page), "page_min": min(page), "page_all": page,
        "warm_median": statistics.median(warm), "warm_p95": _p95(warm),
        "queries": len(queries), "slowest": queries[:6], "figures": figures,
        "figures_page_median": statistics.median(figures_page), "figures_page_p95": _p95(figures_page),
        "naive_clocks_median": statistics.median(naive), "stage_clocks_median": statistics.median(clocks),
        "page_kb": len(html.encode()) / 1024, "svg_count": html.count("<svg"),
    }))


# --- the parent: databases, processes, report ----------------------------------------------------

def _postgres_url(fresh: bool) -> str:
    env = {**os.environ, "PGTEST_DIR": PG_DIR, "PGTEST_PORT": PG_PORT}
    out = subprocess.run([str(REPO / "scripts" / "pg-test-cluster.sh"), "start"], env=env, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    import psycopg

    base = out.rsplit("/", 1)[0]
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if fresh or not exists:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB}")
            conn.execute(f"CREATE DATABASE {PG_DB}")
    return base + f"/{PG_DB}"


def _child_env(database_url: str, data_dir: Path) -> dict:
    """The same secrets for the build and every later measurement of one database."""
    from resettle import config

    secrets_file = data_dir / "bench-secrets.json"
    if not secrets_file.exists():
        secrets_file.write_text(json.dumps(config.generate_secrets()))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(json.loads(secrets_file.read_text()))
    env.update(DJANGO_SETTINGS_MODULE="resettle.settings", RESETTLE_TESTING="0", RESETTLE_DATA_DIR=str(data_dir),
               DATABASE_URL=database_url, RESETTLE_ALLOWED_HOSTS="testserver", RESETTLE_SECURE_COOKIES="0")
    return env


def run_child(database_url: str, data_dir: Path, cases: int, renders: int, *, reuse: bool) -> dict:
    """Build the database (unless an earlier run built this size and --reuse is given), then measure."""
    env = _child_env(database_url, data_dir)
    built_file = data_dir / "bench-built.json"
    built = json.loads(built_file.read_text()) if built_file.exists() else None
    if not (reuse and built and built["counts"]["applications"] == cases):
        built_file.unlink(missing_ok=True)
        out = subprocess.run([sys.executable, "-m", "bench.reporting.run", "--child", "build", "--cases", str(cases)],
                             env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
        if out.returncode:
            raise SystemExit(f"benchmark build failed on {database_url.split(':')[0]} (exit {out.returncode})")
        built = json.loads(out.stdout.strip().splitlines()[-1])
        built_file.write_text(json.dumps(built))
    out = subprocess.run([sys.executable, "-m", "bench.reporting.run", "--child", "measure", "--cases", str(cases),
                          "--renders", str(renders)], env=env, cwd=REPO, stdout=subprocess.PIPE, text=True)
    if out.returncode:
        raise SystemExit(f"benchmark child failed on {database_url.split(':')[0]} (exit {out.returncode})")
    result = {**built, **json.loads(out.stdout.strip().splitlines()[-1])}
    (data_dir / "bench-result.json").write_text(json.dumps(result))  # kept for --report-only
    return result


def report(results: dict[str, dict], cases: int, renders: int, load: tuple, machine: str) -> str:
    lines = ["## Reporting dashboard", "",
             f"Machine: {machine}. Load average before / after: {load[0]} / {load[1]} (2 cores shared with other "
             "engineers' work: figures vary with it).",
             f"Command: `.venv/bin/python -m bench.reporting.run --cases {cases} --renders {renders}` "
             f"(bench/reporting/run.py).", ""]
    any_r = next(iter(results.values()))
    c = any_r["counts"]
    lines += [f"Data: {c['applications']:,} applications, {c['members']:,} household members, "
              f"{c['status_changes']:,} stage changes ({c['status_changes'] / c['applications']:.1f} a case), "
              f"{c['decisions']:,} decisions, {c['flights']:,} flights with {c['manifest_entries']:,} manifest entries, "
              f"{c['milestones']:,} per-person arrivals; built with bulk_create, then ANALYZE.", "",
              f"The page: `/reporting/` through Django's test Client, signed in as an analyst with both factors, "
              f"the audit event written each time; {renders} renders after 2 warm-up renders. Computed: the cache "
              "cleared before each render, so every figure is queried (the first view after the cache time). "
              "Cached: the figures reused from the cache (`REPORTING_CACHE_SECONDS`, default 300 s; the page says "
              "when they were computed). Target (issues 10 and 15): <= 300 ms on PostgreSQL.", "",
              "| database | computed: median | p95 | fastest | cached: median | p95 | queries (computed) | page |",
              "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        lines.append(f"| {name} | {r['page_median']:.0f} ms | {r['page_p95']:.0f} ms | {r['page_min']:.0f} ms | "
                     f"{r['warm_median']:.0f} ms | {r['warm_p95']:.0f} ms | {r['queries']} | "
                     f"{r['page_kb']:.0f} KB, {r['svg_count']} charts |")
    lines += ["", "Each figure on its own (median of 5, ms):", "",
              "| figure | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    for key in any_r["figures"]:
        lines.append(f"| {key} | " + " | ".join(f"{r['figures'][key]:.0f}" for r in results.values()) + " |")
    lines += ["", "Peers in the same run (median, ms):", "",
              "| | " + " | ".join(results) + " |", "|---|" + "---|" * len(results)]
    lines.append("| older /cases/dashboard/ Figures page (4 tables, no charts) | "
                 + " | ".join(f"{r['figures_page_median']:.0f} (dashboard {r['page_median'] / r['figures_page_median']:.1f}x)"
                              for r in results.values()) + " |")
    lines.append("| processing times, naive (all rows into Python, statistics) | "
                 + " | ".join(f"{r['naive_clocks_median']:.0f}" for r in results.values()) + " |")
    lines.append("| processing times, casework stage_clocks (ordered index scans) | "
                 + " | ".join(f"{r['stage_clocks_median']:.0f} ({r['naive_clocks_median'] / r['stage_clocks_median']:.1f}x faster)"
                              for r in results.values()) + " |")
    for name, r in results.items():
        lines += ["", f"Slowest queries of one render on {name} (ms):", ""]
        lines += [f"- {ms:.1f}: `{sql.replace('`', '')}…`" for ms, sql in r["slowest"]]
    built = ", ".join(f"{r['build_s']:.0f} s on {n}" for n, r in results.items())
    lines += ["", f"Building the data took {built}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50_000)
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the databases an earlier run built (same --cases) instead of rebuilding")
    parser.add_argument("--db-dir", type=Path, default=Path(tempfile.gettempdir()) / "bench-reporting")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the last measurements kept under --db-dir")
    parser.add_argument("--child", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if args.child == "build":
        child_build(args.cases)
        return
    if args.child == "measure":
        child(args.cases, args.renders)
        return
    sys.path.insert(0, str(REPO))
    from bench.machine import describe

    load_before = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    results = {}
    for name in ("pg", "sqlite"):
        (args.db_dir / name).mkdir(parents=True, exist_ok=True)
        (args.db_dir / name).chmod(0o700)
    if args.report_only:
        for name, folder in (("PostgreSQL 15", "pg"), ("SQLite", "sqlite")):
            kept = args.db_dir / folder / "bench-result.json"
            if kept.exists():
                results[name] = json.loads(kept.read_text())
    elif not args.no_postgres:
        print("== PostgreSQL", file=sys.stderr, flush=True)
        results["PostgreSQL 15"] = run_child(_postgres_url(fresh=not args.reuse), args.db_dir / "pg", args.cases,
                                             args.renders, reuse=args.reuse)
    if not args.no_sqlite and not args.report_only:
        print("== SQLite", file=sys.stderr, flush=True)
        path = args.db_dir / "sqlite" / "bench.sqlite3"
        if not args.reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        results["SQLite"] = run_child(f"sqlite:///{path}", args.db_dir / "sqlite", args.cases, args.renders,
                                      reuse=args.reuse)
    load_after = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    text = report(results, args.cases, args.renders, (load_before, load_after), describe())
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
