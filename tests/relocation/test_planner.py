"""The manifest planner on its own: no database, no Django."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resettle.relocation.planner import (
    Flight,
    Household,
    PlanInputError,
    plan,
    plan_greedy,
    priority_weight,
)

D0 = date(2026, 12, 1)


def day(n: int) -> date:
    return D0 + timedelta(days=n)


# --- checks every plan must pass ----------------------------------------------------------

def assert_rules(result, flights, households, links=()):
    by_id = {h.id: h for h in households}
    flight_by = {f.id: f for f in flights}
    assert result.status in {"optimal", "feasible"}, result.problems
    # Everyone is accounted for exactly once: flown, or left with a reason.
    assert set(result.placements) | set(result.left) == set(by_id)
    assert not set(result.placements) & set(result.left)
    assert all(reason.strip() for reason in result.left.values())
    seated = {f.id: 0 for f in flights}
    infants = {f.id: 0 for f in flights}
    for hid, parts in result.placements.items():
        h = by_id[hid]
        assert not h.held and not h.blocked
        assert sum(n for _, n in parts) == h.seats, "a household flies whole, or not at all"
        if not h.split_allowed:
            assert len(parts) == 1, f"{hid} split without permission"
        for fid, n in parts:
            assert n > 0
            seated[fid] += n
            if h.ready_from is not None:
                assert flight_by[fid].date >= h.ready_from, f"{hid} flies before it is ready"
        if h.pinned_flight is not None:
            assert [f for f, _ in parts] == [h.pinned_flight]
        if h.lap_infants:
            assert result.infants_on[hid] in {f for f, _ in parts}
            infants[result.infants_on[hid]] += h.lap_infants
    for f in flights:
        assert seated[f.id] <= f.seats, f"flight {f.id} over capacity"
        assert result.loads[f.id].seats_used == seated[f.id]
        assert result.loads[f.id].lap_infants == infants[f.id]
    for group in links:
        # A household with nobody in it has nobody to keep together.
        group = [hid for hid in group if by_id[hid].seats or by_id[hid].lap_infants or by_id[hid].held
                 or by_id[hid].blocked or by_id[hid].pinned_flight]
        flown = [hid for hid in group if hid in result.placements]
        assert not flown or len(flown) == len(group), "linked households fly together or not at all"
        assert len({tuple(result.flights_of(hid)) for hid in flown}) <= 1
    assert result.objective == pytest.approx(sum(by_id[h].weight for h in result.placements))
    if result.bound is not None:
        assert result.bound >= result.objective - 1e-9


# --- examples -------------------------------------------------------------------------------

def test_infants_on_a_lap_take_no_seat_but_are_on_the_manifest():
    flights = [Flight("F1", day(0), 4)]
    family = Household("fam", seats=4, lap_infants=2, weight=1)
    result = plan(flights, [family])
    assert result.flights_of("fam") == ["F1"]
    assert result.loads["F1"].seats_used == 4
    assert result.loads["F1"].lap_infants == 2
    assert result.people_flown == 6


def test_more_infants_than_laps_is_left_with_the_reason():
    result = plan([Flight("F1", day(0), 10)], [Household("h", seats=1, lap_infants=2)])
    assert "h" not in result.placements
    assert "2 infant(s) on a lap but only 1 seated member" in result.left["h"]


def test_a_family_is_never_split_without_permission_and_may_be_when_allowed():
    flights = [Flight("F1", day(0), 6), Flight("F2", day(1), 6)]
    big = Household("big", seats=10, weight=5)
    kept = plan(flights, [big])
    assert "big" not in kept.placements
    assert "Needs 10 seats on one flight; the largest flight it can take has 6" in kept.left["big"]
    allowed = plan(flights, [Household("big", seats=10, lap_infants=1, weight=5, split_allowed=True)])
    assert sorted(n for _, n in allowed.placements["big"]) == [4, 6]
    assert allowed.infants_on["big"] == "F1" or allowed.infants_on["big"] == "F2"
    assert allowed.status == "optimal"


def test_priority_beats_size():
    flights = [Flight("F1", day(0), 10)]
    households = [Household("large-low", seats=10, weight=1), Household("small-high", seats=3, weight=4)]
    result = plan(flights, households)
    assert list(result.placements) == ["small-high"]
    assert result.left["large-low"] == ("Needs 10 seats on one flight; every flight it can take is full with "
                                        "households of equal or higher priority (most room left: 7 seats on F1).")
    greedy = plan_greedy(flights, households)
    assert list(greedy.placements) == ["large-low"], "the peer seats the largest household first"
    assert "greedy rule seats the largest households first" in greedy.left["small-high"]


def test_higher_priority_of_the_same_size_flies_earlier():
    flights = [Flight("late", day(3), 4), Flight("early", day(0), 4)]
    households = [Household(f"h{w}", seats=4, weight=w) for w in (1, 2, 3)]
    result = plan(flights, households)
    assert result.flights_of("h3") == ["early"]
    assert result.flights_of("h2") == ["late"]
    assert "h1" in result.left


def test_ready_from_date_is_respected_and_explained():
    flights = [Flight("F1", day(0), 10), Flight("F2", day(5), 10)]
    households = [Household("later", seats=3, ready_from=day(2)), Household("too-late", seats=3, ready_from=day(9))]
    result = plan(flights, households)
    assert result.flights_of("later") == ["F2"]
    assert result.left["too-late"] == "Ready only from 2026-12-10; the last flight of this tranche leaves on 2026-12-06."


def test_linked_households_fly_on_the_same_flight():
    flights = [Flight("F1", day(0), 6), Flight("F2", day(1), 6)]
    households = [Household("son", seats=3, weight=1), Household("parents", seats=2, weight=1),
                  Household("other", seats=4, weight=1.5)]
    result = plan(flights, households, links=[{"son", "parents"}])
    assert result.flights_of("son") == result.flights_of("parents")
    assert len(result.placements) == 3


def test_a_held_household_stays_back_and_holds_back_those_linked_to_it():
    flights = [Flight("F1", day(0), 20)]
    households = [Household("a", seats=2, held=True, hold_reason="medical clearance pending"),
                  Household("b", seats=2), Household("c", seats=2, blocked="no travel document for member 2")]
    result = plan(flights, households, links=[{"a", "b"}])
    assert result.left["a"] == "Held back by a coordinator: medical clearance pending"
    assert result.left["b"] == "Linked with a, which is held back; linked households fly together."
    assert result.left["c"] == "Blocked: no travel document for member 2"
    assert not result.placements


def test_a_pin_is_respected_even_against_priority():
    flights = [Flight("F1", day(0), 5)]
    households = [Household("pinned", seats=5, weight=0.5, pinned_flight="F1"), Household("high", seats=5, weight=9)]
    result = plan(flights, households)
    assert result.flights_of("pinned") == ["F1"]
    assert "high" in result.left
    assert result.status == "optimal"


@pytest.mark.parametrize("households, links, message", [
    ([Household("a", seats=2, ready_from=day(3), pinned_flight="F1")], (),
     "a is pinned to flight F1 on 2026-12-01 but ready only from 2026-12-04."),
    ([Household("a", seats=2, pinned_flight="F1"), Household("b", seats=2, pinned_flight="F2")], [{"a", "b"}],
     "Linked households a, b must fly together but are pinned to different flights (a to F1; b to F2)."),
    ([Household("a", seats=6, pinned_flight="F1"), Household("b", seats=5, pinned_flight="F1")], (),
     "Households pinned to flight F1 need 11 seats; it has 10 (a; b)."),
    ([Household("a", seats=2, pinned_flight="F1", held=True)], (), "a is pinned to flight F1 but is held back."),
    ([Household("a", seats=2, pinned_flight="F9")], (), "a is pinned to flight F9, which is not in this tranche."),
])
@pytest.mark.parametrize("planner", [plan, plan_greedy])
def test_conflicting_requests_are_reported_as_infeasible(planner, households, links, message):
    flights = [Flight("F1", day(0), 10), Flight("F2", day(5), 10)]
    result = planner(flights, households, links=links)
    assert result.status == "infeasible"
    assert message in result.problems
    assert not result.placements


@pytest.mark.parametrize("households, flights, links", [
    ([Household("a", 1), Household("a", 2)], [Flight("F", D0, 3)], ()),
    ([Household("a", -1)], [Flight("F", D0, 3)], ()),
    ([Household("a", 1)], [Flight("F", D0, -3)], ()),
    ([Household("a", 1)], [Flight("F", D0, 3)], [{"a", "ghost"}]),
])
def test_malformed_requests_raise(households, flights, links):
    with pytest.raises(PlanInputError):
        plan(flights, households, links=links)


def test_priority_weight_rises_with_risk_need_and_waiting():
    base = priority_weight(risk="moderate")
    assert priority_weight(risk="high") > base
    assert priority_weight(risk="moderate", medical_need=True) == pytest.approx(base * 1.5)
    waited = priority_weight(risk="moderate", approved_on=date(2026, 1, 1), as_of=date(2027, 6, 1))
    assert waited == pytest.approx(base * 1.5), "waiting counts for at most a year"
    with pytest.raises(PlanInputError):
        priority_weight(risk="extreme")


def test_proven_optimal_flag_matches_the_gap():
    flights = [Flight(f"F{i}", day(i), 37) for i in range(4)]
    households = [Household(f"h{i}", seats=1 + (i * 7) % 9, weight=1 + (i * 13) % 5) for i in range(80)]
    result = plan(flights, households)
    assert_rules(result, flights, households)
    assert result.proven_optimal and result.gap == pytest.approx(0.0, abs=1e-7)
    assert result.bound == pytest.approx(result.objective)


# --- properties -----------------------------------------------------------------------------

@st.composite
def requests(draw, max_households=8, max_flights=3, special=True):
    n_flights = draw(st.integers(1, max_flights))
    flights = [Flight(f"F{i}", day(draw(st.integers(0, 4))), draw(st.integers(0, 14))) for i in range(n_flights)]
    n = draw(st.integers(0, max_households))
    households = []
    for i in range(n):
        seats = draw(st.integers(0, 8))
        households.append(Household(
            id=f"h{i}", seats=seats, lap_infants=draw(st.integers(0, 2)),
            weight=draw(st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0])),
            ready_from=draw(st.one_of(st.none(), st.integers(0, 5).map(day))),
            split_allowed=special and draw(st.booleans()) and draw(st.booleans()),
            held=special and draw(st.integers(0, 9)) == 0,
            pinned_flight=(f"F{draw(st.integers(0, n_flights - 1))}" if special and draw(st.integers(0, 7)) == 0 else None),
        ))
    links = []
    if special and n >= 2 and draw(st.booleans()):
        a, b = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        links.append({f"h{a}", f"h{b}"})
    return flights, households, links


SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(requests())
def test_every_plan_keeps_the_rules(request_):
    flights, households, links = request_
    for planner in (plan, plan_greedy):
        result = planner(flights, households, links=links)
        if result.status == "infeasible":
            assert result.problems and not result.placements
            continue
        assert_rules(result, flights, households, links)


def brute_force_best(flights, households, links):
    """Best total priority by trying every flight (or none) for every household."""
    options = []
    for h in households:
        choices = [None]
        if not h.held and not h.blocked and h.lap_infants <= h.seats and h.seats > 0:
            choices += [f for f in flights if (h.ready_from is None or f.date >= h.ready_from)
                        and (h.pinned_flight is None or f.id == h.pinned_flight)]
        if h.pinned_flight is not None:
            choices = [c for c in choices if c is not None]
        options.append(choices)
    best = None
    for combo in itertools.product(*options):
        load = {}
        for h, f in zip(households, combo):
            if f is not None:
                load[f.id] = load.get(f.id, 0) + h.seats
        if any(load.get(f.id, 0) > f.seats for f in flights):
            continue
        where = {h.id: (f.id if f else None) for h, f in zip(households, combo)}
        # A household with nobody in it, neither held nor blocked, has nobody to keep together.
        absent = {h.id for h in households if not h.seats and not h.lap_infants and not h.held and not h.blocked
                  and h.pinned_flight is None}
        if any(len({where[x] for x in group if x not in absent}) > 1 for group in links):
            continue
        value = sum(h.weight for h, f in zip(households, combo) if f is not None)
        best = value if best is None else max(best, value)
    return best


@SLOW
@given(requests(max_households=6, max_flights=3))
def test_the_optimiser_matches_brute_force_and_the_greedy_peer_never_beats_it(request_):
    flights, households, links = request_
    households = [Household(**{**h.__dict__, "split_allowed": False}) for h in households]
    result = plan(flights, households, links=links)
    best = brute_force_best(flights, households, links)
    if result.status == "infeasible":
        # Only a pin can make a request infeasible; a held pin, a pin before the ready date, or
        # pins over capacity leave no valid assignment at all.
        assert any(h.pinned_flight for h in households)
        return
    assert result.status == "optimal"
    assert best is not None
    assert result.objective == pytest.approx(best)
    greedy = plan_greedy(flights, households, links=links)
    assert greedy.objective <= result.objective + 1e-9


@SLOW
@given(requests(max_households=12, max_flights=3, special=False))
def test_no_one_left_behind_could_take_the_place_of_a_lower_priority_household(request_):
    flights, households, _ = request_
    result = plan(flights, households)
    assert_rules(result, flights, households)
    by_id = {h.id: h for h in households}
    flight_date = {f.id: f.date for f in flights}
    room = {f.id: f.seats - result.loads[f.id].seats_used for f in flights}
    for left_id in result.left:
        h = by_id[left_id]
        if h.lap_infants > h.seats or h.seats == 0:
            continue
        for flown_id, parts in result.placements.items():
            g = by_id[flown_id]
            (fid, _), = parts
            eligible = h.ready_from is None or flight_date[fid] >= h.ready_from
            fits = g.seats + room[fid] >= h.seats
            assert not (eligible and fits and g.weight < h.weight), (
                f"{left_id} (priority {h.weight}) could replace {flown_id} (priority {g.weight}) on {fid}")
        for fid, free in room.items():
            eligible = h.ready_from is None or flight_date[fid] >= h.ready_from
            assert not (eligible and free >= h.seats), f"{left_id} fits in the room left on {fid}"


@SLOW
@given(requests(max_households=12, max_flights=3, special=False))
def test_among_households_of_one_size_the_higher_priority_flies_no_later(request_):
    flights, households, _ = request_
    result = plan(flights, households)
    by_id = {h.id: h for h in households}
    flight_date = {f.id: f.date for f in flights}
    flown = [(by_id[hid], flight_date[parts[0][0]]) for hid, parts in result.placements.items()]
    for (a, da), (b, db) in itertools.permutations(flown, 2):
        if a.seats != b.seats or a.weight <= b.weight:
            continue
        # b flies earlier than a though a has the higher priority: only allowed if a was not ready.
        if db < da:
            assert a.ready_from is not None and a.ready_from > db
