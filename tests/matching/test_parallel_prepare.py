"""Records prepared in worker processes (engine._prepare_records) are those prepared one by one in
the main process, name serials included: serials key the comparison caches and break
ties, so numbering names in another order could change what is linked."""

import csv
import functools

import pytest

from bench.matching.generate import generate
from resettle.matching import ApplicantIn, RecordIn, engine, features
from resettle.matching.cli import match_files
from resettle.matching.model import FieldError


def _fresh_serials():
    """Number names from zero again: every cache keyed by serial is emptied too."""
    features._SERIALS.clear()
    features.name_feat.cache_clear()
    features._name_parts.cache_clear()
    features._NAME_CACHE.clear()
    engine._NAME_KEYS.clear()
    engine._NAME_YEAR_KEYS.clear()
    engine._FUZZY_ONLY.clear()


@pytest.fixture
def fresh(monkeypatch):
    # A throwaway numbering, so names other tests prepared keep theirs.
    monkeypatch.setattr(features, "_SERIALS", {})
    _fresh_serials()
    monkeypatch.setattr(engine, "PARALLEL_PREPARE_MIN", 0)
    yield _fresh_serials
    _fresh_serials()


@functools.lru_cache(maxsize=1)
def _records():
    records, _, _, _ = generate(3000, 10, seed=41)
    out = [RecordIn(**{k: v for k, v in r.items() if not k.startswith("_")}) for r in records]
    # Forms the generator may not give: a father inside the name field, Dari script, no name
    # at all, a father's name only.
    out += [
        RecordIn("X1", "Ahmad Karimi s/o Abdul Wali", "", "1985"),
        RecordIn("X2", "احمد کریمی", "عبدالولی", "1364"),
        RecordIn("X3", "", "Wali", "1985"),
        RecordIn("X4", "Karimi, Ahmad", "", ""),
    ]
    return out


def _serials(items):
    return [(p.name.serial if p.name else None, p.father.serial if p.father else None) for p in items]


def test_records_prepared_in_workers_are_those_prepared_here_serials_included(fresh):
    records = _records()
    parallel = engine._prepare_records(records, None, 2)
    fresh()
    one_by_one = engine._prepare_records(records, None, 1)  # one process
    assert parallel == one_by_one
    assert _serials(parallel) == _serials(one_by_one)
    # Numbered from zero in first-seen order, with names shared between records.
    numbers = [s for pair in _serials(parallel) for s in pair if s is not None]
    assert numbers[0] == 0 and len(set(numbers)) < len(numbers)
    assert max(numbers) == len(set(numbers)) - 1


def test_a_record_that_cannot_be_prepared_is_the_first_in_file_order(fresh):
    records = list(_records()[:200])
    # Different full names, so (most likely) different parts and workers.
    records[150] = RecordIn("BAD2", "Zalmai Stanikzai", "Gul", "1990", start_date="2010-13-45")
    records[40] = RecordIn("BAD1", "Qudratullah Ahmadzai", "Nur", "abc")
    with pytest.raises(FieldError) as exc:
        engine._prepare_records(records, None, 2)
    assert (exc.value.item_id, exc.value.field) == ("BAD1", "birth_year")


def test_match_output_is_the_same_with_records_prepared_in_workers(fresh, tmp_path):
    records, applicants, _, _ = generate(3000, 600, seed=43)
    r_path, a_path = tmp_path / "R.csv", tmp_path / "A.csv"
    for path, rows in ((r_path, records), (a_path, applicants)):
        cols = [k for k in rows[0] if not k.startswith("_")]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            w.writerows([[r[c] for c in cols] for r in rows])
    match_files(r_path, a_path, tmp_path / "M1.csv", 0.01, quiet=True, workers=1)
    fresh()
    match_files(r_path, a_path, tmp_path / "M2.csv", 0.01, quiet=True, workers=2)
    one, two = (tmp_path / "M1.csv").read_bytes(), (tmp_path / "M2.csv").read_bytes()
    assert one.count(b"\n") > 300
    assert one == two


def test_random_pairs_compared_in_workers_are_those_compared_here(fresh, monkeypatch):
    monkeypatch.setattr(engine, "RANDOM_CHUNK", 500)
    items = engine._prepare_records(_records(), None, 1)
    _, applicants, _, _ = generate(3000, 400, seed=41)
    apps = engine._prepare_applicants(
        [ApplicantIn(**{k: v for k, v in a.items() if not k.startswith("_")}) for a in applicants], None)
    index = engine.Index(prepared=items, lazy_params=True)
    here = index._random_levels(apps, 4000)
    with engine._workers(index, apps, 2) as mapper:
        there = index._random_levels(apps, 4000, mapper)
    assert here.shape == (4000, 7) and (here == there).all()
    assert len({tuple(r) for r in here.tolist()}) > 20  # varied pairs, not one repeated
