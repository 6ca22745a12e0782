"""The vectorised first pass of scoring (Index._reachable) only saves time: every candidate it
drops is one the record-by-record scoring would drop at the same floor, so what is linked,
listed and estimated is exactly what it was without it."""

import random

import pytest

from bench.matching.generate import generate
from resettle.matching import ApplicantIn, Index, RecordIn, dedupe, link
from resettle.matching import engine
from resettle.matching.engine import CANDIDATE_FLOOR, _prepare_applicants


def _data(seed, identifiers=False):
    records, applicants, _, _ = generate(3000, 300, seed=seed)
    rng = random.Random(seed)
    recs, apps = [], []
    for r in records:
        extra = {}
        if identifiers and rng.random() < 0.5:
            extra = {"grandfather_name": rng.choice(["Ghulam Haidar", "Abdul Wahid", "غلام حیدر", ""]),
                     "tazkira_number": rng.choice(["1234-5678", "12345679", "", "9876"])}
        recs.append(RecordIn(**{k: v for k, v in r.items() if not k.startswith("_")}, **extra))
    for a in applicants:
        extra = {}
        if identifiers and rng.random() < 0.5:
            extra = {"grandfather_name": rng.choice(["Gholam Haydar", "Abdulwahid", ""]),
                     "tazkira_number": rng.choice(["12345678", "1234 5678", ""])}
        apps.append(ApplicantIn(**{k: v for k, v in a.items() if not k.startswith("_")}, **extra))
    return recs, apps


def _without_first_pass(monkeypatch):
    monkeypatch.setattr(engine.Index, "_reachable", lambda self, a, block, floor: list(block))
    monkeypatch.setattr(engine.Index, "_via_reachable", lambda self, a, m, siblings, floor: siblings)


def test_first_pass_over_a_matched_records_siblings_drops_only_what_scoring_drops(monkeypatch):
    recs, apps = _data(seed=23)
    index = Index(recs, lazy_params=True)
    prepared = _prepare_applicants(apps, None)
    index.calibrate(prepared)
    thresholds = (index.model_logodds(0.5), index.model_logodds(0.1), index.model_logodds(0.9))
    with_pass = {t: [index.link_one(a, t) for a in prepared] for t in thresholds}
    assert any(e[4] is not None for t in thresholds for out in with_pass[t] for e in out)  # carried over
    siblings = kept = 0
    for a in prepared:
        for _, mi, _, _ in index.score_prepared(a, floor=thresholds[0]):
            sib = list(index._siblings(mi))
            siblings += len(sib)
            kept += len(index._via_reachable(a, index.items[mi], sib, thresholds[0]))
    assert kept < siblings / 2
    # The bound itself, at floors around where carried-over records score: every sibling it
    # drops scores under the floor.
    near = 0
    for a in prepared[:150]:
        for _, mi, _, _ in index.score_prepared(a, floor=thresholds[1]):
            m = index.items[mi]
            sib = list(index._siblings(mi))
            same = {c: index._via_score(a, m, index.items[c]) for c in sib}
            for floor in (-6.0, -3.0, -1.0, 0.0, 1.0, 3.0):
                kept_here = set(index._via_reachable(a, m, sib, floor))
                near += sum(1 for c in sib if same[c] is not None and floor <= same[c] < floor + 1)
                assert all(same[c] is None or same[c] < floor for c in sib if c not in kept_here)
    assert near > 0
    _without_first_pass(monkeypatch)
    for t in thresholds:
        assert [index.link_one(a, t) for a in prepared] == with_pass[t]


@pytest.mark.parametrize("identifiers", [False, True])
def test_first_pass_drops_only_what_scoring_drops(monkeypatch, identifiers):
    recs, apps = _data(seed=21, identifiers=identifiers)
    index = Index(recs, lazy_params=True)
    prepared = _prepare_applicants(apps, None)
    index.calibrate(prepared)
    floors = (CANDIDATE_FLOOR, index.model_logodds(0.5), index.model_logodds(0.99), -25.0)
    with_pass = {f: [index.score_prepared(a, floor=f) for a in prepared] for f in floors}
    # It did drop candidates (else it would test nothing): far fewer are scored one by one.
    block_sizes = sum(len(index._block(a)) for a in prepared)
    kept = sum(len(index._reachable(a, index._block(a), floors[1])) for a in prepared)
    assert kept < block_sizes / 3
    _without_first_pass(monkeypatch)
    for f in floors:
        assert [index.score_prepared(a, floor=f) for a in prepared] == with_pass[f]


def test_link_dedupe_and_calibration_unchanged(monkeypatch):
    recs, apps = _data(seed=22)
    matches = link(recs, apps, explain=True)
    clusters = dedupe(apps).clusters
    params = Index(recs, lazy_params=True)
    params.calibrate(_prepare_applicants(apps, None))
    _without_first_pass(monkeypatch)
    assert link(recs, apps, explain=True) == matches
    assert dedupe(apps).clusters == clusters
    plain = Index(recs, lazy_params=True)
    plain.calibrate(_prepare_applicants(apps, None))
    assert plain.params == params.params


def test_name_cap_bounds_every_records_name_weight():
    """_name_cap(j, x) is at least the weight x's name (j 0) or father's name (j 1) gets against
    any record's, at every level, names that repeat a token ("Mohammad Mohammad") included:
    the first pass drops records on it before any name is compared."""
    recs, apps = _data(seed=24)
    # A common whole name, and names repeating a token.
    recs += [RecordIn(record_id=f"kz{i}", full_name="Karimullah Zadran", father_name="Haidar") for i in range(100)]
    recs += [RecordIn(record_id="rep1", full_name="Karimullah Karimullah", father_name="Ghulam Ghulam Haidar"),
             RecordIn(record_id="rep2", full_name="Ali", father_name="Ghulam")]
    apps += [ApplicantIn(applicant_id="repA", full_name="Karimullah Zadran", father_name="Ghulam Haidar"),
             ApplicantIn(applicant_id="repB", full_name="Ali Ali Ahmadi", father_name="Haidar Ghulam")]
    index = Index(recs, lazy_params=True)
    prepared = _prepare_applicants(apps, None)
    index.calibrate(prepared)
    levels_seen = set()
    for a in prepared[:120] + prepared[-2:]:
        for j, x in enumerate((a.name, a.father)):
            cap = index._name_cap(j, x)
            by_serial = index._names_by_serial if j == 0 else index._fathers_by_serial
            for y in by_serial.values():
                if x is None:
                    continue
                lv = engine.F.compare_name(x, y)
                levels_seen.add((j, lv))
                assert index._name_weight(j, lv, x, y) <= cap + 1e-9, (x.raw, y.raw, lv)
    # Every level of both names was met (exact, contained, skeleton, typo and worse).
    assert {lv for j, lv in levels_seen if j == 0} >= set(range(engine.F.TYPO + 1))
    assert {lv for j, lv in levels_seen if j == 1} >= {0, 1}
