"""Load benchmark: signed-in staff browsing plus a stream of import submissions, on PostgreSQL
over loopback, against the production server (`make run`'s gunicorn) and, as the peer
baseline in the same run, Django's development server.

    python -m bench.load.run [--minutes 5] [--staff 50] [--per-minute 200] [--baseline-minutes 1]

Target (issue 11): p95 <= 300 ms, no errors, every submission stored exactly once, the audit
chain intact afterwards. Writes docs/benchmarks/load.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from tqdm import tqdm

from bench.load import pages
from bench.machine import describe

REPO = Path(__file__).resolve().parents[2]
PY = sys.executable
PORT = 18733


def sh(args, env, **kw):
    return subprocess.run([PY, "-m", "resettle", *args], env=env, cwd=REPO, check=True, **kw)


def prepare(database_url: str, data_dir: Path, staff: int) -> tuple[dict, dict]:
    import psycopg

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {**os.environ, "DATABASE_URL": database_url, "RESETTLE_DATA_DIR": str(data_dir),
           "RESETTLE_SECURE_COOKIES": "0", "RESETTLE_DB_CONN_MAX_AGE": "60", "LOAD_STAFF": str(staff),
           "RESETTLE_TESTING": "0", "RESETTLE_AUDIT_CHECKPOINTS": str(data_dir / "audit-checkpoints.log")}
    for key in [k for k in env if k.startswith("PYTEST")]:
        env.pop(key)
    sh(["init-secrets"], env, stdout=subprocess.DEVNULL)
    sh(["migrate", "--no-input", "-v", "0"], env)
    print("loading the demo world...", flush=True)
    sh(["demo-data"], env, stdout=subprocess.DEVNULL)
    out = subprocess.run([PY, "-m", "bench.load.setup_world"], env=env, cwd=REPO, check=True,
                         capture_output=True, text=True).stdout
    return env, json.loads(out.strip().splitlines()[-1])


def parse_mix(text: str) -> tuple[int, int]:
    """'3x4' -> (3 worker processes, 4 threads each)."""
    try:
        workers, threads = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write worker processes x threads, e.g. 3x4") from None
    if workers < 1 or threads < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one process and one thread")
    return workers, threads


def start_server(kind: str, env: dict, mix: tuple[int, int] = (3, 4)) -> subprocess.Popen:
    if kind == "gunicorn":
        args = [str(Path(PY).parent / "gunicorn"), "resettle.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
                "--workers", str(mix[0]), "--threads", str(mix[1]), "--timeout", "120", "--keep-alive", "75"]
    else:
        args = [PY, "-m", "resettle", "runserver", "--noreload", "--insecure", f"127.0.0.1:{PORT}"]
    proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/healthz", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            pass
        time.sleep(0.5)
    proc.kill()
    raise SystemExit(f"{kind} did not start")


KINDS = ["case list", "case page", "verification queue", "API list", "API case", "import"]


def page_kind(what: str) -> str:
    """The kind of page a request was for, to report each one's latency apart."""
    if what == "import":
        return "import"
    api = what.startswith("/api/")
    one_case = what.rstrip("/").count("/") >= (3 if api else 2)
    if api:
        return "API case" if one_case else "API list"
    if what.startswith("/verification/"):
        return "verification queue"
    return "case page" if one_case else "case list"


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.by_kind: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.submitted: list[str] = []

    def add(self, started: float, response: requests.Response | None, what: str, error: str = ""):
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.append(elapsed)
            self.by_kind.setdefault(page_kind(what), []).append(elapsed)
            if error or response is None or response.status_code >= 400:
                self.errors.append(f"{what}: {error or response.status_code}")


def _client(world: dict, session: dict) -> requests.Session:
    client = requests.Session()
    client.cookies.set(world["cookie"], session["session"], domain="127.0.0.1", path="/")
    return client


def browse(world, session, stop, rec: Recorder, think: float):
    client, base = _client(world, session), f"http://127.0.0.1:{PORT}"
    rng = random.Random(session["session"])
    pages = ["/cases/", "/api/applications/"]
    if session["role"] == "df_verifier":
        pages.append("/verification/")
    time.sleep(rng.uniform(0, think))
    while not stop.is_set():
        if session["cases"] and rng.random() < 0.5:
            case = rng.choice(session["cases"])
            path = rng.choice([f"/cases/{case}/", f"/api/applications/{case}/"])
        else:
            path = rng.choice(pages)
        started = time.perf_counter()
        try:
            rec.add(started, client.get(base + path, timeout=30, allow_redirects=False), path)
        except requests.RequestException as exc:
            rec.add(started, None, path, type(exc).__name__)
        stop.wait(rng.uniform(0.5 * think, 1.5 * think))


def submit(world, session, rec: Recorder, run_id: str, n: int):
    client, base = _client(world, session), f"http://127.0.0.1:{PORT}"
    external = f"LOAD-{run_id}-{n}"
    started = time.perf_counter()
    try:
        page = client.get(base + "/cases/import/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        body = ("application_id,relationship,full_name,father_name,pathway,received_on\n"
                f"{external},principal,Load Person {n},Load Father {n},nz-afghan-2021,2021-09-01\n")
        response = client.post(base + "/cases/import/", data={"csrfmiddlewaretoken": token},
                               files={"file": (f"{external}.csv", body.encode(), "text/csv")},
                               headers={"Referer": base + "/cases/import/"}, timeout=60)
        ok = response.status_code == 200 and "1 created" in response.text
        rec.add(started, response, "import", "" if ok else f"not stored ({response.status_code})")
        if ok:
            with rec.lock:
                rec.submitted.append(external)
    except (requests.RequestException, AttributeError) as exc:
        rec.add(started, None, "import", type(exc).__name__)


def run_load(kind, env, world, minutes, per_minute, think, mix: tuple[int, int] = (3, 4)) -> dict:
    proc = start_server(kind, env, mix)
    label = f"gunicorn {mix[0]}x{mix[1]}" if kind == "gunicorn" else kind
    rec, stop = Recorder(), threading.Event()
    run_id = uuid.uuid4().hex[:8]
    browsers = [s for s in world["sessions"] if not s["submitter"]]
    submitter = next(s for s in world["sessions"] if s["submitter"])
    load_before = os.getloadavg()
    threads = [threading.Thread(target=browse, args=(world, s, stop, rec, think), daemon=True) for s in browsers]
    for t in threads:
        t.start()
    pool = ThreadPoolExecutor(max_workers=16)
    seconds = minutes * 60
    interval = 60.0 / per_minute
    start = time.monotonic()
    n = 0
    with tqdm(total=int(seconds), desc=f"{label} load", unit="s", mininterval=10) as bar:
        while (elapsed := time.monotonic() - start) < seconds:
            while n * interval <= elapsed:
                pool.submit(submit, world, submitter, rec, run_id, n)
                n += 1
            time.sleep(0.05)
            bar.update(int(elapsed) - bar.n)
    stop.set()
    pool.shutdown(wait=True)
    for t in threads:
        t.join(timeout=60)
    load_after = os.getloadavg()
    proc.terminate()
    proc.wait(timeout=30)
    stored = subprocess.run([PY, "-c", (
        "import os,django;os.environ.setdefault('DJANGO_SETTINGS_MODULE','resettle.settings');django.setup();"
        "from resettle.applications.models import Application as A;"
        f"q=A.objects.filter(external_id__startswith='LOAD-{run_id}-');"
        "print(q.count(), q.values('external_id').distinct().count())")],
        env=env, cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    verify = subprocess.run([PY, "-m", "resettle", "audit", "verify"], env=env, cwd=REPO, capture_output=True, text=True)
    lat = sorted(rec.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0] * 99
    kinds = {}
    for page in KINDS:
        times = rec.by_kind.get(page, [])
        if times:
            kq = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
            kinds[page] = {"n": len(times), "p50": kq[49] * 1000, "p95": kq[94] * 1000,
                           "mean": statistics.fmean(times) * 1000}
    return {"server": label, "mix": mix if kind == "gunicorn" else None, "minutes": minutes, "requests": len(lat), "rps": len(lat) / seconds,
            "p50": q[49] * 1000, "p95": q[94] * 1000, "p99": q[98] * 1000, "errors": len(rec.errors),
            "error_kinds": sorted({e for e in rec.errors})[:5], "submissions": n,
            "stored_ok": len(rec.submitted), "stored_rows": int(stored[0]), "stored_distinct": int(stored[1]),
            "audit": (verify.stdout or verify.stderr).strip().splitlines()[-1][:160],
            "audit_ok": verify.returncode == 0, "load": (load_before, load_after), "kinds": kinds}


def write_report(results, args, page_lines=()):
    lines = ["## Load (web server under staff browsing and import submissions)", "",
             f"Machine: {describe()}. PostgreSQL 15 over loopback (own cluster), the demo world (420 cases). "
             f"Command: `python -m bench.load.run --minutes {args.minutes} --staff {args.staff} "
             f"--per-minute {args.per_minute} --baseline-minutes {args.baseline_minutes} "
             f"--mixes {' '.join(f'{w}x{t}' for w, t in args.mixes)}`.", "",
             f"{args.staff} signed-in staff sessions (intake, verifier, decision maker, relocation coordinator) "
             f"each open a page every {args.think:.1f} s on average (case list, case detail with its audited "
             f"identity view, verification queue, API list and detail); {args.per_minute} application imports a "
             "minute go through the web import form (one application each, all or nothing). The client runs "
             "on the same machine, in the same 2 cores.", "",
             "| server | minutes | requests | req/s | p50 ms | p95 ms | p99 ms | errors | submissions | stored once | audit chain | load avg before / after |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        once = (r["stored_rows"] == r["stored_distinct"] == r["stored_ok"])
        lines.append(f"| {r['server']} | {r['minutes']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.0f} | "
                     f"{r['p95']:.0f} | {r['p99']:.0f} | {r['errors']} | {r['submissions']} | "
                     f"{r['stored_rows']} rows, {'yes' if once else 'NO'} | {'intact' if r['audit_ok'] else 'BROKEN'} | "
                     f"{r['load'][0][0]:.1f} / {r['load'][1][0]:.1f} |")
    lines += ["", "Latency by page kind (ms):", "",
              "| server | " + " | ".join(f"{k} p50 / p95 (n)" for k in KINDS) + " |",
              "|---|" + "---|" * len(KINDS)]
    for r in results:
        cells = []
        for k in KINDS:
            x = r.get("kinds", {}).get(k)
            cells.append(f"{x['p50']:.0f} / {x['p95']:.0f} ({x['n']})" if x else "—")
        lines.append(f"| {r['server']} | " + " | ".join(cells) + " |")
    if len(results) >= 2 and results[-1]["mix"] is None:
        a, b = results[0], results[-1]
        lines += ["", f"Ratios, {a['server']} / development server: p95 {a['p95'] / max(b['p95'], 1e-9):.2f}, "
                      f"p99 {a['p99'] / max(b['p99'], 1e-9):.2f}, throughput {a['rps'] / max(b['rps'], 1e-9):.2f}."]
    target = results[0]
    met = target["p95"] <= 300 and target["errors"] == 0 and target["audit_ok"] and \
        target["stored_rows"] == target["stored_distinct"] == target["stored_ok"] == target["submissions"]
    lines += ["", f"Target (p95 <= 300 ms, 0 errors, every submission stored exactly once, audit chain intact): "
                  f"**{'met' if met else 'not met'}**."]
    for r in results:
        if r["error_kinds"]:
            lines.append(f"Errors seen ({r['server']}): {', '.join(r['error_kinds'])}.")
    if page_lines:
        lines += ["", *page_lines]
    w, t = results[0]["mix"]
    lines += ["", f"Serving set-up (the target row, the first): gunicorn, {w} worker processes x {t} threads, WhiteNoise for static files, "
                  "keep-alive 75 s, persistent database connections (RESETTLE_DB_CONN_MAX_AGE=60) with "
                  "server-side parameter binding, psycopg preparing the statements a connection repeats."]
    out = REPO / "docs" / "benchmarks" / "load.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--baseline-minutes", type=float, default=1)
    parser.add_argument("--staff", type=int, default=50)
    parser.add_argument("--per-minute", type=int, default=200)
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds between a staff member's pages")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--pages-baseline", default=pages.BASELINE_REF,
                        help="git ref whose per-page costs are measured beside this checkout's ('' for none)")
    parser.add_argument("--pages-rounds", type=int, default=3, help="0 skips the per-page costs")
    parser.add_argument("--mixes", type=parse_mix, nargs="+", default=[(3, 4)],
                        help="gunicorn worker processes x threads to run in turn, e.g. 3x4 6x2 (the first is the "
                             "target row and make run's set-up)")
    args = parser.parse_args()
    url = args.database_url
    if not url:
        cluster = subprocess.run(["scripts/pg-test-cluster.sh", "start"], cwd=REPO, check=True, capture_output=True,
                                 text=True, env={**os.environ, "PGTEST_DIR": os.environ.get("PGTEST_DIR", "/tmp/pg-load"),
                                                 "PGTEST_PORT": os.environ.get("PGTEST_PORT", "55439")})
        url = cluster.stdout.strip().rsplit("/", 1)[0] + "/resettle_load"
    env, world = prepare(url, Path("/tmp/resettle-load"), args.staff)
    page_lines = []
    if args.pages_rounds > 0:  # on the quiet machine, before the load
        page_lines = pages.report_lines(pages.compare(world, baseline_ref=args.pages_baseline or None,
                                                      rounds=args.pages_rounds, cases=8, env=env))
    results = [run_load("gunicorn", env, world, args.minutes, args.per_minute, args.think, mix) for mix in args.mixes]
    if args.baseline_minutes > 0:
        results.append(run_load("runserver", env, world, args.baseline_minutes, args.per_minute, args.think))
    write_report(results, args, page_lines)


if __name__ == "__main__":
    main()
