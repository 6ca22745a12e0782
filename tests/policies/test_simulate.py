"""Simulation over employment records: counts, intervals, breakdowns, comparison, chart."""

from datetime import date

import numpy as np
import pytest

from resettle.policies.engine import get_policy
from resettle.policies.engine.simulate import (
    Outcomes, RecordsError, chart, compare, format_comparison, read_records_csv, records_table, simulate,
)
from resettle.policies.engine.table import Column

REF = date(2012, 12, 12)


def synthetic(n=5000, seed=3):
    rng = np.random.default_rng(seed)

    def col(cats):
        codes = rng.integers(0, len(cats), n).astype(np.int32)
        codes[rng.random(n) < 0.03] = -1
        return Column(cats, codes)

    start = rng.integers(date(2004, 1, 1).toordinal(), date(2012, 11, 1).toordinal(), n)
    end = np.minimum(start + rng.integers(30, 1500, n), date(2013, 4, 1).toordinal())
    end[rng.random(n) < 0.05] = 0
    return records_table(employer=col(["nzdf", "nz_police", "mfat", "us_forces"]),
                         unit=col(["nz_prt_bamyan", "nz_police_bamyan", "us_prt"]),
                         role=col(["interpreter", "driver", "engineer", "mechanic", "cook"]),
                         location=col(["bamyan", "kabul"]), start=start, end=end, reference=REF,
                         ids=[f"R{i}" for i in range(n)])


@pytest.fixture(scope="module")
def bamyan():
    return get_policy("nz-bamyan-2012")


def test_counts_and_breakdowns_add_up(bamyan):
    table = synthetic()
    res = simulate(bamyan.version("2012-12"), table)
    assert sum(res.counts.values()) == table.n_groups
    for by in ("role", "unit", "year"):
        totals = {k: sum(r[k] for r in res.breakdowns[by]) for k in res.counts}
        assert totals == res.counts, by
    interpreters = next(r for r in res.breakdowns["role"] if r["role"] == "interpreter")
    assert interpreters["staff_payment"] == 0 and interpreters["interpreter_package"] > 0


def test_intervals_bracket_the_definite_and_possible(bamyan):
    res = simulate(bamyan.version("2012-12"), synthetic())
    for e in res.estimates:
        lo, mid, hi = e.principals
        assert e.definite <= lo <= mid <= hi <= e.definite + e.possible
        assert e.applicants[2] <= hi
    pkg = next(e for e in res.estimates if e.rule_id == "interpreter_package")
    assert pkg.possible > 0 and pkg.principals[2] > pkg.principals[0]


def test_dependants_follow_the_prior_or_observed_families(bamyan):
    v = bamyan.version("2012-12")
    table = synthetic(20000)
    prior = simulate(v, table, take_up_prior=(10_000, 0))
    e = next(x for x in prior.estimates if x.rule_id == "interpreter_package")
    assert e.dependants[1] / e.applicants[1] == pytest.approx(96 / 44, rel=0.1)
    observed = simulate(v, table, observed_family_sizes=[4] * 50, take_up_prior=(10_000, 0))
    e = next(x for x in observed.estimates if x.rule_id == "interpreter_package")
    assert e.dependants[1] / e.applicants[1] == pytest.approx(4, rel=0.05)
    assert "observed" in observed.assumptions["dependants"]


def test_comparison_lists_who_changes_category(bamyan):
    table = synthetic()
    c = compare(bamyan.version("2012-10"), bamyan.version("2012-12"), table, examples=5)
    a = Outcomes.compute(bamyan.version("2012-10"), table)
    b = Outcomes.compute(bamyan.version("2012-12"), table)
    moved = [i for i in range(table.n_groups) if a.labels[a.category[i]] != b.labels[b.category[i]]]
    assert c.changed == len(moved) > 0
    assert sum(r["count"] for r in c.crosstab) == table.n_groups
    assert [e["id"] for e in c.changed_examples] == [f"R{i}" for i in moved[:5]]
    # nobody offered the October package loses it in December
    assert not [r for r in c.crosstab if r["left"] == "interpreter_package" and r["right"] != "interpreter_package"]
    assert "Changes of category" in format_comparison(c)


@pytest.mark.parametrize("suffix,magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_chart_files(tmp_path, bamyan, suffix, magic):
    c = compare(bamyan.version("2012-10"), bamyan.version("2012-12"), synthetic(2000))
    path = chart(c, tmp_path / f"out{suffix}")
    assert path.read_bytes().startswith(magic)


def test_rows_for_the_page(bamyan):
    rows = simulate(bamyan.version("2012-12"), synthetic(1000)).rows()
    assert {r["outcome_rule"] for r in rows} == {"interpreter_package", "engineer_mechanic_payment",
                                                 "staff_payment", "minister_exception"}
    assert all(r["principals_low"] <= r["principals_median"] <= r["principals_high"] for r in rows)


HEADER = "record_id,full_name,father_name,birth_year,role,unit,location,employer,start_date,end_date\n"


def test_read_records_csv(tmp_path, bamyan):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + "A1,x,y,1361,interpreter,nz_prt_bamyan,bamyan,nzdf,2011-01-01,2012-10-01\n"
                             "A2,x,y,,driver,nz_prt_bamyan,bamyan,nzdf,2011-01-01,\n", encoding="utf-8-sig")
    table = read_records_csv(path, REF)
    out = Outcomes.compute(bamyan.version("2012-12"), table)
    assert [out.labels[c] for c in out.category] == ["interpreter_package", "unknown"]


@pytest.mark.parametrize("body,message", [
    ("A1,x,y,,interpreter,nz_prt_bamyan,bamyan,nzdf,2011-31-01,\n", "row 2: field start_date"),
    ("A1,x,y,,interpreter,nz_prt_bamyan,bamyan,nzdf,,\n,x,y,,,,,,,\n", "row 3: field record_id"),
])
def test_records_csv_errors_name_row_and_field(tmp_path, body, message):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    with pytest.raises(RecordsError, match=message):
        read_records_csv(path, REF)


def test_records_csv_missing_column(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("record_id,role\nA,interpreter\n", encoding="utf-8")
    with pytest.raises(RecordsError, match="row 1: missing column"):
        read_records_csv(path, REF)
