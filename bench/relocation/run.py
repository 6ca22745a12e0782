"""Manifest planning at tranche and airlift scale, against the greedy peer, in one run.

Synthetic households of 1 to 12 people (Afghan households are large: the 2013 cohort brought
about two family members per interpreter, the 2021 evacuees whole extended families), infants on
a lap among them, each with a priority from a risk level, medical need and date of approval; some
ready only from a later date, some linked in pairs, a few pinned or held. Flights of 90 to 300
seats (a C-130 to a chartered wide-body) over the tranche's days.

Targets (issue 15): 2,000 households on 20 flights proven optimal or within 1% in <= 10 s;
20,000 households on 150 flights within 2% in <= 60 s. The peer is the plain greedy planner
(largest household first), under the same hard rules.

Run: `.venv/bin/python -m bench.relocation.run [--quick]`. Writes docs/benchmarks/relocation.md.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from tqdm import tqdm

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bench.machine import describe  # noqa: E402
from resettle.relocation.planner import Flight, Household, plan, plan_greedy, priority_weight  # noqa: E402

START = date(2026, 12, 1)
SIZES = list(range(1, 13))
# Household size distribution: a mode around six to eight, a long tail of extended families.
SIZE_WEIGHTS = [4, 5, 6, 8, 10, 12, 12, 10, 8, 6, 4, 3]
RISKS = ["low", "moderate", "high", "severe"]
RISK_SHARES = [0.2, 0.4, 0.3, 0.1]


def generate(n_households: int, n_flights: int, days: int, seed: int):
    rng = random.Random(seed)
    flights = [Flight(f"F{i:03d}", START + timedelta(days=rng.randrange(days)), rng.randint(90, 300))
               for i in range(n_flights)]
    households = []
    infants_total = 0
    for i in range(n_households):
        size = rng.choices(SIZES, SIZE_WEIGHTS)[0]
        # Infants under two travel on a lap; a household of one has nobody else to hold one.
        infants = min(size - 1, rng.choices([0, 1, 2], [0.7, 0.25, 0.05])[0]) if size > 1 else 0
        infants_total += infants
        approved = START - timedelta(days=rng.randrange(400))
        weight = priority_weight(risk=rng.choices(RISKS, RISK_SHARES)[0], medical_need=rng.random() < 0.12,
                                 approved_on=approved, as_of=START)
        ready = START + timedelta(days=rng.randrange(days)) if rng.random() < 0.25 else None
        roll = rng.random()
        households.append(Household(
            id=f"H{i:05d}", seats=size - infants, lap_infants=infants, weight=weight, ready_from=ready,
            split_allowed=roll < 0.01, held=0.01 <= roll < 0.02))
    # A few pins, on households ready in time, kept within half of a flight's seats.
    pinned_load: dict[str, int] = {}
    for idx in rng.sample(range(n_households), max(1, n_households // 200)):
        h = households[idx]
        if h.held:
            continue
        options = [f for f in flights if (h.ready_from is None or f.date >= h.ready_from)
                   and pinned_load.get(f.id, 0) + h.seats <= f.seats // 2]
        if options:
            f = rng.choice(options)
            pinned_load[f.id] = pinned_load.get(f.id, 0) + h.seats
            households[idx] = Household(**{**h.__dict__, "pinned_flight": f.id, "split_allowed": False})
    pinned = {h.id for h in households if h.pinned_flight}
    free = [h.id for h in households if h.id not in pinned and not h.held]
    links = []
    picks = rng.sample(free, (n_households // 50) * 2)
    for a, b in zip(picks[::2], picks[1::2]):
        links.append({a, b})
    return flights, households, links, infants_total


def run_case(name, n_households, n_flights, days, time_limit, target, seed=7):
    flights, households, links, infants = generate(n_households, n_flights, days, seed)
    seats = sum(f.seats for f in flights)
    people = sum(h.seats + h.lap_infants for h in households)
    cpu = time.process_time()
    # The optimiser gets 80% of the budget: the machine is shared, and a load spike must not push
    # the wall time over the target. It stops early once proven within a tenth of the target gap.
    ours = plan(flights, households, links=links, time_limit=0.8 * time_limit, target_gap=target / 10)
    ours.cpu = time.process_time() - cpu
    cpu = time.process_time()
    peer = plan_greedy(flights, households, links=links)
    peer.cpu = time.process_time() - cpu
    assert ours.status != "infeasible", ours.problems
    return dict(name=name, households=n_households, flights=n_flights, seats=seats, people=people, infants=infants,
                links=len(links), time_limit=time_limit, target=target, ours=ours, peer=peer,
                explained=len(ours.left), total_weight=sum(h.weight for h in households))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="only the 2,000-household case")
    args = parser.parse_args()
    cases = [("tranche", 2_000, 20, 10, 10.0, 0.01), ("airlift", 20_000, 150, 14, 60.0, 0.02)]
    if args.quick:
        cases = cases[:1]
    load_before = os.getloadavg()
    results = []
    for case in tqdm(cases, desc="planning", unit="case"):
        results.append(run_case(*case))
    load_after = os.getloadavg()
    lines = [
        "## Relocation: flight manifests (issue 15)", "",
        f"Machine: {describe()}. Load average before {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f} (2 cores shared with other engineers' work).",
        "Command: `python -m bench.relocation.run`. Solver: HiGHS through `scipy.optimize.milp`; peer: greedy, "
        "largest household first onto the earliest flight with room, under the same hard rules (families "
        "together, capacity, ready dates, links, pins, holds). Synthetic households of 1-12 people "
        "(infants under two on a lap), 25% ready only from a later date, 2% linked in pairs, 0.5% pinned, "
        "1% held, 1% allowed to split; flights of 90-300 seats.", "",
        "| case | households (people, lap infants) | flights (seats) | planner | wall time (CPU) | status | gap | "
        "households flown | priority flown | seats filled | people flown |",
        "|---|---|---|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for r in results:
        for p in (r["ours"], r["peer"]):
            gap = "-" if p.gap is None else f"{p.gap:.4%}"
            lines.append(
                f"| {r['name']} | {r['households']:,} ({r['people']:,}, {r['infants']:,}) | {r['flights']} ({r['seats']:,}) | "
                f"{'ours (HiGHS)' if p.method == 'highs' else 'greedy peer'} | {p.seconds:.2f} s ({p.cpu:.2f} s) | {p.status} | {gap} | "
                f"{p.households_flown:,} | {p.objective:,.1f} | {p.seats_filled:,} ({p.seats_filled / r['seats']:.1%}) | "
                f"{p.people_flown:,} |")
        ours, peer = r["ours"], r["peer"]
        met = ours.seconds <= r["time_limit"] and (ours.gap or 0) <= r["target"]
        verdicts.append(
            f"- **{r['name']}** ({r['households']:,} households, {r['flights']} flights): ours {ours.seconds:.2f} s, "
            f"{'proven optimal' if ours.proven_optimal else f'gap {ours.gap:.4%} to the proven bound {ours.bound:,.1f}'}; "
            f"target {r['target']:.0%} in {r['time_limit']:.0f} s **{'met' if met else 'NOT met'}**. Against the peer: "
            f"priority-weighted households flown x{ours.objective / peer.objective:.3f}, households flown "
            f"x{ours.households_flown / max(1, peer.households_flown):.3f}, seats filled "
            f"x{ours.seats_filled / max(1, peer.seats_filled):.3f}. Every household left behind "
            f"({r['explained']:,}) has its reason.")
    lines += ["", *verdicts, "",
              "What the figures mean: the optimiser maximises the priority of the households flown, so it flies more, "
              "smaller and higher-priority families where the greedy peer seats the largest first; both fill nearly "
              "every seat, since households are small beside a flight. The gap is the optimiser's own proof: the "
              "best possible priority is at most the bound HiGHS reports, whatever plan anyone finds. How: the LP "
              "relaxation of the class model (households of one size and first flight counted per flight) gives the "
              "bound, its counts rounded down and topped up by priority give the plan; branch and bound runs only "
              "while the gap is above a tenth of the target, within 80% of the time budget. Wall time is what a "
              "coordinator waits on this shared machine; CPU time is the work itself (the load average above "
              "explains the difference).", ""]
    out = REPO / "docs" / "benchmarks" / "relocation.md"
    out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
