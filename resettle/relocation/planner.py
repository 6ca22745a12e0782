"""Flight manifests: which approved households fly on which flight of a tranche.

Pure Python (numpy and scipy's HiGHS), no Django: the relocation app turns its rows into
`Flight` and `Household` values, calls `plan` (or the greedy peer `plan_greedy`), and stores the
result. Rules the plan keeps, each tested in tests/relocation/test_planner.py:

- a household flies together on one flight, unless a coordinator allowed it to split;
- no flight carries more seated people than it has seats; an infant on a lap takes no seat but
  is on the manifest (one 2021 airlift's first count missed 183 children), and needs a seated
  person of the household to hold it;
- linked households (a married son's family and his parents) fly on the same flight or not at
  all; a household ready only from a date never flies earlier;
- a pin puts a household on a flight, a hold keeps it back, a readiness block keeps it back with
  its reason; conflicting requests (a pin before the ready date, two linked households pinned
  apart, pins beyond a flight's seats) make the request infeasible, each conflict named;
- the plan maximises the priority of the households flown (a household's weight, see
  `priority_weight`); among households of the same size, the higher priority flies earlier;
- every household left for a later flight gets a sentence saying why.

The model is a multiple knapsack. Households of the same size and ready date are
interchangeable for the seats, so the integer variables count households of a (size, first
flight) class per flight, and one continuous variable per household picks which ones of a class
fly (the objective takes the highest priorities first). That keeps 20,000 households on 150
flights to tens of thousands of integer variables instead of three million binaries.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

# A household's priority: the stated risk level sets the base, a vulnerability (medical need)
# raises it by half, and waiting since approval raises it by up to half again over a year, so
# that among equals the longest-waiting family flies first. The scale is ours; its inputs are the
# ones the issue names (risk level, vulnerability, date of approval).
RISK_WEIGHTS = {"low": 1.0, "moderate": 2.0, "high": 4.0, "severe": 8.0}
MEDICAL_FACTOR = 1.5
WAIT_FACTOR_MAX = 0.5
WAIT_DAYS_FULL = 365


class PlanInputError(ValueError):
    """The request itself is malformed (not merely infeasible): unknown ids, negative seats."""


def priority_weight(*, risk: str, medical_need: bool = False, approved_on: date | None = None,
                    as_of: date | None = None) -> float:
    if risk not in RISK_WEIGHTS:
        raise PlanInputError(f"unknown risk level {risk!r}; expected one of {', '.join(RISK_WEIGHTS)}")
    weight = RISK_WEIGHTS[risk]
    if medical_need:
        weight *= MEDICAL_FACTOR
    if approved_on is not None and as_of is not None:
        waited = min(max((as_of - approved_on).days, 0), WAIT_DAYS_FULL)
        weight *= 1 + WAIT_FACTOR_MAX * waited / WAIT_DAYS_FULL
    return round(weight, 6)


@dataclass(frozen=True)
class Flight:
    id: str
    date: date
    seats: int
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass(frozen=True)
class Household:
    id: str
    seats: int  # people who need a seat: everyone but the infants on a lap
    lap_infants: int = 0
    weight: float = 1.0
    ready_from: date | None = None
    split_allowed: bool = False
    pinned_flight: str | None = None
    held: bool = False
    hold_reason: str = ""
    blocked: str = ""  # why a member is not ready (no travel document...); never placed
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.id


@dataclass
class FlightLoad:
    seats_used: int = 0
    lap_infants: int = 0
    households: list[str] = field(default_factory=list)


@dataclass
class Plan:
    method: str  # "highs" or "greedy"
    status: str  # "optimal", "feasible" (gap reported), "infeasible" (see problems)
    placements: dict[str, tuple[tuple[str, int], ...]]  # household -> ((flight, seated people), ...)
    infants_on: dict[str, str]  # household -> flight its lap infants travel on
    left: dict[str, str]  # household -> why it is left for a later flight
    problems: list[str]
    loads: dict[str, FlightLoad]
    objective: float  # priority weight of the households flown
    bound: float | None  # proven upper bound on that weight (None for the greedy peer)
    seconds: float
    solver_message: str = ""

    @property
    def gap(self) -> float | None:
        if self.bound is None:
            return None
        if self.bound <= 0:
            return 0.0
        return max(0.0, (self.bound - self.objective) / self.bound)

    @property
    def proven_optimal(self) -> bool:
        return self.status == "optimal"

    def flights_of(self, household_id: str) -> list[str]:
        return [f for f, _ in self.placements.get(household_id, ())]

    @property
    def seats_filled(self) -> int:
        return sum(load.seats_used for load in self.loads.values())

    @property
    def people_flown(self) -> int:
        return sum(load.seats_used + load.lap_infants for load in self.loads.values())

    @property
    def households_flown(self) -> int:
        return len(self.placements)


# --- shared preparation -------------------------------------------------------------------

@dataclass
class _Unit:
    """What the optimiser places: one household, or linked households that fly together."""
    members: list[Household]
    seats: int
    infants: int
    weight: float
    first: int  # index of the first flight it may take (flights sorted by date)
    split: bool
    pin: int | None = None

    @property
    def ids(self) -> list[str]:
        return [h.id for h in self.members]


def _fmt(d: date) -> str:
    return d.isoformat()


class _Prepared:
    def __init__(self, flights, households, links):
        self.flights: list[Flight] = sorted(flights, key=lambda f: (f.date, f.id))
        self.households = list(households)
        self.problems: list[str] = []
        self.left: dict[str, str] = {}
        self.units: list[_Unit] = []
        self._validate(links)
        if not self.problems:
            self._build_units(links)

    def _validate(self, links) -> None:
        flight_ids = [f.id for f in self.flights]
        if len(set(flight_ids)) != len(flight_ids):
            raise PlanInputError("two flights share one id")
        for f in self.flights:
            if f.seats < 0:
                raise PlanInputError(f"flight {f.name}: seats must be 0 or more, not {f.seats}")
        self.by_id = {}
        for h in self.households:
            if h.id in self.by_id:
                raise PlanInputError(f"household {h.name} is listed twice")
            if h.seats < 0 or h.lap_infants < 0:
                raise PlanInputError(f"household {h.name}: seats and lap infants must be 0 or more")
            if h.weight < 0 or math.isnan(h.weight):
                raise PlanInputError(f"household {h.name}: priority weight must be 0 or more")
            self.by_id[h.id] = h
        self.flight_index = {f.id: i for i, f in enumerate(self.flights)}
        # The largest flight on or after each flight: what a household ready by then could take.
        self.biggest_from = [0] * (len(self.flights) + 1)
        for i in range(len(self.flights) - 1, -1, -1):
            self.biggest_from[i] = max(self.flights[i].seats, self.biggest_from[i + 1])
        for group in links:
            for hid in group:
                if hid not in self.by_id:
                    raise PlanInputError(f"link names household {hid!r}, which is not in this tranche")
        for h in self.households:
            if h.pinned_flight is not None and h.pinned_flight not in self.flight_index:
                self.problems.append(f"{h.name} is pinned to flight {h.pinned_flight}, which is not in this tranche.")

    def first_flight(self, ready: date | None) -> int:
        if ready is None:
            return 0
        for i, f in enumerate(self.flights):
            if f.date >= ready:
                return i
        return len(self.flights)

    def _build_units(self, links) -> None:
        parent = {h.id: h.id for h in self.households}

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for group in links:
            group = list(group)
            for other in group[1:]:
                a, b = find(group[0]), find(other)
                if a != b:
                    parent[b] = a
        groups: dict[str, list[Household]] = defaultdict(list)
        for h in self.households:
            groups[find(h.id)].append(h)
        for members in groups.values():
            self._unit(members)

    def _unit(self, members: list[Household]) -> None:
        if len(members) > 1:
            # A household with nobody left in it (everyone removed as not ready) has nothing to fly.
            empty = [h for h in members if h.seats == 0 and h.lap_infants == 0 and h.pinned_flight is None
                     and not h.held and not h.blocked]
            for h in empty:
                self.left[h.id] = "Nobody in this household is ready to travel."
            members = [h for h in members if h not in empty] or members[:1]
            if len(members) == 1 and members[0] in empty:
                return
            pinned_empty = [h for h in members if h.seats == 0 and h.lap_infants == 0 and h.pinned_flight is not None]
            if pinned_empty:
                for h in pinned_empty:
                    self.problems.append(f"{h.name} is pinned to flight {self._flight_name(h.pinned_flight)} "
                                         "but nobody in it is ready to travel.")
                return
        together = len(members) > 1
        names = ", ".join(h.name for h in members)
        # A hold or a block on one linked household keeps the whole group back: relatives who
        # must not be left behind alone are not flown without them.
        stopped = [h for h in members if h.held or h.blocked]
        pins = {h.pinned_flight for h in members if h.pinned_flight is not None}
        for h in members:
            if stopped and h.pinned_flight is not None:
                culprit = h if h in stopped else stopped[0]
                why = "held back" if culprit.held else f"blocked ({culprit.blocked})"
                who = "" if culprit is h else f" linked with {culprit.name}, which is"
                self.problems.append(f"{h.name} is pinned to flight {self._flight_name(h.pinned_flight)} but is{who} {why}.")
        if len(pins) > 1:
            detail = "; ".join(f"{h.name} to {self._flight_name(h.pinned_flight)}"
                               for h in members if h.pinned_flight is not None)
            self.problems.append(f"Linked households {names} must fly together but are pinned to different flights ({detail}).")
            return
        if stopped:
            for h in members:
                if h.held:
                    self.left[h.id] = "Held back by a coordinator" + (f": {h.hold_reason}" if h.hold_reason else ".")
                elif h.blocked:
                    self.left[h.id] = f"Blocked: {h.blocked}"
            for h in members:
                if h.id not in self.left:
                    culprit = stopped[0]
                    state = "held back" if culprit.held else "blocked"
                    self.left[h.id] = f"Linked with {culprit.name}, which is {state}; linked households fly together."
            return
        seats = sum(h.seats for h in members)
        infants = sum(h.lap_infants for h in members)
        ready = max((h.ready_from for h in members if h.ready_from is not None), default=None)
        first = self.first_flight(ready)
        pin = self.flight_index[next(iter(pins))] if pins else None
        short = [h for h in members if h.lap_infants > h.seats]
        if short:
            h = short[0]
            reason = (f"{h.lap_infants} infant(s) on a lap but only {h.seats} seated member(s) to hold them; "
                      f"give an infant a seat or check the household.")
            if pin is not None:
                self.problems.append(f"{h.name} is pinned to flight {self.flights[pin].name}: {reason}")
            for m in members:
                self.left[m.id] = reason if m is h else f"Linked with {h.name}: {reason}"
            return
        if seats == 0:
            if pin is not None:
                self.problems.append(f"{names} {'are' if together else 'is'} pinned to flight "
                                     f"{self.flights[pin].name} but nobody in it is ready to travel.")
            for m in members:
                self.left[m.id] = "Nobody in this household is ready to travel."
            return
        if pin is not None:
            if pin < first:
                self.problems.append(
                    f"{names} {'are' if together else 'is'} pinned to flight {self.flights[pin].name} on "
                    f"{_fmt(self.flights[pin].date)} but ready only from {_fmt(ready)}.")
                return
        elif first >= len(self.flights):
            last = self.flights[-1].date if self.flights else None
            reason = (f"Ready only from {_fmt(ready)}; "
                      + (f"the last flight of this tranche leaves on {_fmt(last)}." if last else "the tranche has no flights."))
            for m in members:
                self.left[m.id] = (f"Linked households {names} fly together. " if together else "") + reason
            return
        split = (not together) and members[0].split_allowed
        if pin is None and not split:
            biggest = self.biggest_from[first]
            if seats > biggest:
                reason = (f"{'Together they need' if together else 'Needs'} {seats} seats on one flight; the largest flight "
                          f"it can take has {biggest}. A coordinator may allow the household to split.")
                for m in members:
                    self.left[m.id] = (f"Linked households {names} fly together. " if together else "") + reason
                return
        self.units.append(_Unit(members=members, seats=seats, infants=infants,
                                weight=sum(h.weight for h in members), first=first, split=split, pin=pin))

    def _flight_name(self, fid: str) -> str:
        i = self.flight_index.get(fid)
        return self.flights[i].name if i is not None else fid


def _infeasible(method: str, prep: _Prepared, started: float) -> Plan:
    return Plan(method=method, status="infeasible", placements={}, infants_on={}, left=dict(prep.left),
                problems=prep.problems, loads={f.id: FlightLoad() for f in prep.flights}, objective=0.0,
                bound=None, seconds=time.perf_counter() - started)


def _pinned_room(prep: _Prepared) -> list[int] | None:
    """Seats left on each flight after the pinned units, or None (problems recorded) if a pin overflows."""
    room = [f.seats for f in prep.flights]
    for u in prep.units:
        if u.pin is not None:
            room[u.pin] -= u.seats
    for i, f in enumerate(prep.flights):
        if room[i] < 0:
            pinned = [", ".join(u.ids) for u in prep.units if u.pin == i]
            prep.problems.append(f"Households pinned to flight {f.name} need {f.seats - room[i]} seats; it has {f.seats} "
                                 f"({'; '.join(pinned)}).")
    return None if any(r < 0 for r in room) else room


class _Builder:
    """Turns unit placements into a Plan and explains every household left behind."""

    def __init__(self, prep: _Prepared):
        self.prep = prep
        self.placements: dict[str, tuple[tuple[str, int], ...]] = {}
        self.infants_on: dict[str, str] = {}
        self.loads = {f.id: FlightLoad() for f in prep.flights}
        self.used = [0] * len(prep.flights)
        self.removable: list[list[tuple[float, int]]] = [[] for _ in prep.flights]  # (weight, seats) per flight
        self.objective = 0.0
        self.unplaced: list[_Unit] = []

    def place(self, unit: _Unit, flight: int) -> None:
        f = self.prep.flights[flight]
        for h in unit.members:
            self.placements[h.id] = ((f.id, h.seats),)
            if h.lap_infants:
                self.infants_on[h.id] = f.id
            self.loads[f.id].households.append(h.id)
        self.loads[f.id].seats_used += unit.seats
        self.loads[f.id].lap_infants += unit.infants
        self.used[flight] += unit.seats
        self.objective += unit.weight
        if unit.pin is None:
            self.removable[flight].append((unit.weight, unit.seats))

    def place_split(self, unit: _Unit, parts: list[tuple[int, int]]) -> None:
        h = unit.members[0]
        parts = [(i, n) for i, n in sorted(parts) if n > 0]
        self.placements[h.id] = tuple((self.prep.flights[i].id, n) for i, n in parts)
        # Infants go with the largest part (the earliest if two are equal): most hands to hold them.
        carrier = max(parts, key=lambda p: (p[1], -p[0]))[0]
        if h.lap_infants:
            self.infants_on[h.id] = self.prep.flights[carrier].id
        self.loads[self.prep.flights[carrier].id].lap_infants += h.lap_infants
        for i, n in parts:
            fid = self.prep.flights[i].id
            self.loads[fid].households.append(h.id)
            self.loads[fid].seats_used += n
            self.used[i] += n
        self.objective += unit.weight

    def skip(self, unit: _Unit) -> None:
        self.unplaced.append(unit)

    def finish(self, method: str, status: str, bound: float | None, started: float, message: str = "") -> Plan:
        self.method = method
        left = dict(self.prep.left)
        self._explain(left)
        return Plan(method=method, status=status, placements=self.placements, infants_on=self.infants_on, left=left,
                    problems=[], loads=self.loads, objective=round(self.objective, 9), bound=bound,
                    seconds=time.perf_counter() - started, solver_message=message)

    def _explain(self, left: dict[str, str]) -> None:
        flights = self.prep.flights
        if not self.unplaced:
            return
        nf = len(flights)
        room = np.array([f.seats - u for f, u in zip(flights, self.used)], dtype=np.int64)
        needs = np.array([u.seats for u in self.unplaced], dtype=np.int64)
        weights = np.array([u.weight for u in self.unplaced], dtype=float)
        firsts = np.array([u.first if u.pin is None else u.pin for u in self.unplaced], dtype=np.int64)
        # For each unplaced unit: the cheapest way to make room on some flight it may take, by
        # taking off lower-priority households (lowest priority first).
        best_cost = np.full(len(self.unplaced), np.inf)
        best_flight = np.full(len(self.unplaced), -1)
        best_count = np.zeros(len(self.unplaced), dtype=np.int64)
        free_flight = np.full(len(self.unplaced), -1)
        for i in range(nf):
            eligible = firsts <= i
            fits = eligible & (needs <= room[i]) & (free_flight < 0)
            free_flight[fits] = i
            rows = sorted(self.removable[i])
            if not rows:
                continue
            w_sorted = np.array([r[0] for r in rows])
            seat_cum = np.cumsum([r[1] for r in rows])
            w_cum = np.cumsum(w_sorted)
            short = needs - room[i]
            k = np.searchsorted(seat_cum, short, side="left")  # take off rows[0..k]
            below = np.searchsorted(w_sorted, weights, side="left")  # rows strictly lower priority
            ok = eligible & (short > 0) & (k < below)
            cost = np.where(ok, w_cum[np.minimum(k, len(rows) - 1)], np.inf)
            better = cost < best_cost
            best_cost[better] = cost[better]
            best_flight[better] = i
            best_count[better] = k[better] + 1
        # The flight with the most room on or after each flight (the earliest of equals).
        most_from: list[int | None] = [None] * (nf + 1)
        for i in range(nf - 1, -1, -1):
            nxt = most_from[i + 1]
            most_from[i] = i if nxt is None or room[i] >= room[nxt] else nxt
        for j, unit in enumerate(self.unplaced):
            together = len(unit.members) > 1
            subject = "Together they need" if together else "Needs"
            if unit.split and self.method == "greedy":
                subject = "The greedy peer never splits a household; needs"
            if unit.split and self.method != "greedy":
                total = int(room[unit.first:].sum()) if unit.first < nf else 0
                reason = (f"Allowed to split, it still needs {unit.seats} seats across flights; the flights it can take "
                          f"have {total} left after households of equal or higher priority per seat.")
            elif free_flight[j] >= 0:
                f = flights[free_flight[j]]
                reason = (f"{subject} {unit.seats} seats; flight {f.name} on {_fmt(f.date)} still has "
                          f"{int(room[free_flight[j]])} free, but the plan is not proven optimal (see the gap).")
            elif best_flight[j] >= 0:
                f = flights[best_flight[j]]
                them = "them" if together else "it"
                own = "their" if together else "its"
                reason = (f"{subject} {unit.seats} seats on one flight. Fitting {them} on {f.name} ({_fmt(f.date)}) would "
                          f"take off {int(best_count[j])} household(s) of lower priority whose priorities add up to "
                          f"{best_cost[j]:.2f}")
                if best_cost[j] >= unit.weight - 1e-9:
                    reason += f", at least {own} own {unit.weight:.2f}."
                elif self.method == "greedy":
                    reason += (f", less than {own} own {unit.weight:.2f}: the greedy rule seats the largest households "
                               f"first, whatever their priority.")
                else:
                    reason += f", less than {own} own {unit.weight:.2f}; the plan is not proven optimal (see the gap)."
            else:
                start = flights[unit.first].date if unit.first < nf else None
                most = most_from[unit.first] if unit.first < nf else None
                reason = (f"{subject} {unit.seats} seats on one flight; every flight {'they' if together else 'it'} "
                          f"can take{f' (from {_fmt(start)})' if start and unit.first > 0 else ''} is full with households "
                          f"of equal or higher priority"
                          + (f" (most room left: {int(room[most])} seats on {flights[most].name})." if most is not None else "."))
            names = ", ".join(h.name for h in unit.members)
            for h in unit.members:
                left[h.id] = (f"Linked households {names} fly together. " if together else "") + reason


# --- the optimiser --------------------------------------------------------------------------

def plan(flights, households, *, links=(), time_limit: float = 10.0, target_gap: float = 1e-6) -> Plan:
    """The priority-maximising manifest, solved with HiGHS (scipy.optimize.milp).

    `links` is an iterable of sets of household ids that fly on one flight. `target_gap` is the
    relative gap at which HiGHS may stop; the plan reports the gap it proved either way.
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    started = time.perf_counter()
    prep = _Prepared(flights, households, links)
    if prep.problems:
        return _infeasible("highs", prep, started)
    room = _pinned_room(prep)
    if room is None:
        return _infeasible("highs", prep, started)
    build = _Builder(prep)
    for u in prep.units:
        if u.pin is not None:
            build.place(u, u.pin)
    free = [u for u in prep.units if u.pin is None]
    nf = len(prep.flights)

    # Variables: n[class, flight] (integer), pick[unit] (continuous, one per regular unit),
    # and for split-allowed households y (binary), parts k[h, f] (integer), used z[h, f] (binary).
    classes: dict[tuple[int, int], list[_Unit]] = defaultdict(list)
    splits: list[_Unit] = []
    for u in free:
        (splits if u.split else classes[(u.seats, u.first)]).append(u)
    for members in classes.values():
        members.sort(key=lambda u: (-u.weight, u.ids[0]))

    cost: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    integer: list[int] = []

    def var(c, low, high, is_int):
        cost.append(c)
        lo.append(low)
        hi.append(high)
        integer.append(1 if is_int else 0)
        return len(cost) - 1

    rows, cols, vals = [], [], []
    row_lo, row_hi = [], []

    def row(entries, low, high):
        r = len(row_lo)
        for c, v in entries:
            rows.append(r)
            cols.append(c)
            vals.append(v)
        row_lo.append(low)
        row_hi.append(high)

    capacity_terms: list[list[tuple[int, float]]] = [[] for _ in range(nf)]
    class_vars: dict[tuple[int, int], list[tuple[int, int]]] = {}
    pick_vars: dict[tuple[int, int], list[int]] = {}
    for key, members in classes.items():
        seats, first = key
        n_vars = []
        for i in range(first, nf):
            top = min(len(members), room[i] // seats)
            if top <= 0:
                continue
            v = var(0.0, 0, top, True)
            n_vars.append((i, v))
            capacity_terms[i].append((v, seats))
        class_vars[key] = n_vars
        picks = [var(-u.weight, 0, 1, False) for u in members]
        pick_vars[key] = picks
        row([(p, 1.0) for p in picks] + [(v, -1.0) for _, v in n_vars], 0, 0)
    min_weight = min((u.weight for u in free if u.weight > 0), default=1.0)
    split_vars = []
    for u in splits:
        y = var(-u.weight, 0, 1, True)
        parts = []
        for i in range(u.first, nf):
            if room[i] <= 0:
                continue
            k = var(0.0, 0, min(u.seats, room[i]), True)
            z = var(1e-3 * min_weight, 0, 1, True)  # each extra flight a family is spread over costs a little
            parts.append((i, k))
            capacity_terms[i].append((k, 1.0))
            row([(k, 1.0), (z, -float(u.seats))], -np.inf, 0)
        row([(k, 1.0) for _, k in parts] + [(y, -float(u.seats))], 0, 0)
        split_vars.append((u, y, parts))
    for i in range(nf):
        if capacity_terms[i]:
            row(capacity_terms[i], -np.inf, room[i])

    pinned_weight = build.objective
    total_weight = pinned_weight + sum(u.weight for u in free)
    bound, message = pinned_weight, ""
    best = _candidate(np.zeros(len(cost)), classes, class_vars, split_vars, room)
    if cost:
        matrix = coo_array((vals, (rows, cols)), shape=(len(row_lo), len(cost))).tocsr()
        c = np.array(cost)
        bounds = Bounds(np.array(lo), np.array(hi))
        constraints = [LinearConstraint(matrix, np.array(row_lo), np.array(row_hi))]

        def remaining() -> float:
            # Keep a tenth of the budget for rounding, ordering and the explanations.
            return max(0.2, 0.9 * time_limit - (time.perf_counter() - started))

        # 1. The LP relaxation: a proven bound, and rounded down then topped up by priority, a
        #    plan within a fraction of a percent on large tranches, in seconds.
        lp = milp(c, integrality=np.zeros(len(cost)), bounds=bounds, constraints=constraints,
                  options={"time_limit": remaining()})
        bound = pinned_weight - float(lp.fun) if lp.status == 0 else total_weight
        if lp.x is not None:
            best = max(best, _candidate(lp.x, classes, class_vars, split_vars, room), key=lambda cand: cand[0])
        message = "LP relaxation rounded"
        # 2. Branch and bound while the gap is above the target and time is left.
        if _gap(pinned_weight + best[0], bound) > target_gap and remaining() > 0.5:
            res = milp(c, integrality=np.array(integer), bounds=bounds, constraints=constraints,
                       options={"time_limit": remaining(), "mip_rel_gap": target_gap})
            message = res.message
            if res.mip_dual_bound is not None and np.isfinite(res.mip_dual_bound):
                bound = min(bound, pinned_weight - float(res.mip_dual_bound))
            if res.x is not None:
                best = max(best, _candidate(res.x, classes, class_vars, split_vars, room), key=lambda cand: cand[0])

    _, slots, split_parts = best
    for key, members in classes.items():
        flown = members[:len(slots[key])]  # the highest priorities of the class
        for u in members[len(slots[key]):]:
            build.skip(u)
        for u, i in zip(flown, slots[key]):
            u._slot = i
    _earliest_for_highest(classes, build)
    for u, _, _ in split_vars:
        if id(u) in split_parts:
            build.place_split(u, split_parts[id(u)])
        else:
            build.skip(u)
    bound = max(bound, build.objective)
    tolerance = 1e-7 * max(1.0, abs(bound))
    status = "optimal" if bound - build.objective <= tolerance else "feasible"
    return build.finish("highs", status, bound, started, message)


def _gap(objective: float, bound: float) -> float:
    return 0.0 if bound <= 0 else max(0.0, (bound - objective) / bound)


def _candidate(x, classes, class_vars, split_vars, room):
    """A plan from a solver's values: counts rounded down, then the room left filled with the
    households left out, highest priority first, each on the earliest flight it fits.

    Returns (weight flown, flight slots per class, parts per split household)."""
    nf = len(room)
    left = list(room)
    slots: dict[tuple[int, int], list[int]] = {}
    for key, n_vars in class_vars.items():
        slots[key] = []
        for i, v in n_vars:
            count = int(math.floor(x[v] + 1e-6))
            slots[key].extend([i] * count)
            left[i] -= count * key[0]
    split_parts: dict[int, list[tuple[int, int]]] = {}
    for u, y, parts in split_vars:
        if x[y] > 1 - 1e-6:
            chosen = [(i, int(math.floor(x[k] + 1e-6))) for i, k in parts]
            if sum(n for _, n in chosen) == u.seats:
                split_parts[id(u)] = chosen
                for i, n in chosen:
                    left[i] -= n
    rest = [u for key, members in classes.items() for u in members[len(slots[key]):]]
    rest += [u for u, _, _ in split_vars if id(u) not in split_parts]
    rest.sort(key=lambda u: (-u.weight, u.seats, u.ids[0]))
    most = max(left, default=0)
    for u in rest:
        if u.seats > most and not u.split:
            continue
        for i in range(u.first, nf):
            if left[i] >= u.seats:
                left[i] -= u.seats
                if u.split:
                    split_parts[id(u)] = [(i, u.seats)]
                else:
                    slots[(u.seats, u.first)].append(i)
                break
        else:
            if u.split and sum(left[u.first:]) >= u.seats:
                need, parts = u.seats, []
                for i in range(u.first, nf):
                    take = min(need, left[i])
                    if take > 0:
                        parts.append((i, take))
                        left[i] -= take
                        need -= take
                split_parts[id(u)] = parts
            else:
                continue
        most = max(left, default=0)
    weight = sum(u.weight for key, members in classes.items() for u in members[:len(slots[key])])
    weight += sum(u.weight for u, _, _ in split_vars if id(u) in split_parts)
    return weight, slots, split_parts


def _earliest_for_highest(classes, build: _Builder) -> None:
    """Among flown households of one size, the higher priority takes the earlier seat.

    The solver only fixes how many of each (size, ready date) class go on each flight; the slots
    of one size are then handed out in flight order, each to the highest-priority household ready
    for it. Eligibility is a suffix of the flights, so this always finds a place for everyone.
    """
    by_size: dict[int, list[_Unit]] = defaultdict(list)
    for (seats, _), members in classes.items():
        by_size[seats].extend(u for u in members if hasattr(u, "_slot"))
    for units in by_size.values():
        slots = sorted(u._slot for u in units)
        units.sort(key=lambda u: u.first)
        heap: list[tuple[float, str, int]] = []
        j = 0
        for slot in slots:
            while j < len(units) and units[j].first <= slot:
                heapq.heappush(heap, (-units[j].weight, units[j].ids[0], j))
                j += 1
            _, _, pick = heapq.heappop(heap)
            build.place(units[pick], slot)
        for u in units:
            del u._slot


def _first_fit(build: _Builder, units: list[_Unit], room: list[int]) -> None:
    room = list(room)
    for u in units:
        for i in range(u.first, len(room)):
            if room[i] >= u.seats:
                room[i] -= u.seats
                build.place(u, i)
                break
        else:
            build.skip(u)


# --- the peer -------------------------------------------------------------------------------

def plan_greedy(flights, households, *, links=()) -> Plan:
    """The plain peer: largest household first, each on the earliest flight with room.

    It keeps the same hard rules (families together, capacity, pins, holds, links, ready dates)
    so that the benchmark compares the choice of who flies, not rule-breaking.
    """
    started = time.perf_counter()
    prep = _Prepared(flights, households, links)
    if prep.problems:
        return _infeasible("greedy", prep, started)
    room = _pinned_room(prep)
    if room is None:
        return _infeasible("greedy", prep, started)
    build = _Builder(prep)
    for u in prep.units:
        if u.pin is not None:
            build.place(u, u.pin)
    free = sorted((u for u in prep.units if u.pin is None), key=lambda u: (-u.seats, u.ids[0]))
    _first_fit(build, free, room)
    return build.finish("greedy", "feasible", None, started)
