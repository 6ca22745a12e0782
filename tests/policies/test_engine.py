"""Engine behaviour: one definition per criterion, so evaluating applications one by one and
simulating them all at once must agree; missing facts give *unknown*, and filling them in
never reverses a definite answer."""

import json
import textwrap
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from resettle.policies.engine import Situation, SituationError, all_policies, evaluate, load_policy
from resettle.policies.engine import tri
from resettle.policies.engine.dates import age_on, birth_range, parse_date_expr
from resettle.policies.engine.evaluate import situations_table
from resettle.policies.engine.simulate import Outcomes, records_table
from resettle.policies.engine.table import Column
from resettle.policies.engine.vocab import shared as shared_vocabulary

EXTRA = textwrap.dedent("""\
    title: Synthetic pathway exercising relative windows and length of service
    versions:
      - id: v1
        effective_from: 2000-01-01
        sources:
          - {id: S1, title: test fixture}
        criteria:
          recent_service:
            type: employment
            employer: {not_in: [us_forces, other]}
            role: [interpreter, driver, guard]
            ended_on_or_after: reference_date - 2 years
            started_on_or_before: reference_date - 30 days
          long_service:
            type: employment
            any_of:
              - {employer: [nzdf, nz_police, mfat]}
              - {employer: [contractor], unit: {not_in: [us_prt]}}
            min_service: {months: 12}
            verification: any
          afghan:
            type: attribute
            field: nationality
            in: [afghan]
          in_window:
            type: reference_date
            on_or_after: 2010-01-01
            on_or_before: 2020-12-31
        outcomes:
          - id: full
            when: {all: [recent_service, afghan, in_window]}
            outcome: offer
            offers: [resettlement, relocation_payment]
          - id: long
            when: {all: [long_service, {not: recent_service}]}
            outcome: offer
            offers: [cash_assistance]
          - id: discretion
            when: {any: [recent_service, long_service]}
            outcome: referral
    """)


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    path = tmp_path_factory.mktemp("policies") / "synthetic.yaml"
    path.write_text(EXTRA, encoding="utf-8")
    policies = [*all_policies(), load_policy(path)]
    _POLICIES.update({p.id: p for p in policies})
    return Versions([v for p in policies for v in p.versions])


class Versions(list):
    # hypothesis prints fixtures on failure; the policies themselves would be pages long
    def __repr__(self):
        return f"<{len(self)} policy versions: {', '.join(v.key for v in self)}>"


EMPLOYERS = ["nzdf", "nz_police", "mfat", "nz_aid", "us_forces", "uk_forces", "contractor", "isaf_other", None]
UNITS = ["nz_prt_bamyan", "nz_police_bamyan", "nz_embassy_kabul", "uk_task_force_helmand", "us_prt", None]
ROLES = ["interpreter", "driver", "engineer", "mechanic", "guard", "cook", "cultural_adviser", None]
DAY0 = date(2000, 1, 1).toordinal()

dates = st.one_of(st.none(), st.integers(0, 8000).map(lambda d: date.fromordinal(DAY0 + d)))
employment = st.fixed_dictionaries({
    "employer": st.sampled_from(EMPLOYERS),
    "unit": st.sampled_from(UNITS),
    "role": st.sampled_from(ROLES),
    "location": st.sampled_from(["bamyan", "kabul", "helmand", None]),
    "start": dates,
    "end": st.one_of(dates, st.just("ongoing")),
    "verification": st.sampled_from(["confirmed", "rejected", "unverified"]),
})
flag = st.sampled_from([True, False, None])
# the received date: a day, or a moment with its zone (which moves it across midnight)
received = st.one_of(
    st.integers(3000, 8500).map(lambda d: date.fromordinal(DAY0 + d)),
    st.tuples(st.integers(3000 * 24, 8500 * 24), st.sampled_from([0, 1, 12, -5])).map(
        lambda t: datetime(2000, 1, 1, tzinfo=timezone(timedelta(hours=t[1]))) + timedelta(hours=t[0])),
)
situations = st.fixed_dictionaries({
    "reference_date": received,
    "dates": st.fixed_dictionaries({}, optional={"petition_filed": st.integers(3000, 8500).map(
        lambda d: date.fromordinal(DAY0 + d))}),
    "principal": st.fixed_dictionaries({
        "nationality": st.sampled_from(["afghan", "pakistani", None]),
        "at_risk": flag, "dismissed": flag, "dismissal_minor": flag, "high_imminent_risk": flag,
        "substantive_contribution": flag, "elevated_risk": flag, "sensitive_information": flag,
        "recommendation_letter": flag, "ongoing_serious_threat": flag,
        "employment": st.lists(employment, max_size=3),
    }),
})


def scalar_category(version, situation):
    r = evaluate(_policy_of(version), _declared(version, situation), version)
    return r.rule_id if r.outcome != "unknown" else "unknown"


_POLICIES = {}


def _policy_of(version):
    return _POLICIES[version.policy_id]


def _declared(version, situation):
    """The situation with only the facts this version's policy declares (any other is an error)."""
    if isinstance(situation, Situation):
        return situation
    facts = _policy_of(version).vocabulary.terms("facts")
    principal = {k: v for k, v in situation["principal"].items() if k == "employment" or k in facts}
    return {**situation, "principal": principal}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(situations, min_size=1, max_size=12))
def test_single_evaluation_and_simulation_agree(versions, raw):
    for version in versions:
        policy = _policy_of(version)
        sits = [Situation.from_dict(_declared(version, s), vocabulary=policy.vocabulary, zone=policy.zone)
                for s in raw]
        table = situations_table(sits, policy.zone)
        out = Outcomes.compute(version, table, use_assumptions=False)
        vector = [out.labels[c] for c in out.category]
        single = [scalar_category(version, s) for s in sits]
        assert vector == single, version.key


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(employment, min_size=1, max_size=20), st.integers(3000, 8500))
def test_records_simulation_agrees_with_single_evaluation(versions, records, ref_day):
    """A record simulates as a confirmed claim plus the version's stated assumptions."""
    ref = date.fromordinal(DAY0 + ref_day)
    for r in records:
        if r["end"] == "ongoing":
            r["end"] = None  # records have no 'ongoing': an empty end date is unknown
    table = records_table(
        employer=Column.from_values(r["employer"] for r in records),
        unit=Column.from_values(r["unit"] for r in records),
        role=Column.from_values(r["role"] for r in records),
        location=Column.from_values(r["location"] for r in records),
        start=np.array([r["start"].toordinal() if r["start"] else 0 for r in records]),
        end=np.array([r["end"].toordinal() if r["end"] else 0 for r in records]),
        reference=ref,
    )
    for version in versions:
        out = Outcomes.compute(version, table)
        for i, r in enumerate(records):
            s = {"reference_date": ref,
                 "principal": {**version.assume, "employment": [{**r, "verification": "confirmed"}]}}
            assert out.labels[out.category[i]] == scalar_category(version, s), version.key


def _fill(situation, rnd):
    """Replace every missing fact by some value."""
    p = situation["principal"]
    for k, v in list(p.items()):
        if v is None:
            p[k] = rnd.draw(st.sampled_from([True, False]) if k != "nationality" else st.sampled_from(["afghan", "x"]))
    for e in p["employment"]:
        for k in ("employer", "unit", "role", "location"):
            if e[k] is None:
                e[k] = rnd.draw(st.sampled_from([x for x in {"employer": EMPLOYERS, "unit": UNITS, "role": ROLES,
                                                             "location": ["bamyan", "kabul"]}[k] if x]))
        if e["verification"] == "unverified":
            e["verification"] = rnd.draw(st.sampled_from(["confirmed", "rejected"]))
        if e["start"] is None:
            e["start"] = date.fromordinal(DAY0 + rnd.draw(st.integers(0, 8000)))
        if e["end"] is None:
            e["end"] = rnd.draw(st.one_of(st.just("ongoing"), st.integers(0, 8000).map(lambda d: date.fromordinal(DAY0 + d))))
    return situation


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(situations, st.data())
def test_filling_in_missing_evidence_never_reverses_a_definite_answer(versions, raw, data):
    import copy

    before = {v.key: evaluate(_policy_of(v), _declared(v, copy.deepcopy(raw)), v) for v in versions}
    after_raw = _fill(copy.deepcopy(raw), data)
    for v in versions:
        b, a = before[v.key], evaluate(_policy_of(v), _declared(v, after_raw), v)
        for cb, ca in zip(b.criteria, a.criteria):
            if cb.status != "unknown":
                assert ca.status == cb.status, (v.key, cb.id)
        if b.outcome != "unknown":
            assert (a.outcome, a.rule_id) == (b.outcome, b.rule_id), v.key
        elif a.outcome != "unknown":
            assert a.rule_id in {p["rule_id"] for p in b.possible}, v.key
        else:
            assert {p["rule_id"] for p in a.possible} <= {p["rule_id"] for p in b.possible}, v.key


def test_unknown_names_the_missing_evidence(versions):
    v = next(x for x in versions if x.key == "nz-afghan-2021@2021-08")
    r = evaluate(_policy_of(v), {"reference_date": "2021-08-20", "principal": {
        "nationality": "afghan", "employment": [{"employer": "nzdf", "role": "driver"}]}}, v)
    assert r.outcome == "unknown"
    assert json.loads(json.dumps(r.to_dict()))["outcome"] == "unknown"
    assert r.criterion("assisted_nz_agency").missing == ["verification pending (needs employment confirmed by the employer)"]
    assert r.criterion("at_risk").missing == ["at_risk not recorded (needs at_risk is true)"]


def test_evidence_names_the_period_and_who_verified_it(versions):
    v = next(x for x in versions if x.key == "nz-bamyan-2012@2012-12")
    r = evaluate(_policy_of(v), {"reference_date": "2013-02-01", "principal": {"employment": [
        {"employer": "nzdf", "unit": "nz_prt_bamyan", "role": "interpreter", "location": "bamyan",
         "start": "2011-03-01", "end": "2012-11-30", "verification": "confirmed",
         "verified_by": "NZ Defence Force", "verified_on": "2013-01-10"}]}}, v)
    assert r.criterion("recent_prt_interpreter").evidence == [
        "employed by nzdf (nz_prt_bamyan) as interpreter in bamyan, 2011-03-01 to 2012-11-30; "
        "verification confirmed by NZ Defence Force on 2013-01-10"]


def test_relative_window_and_min_service(versions):
    v = next(x for x in versions if x.key == "synthetic@v1")
    pol = _policy_of(v)
    base = {"employer": "nzdf", "role": "interpreter", "verification": "confirmed"}

    def run(ref, *periods, **principal):
        return evaluate(pol, {"reference_date": ref, "principal": {"nationality": "afghan", **principal,
                                                                   "employment": [{**base, **p} for p in periods]}}, v)

    # left 2 years minus a day before the reference date: inside the window
    r = run("2015-06-30", {"start": "2010-01-01", "end": "2013-07-01"})
    assert r.criterion("recent_service").status == "met" and r.rule_id == "full"
    r = run("2015-06-30", {"start": "2010-01-01", "end": "2013-06-29"})
    assert r.criterion("recent_service").status == "not_met"
    # two periods of 200 days add up to a year; one alone does not
    r = run("2019-01-01", {"start": "2010-01-01", "end": "2010-07-19"}, {"start": "2011-01-01", "end": "2011-07-19"})
    assert r.criterion("long_service").status == "met" and r.rule_id == "long"
    r = run("2019-01-01", {"start": "2010-01-01", "end": "2010-07-19"})
    assert r.criterion("long_service").status == "not_met"
    # an unknown end date could make up the difference
    r = run("2019-01-01", {"start": "2010-01-01", "end": "2010-07-19"}, {"start": "2011-01-01"})
    assert r.criterion("long_service").status == "unknown"
    # verification: any accepts an unverified claim
    r = run("2019-01-01", {"start": "2010-01-01", "end": "2011-07-19", "verification": "unverified"})
    assert r.criterion("long_service").status == "met"


def test_date_expressions():
    e = parse_date_expr("reference_date - 2 years")
    assert e.resolve(date(2012, 12, 12)) == date(2010, 12, 12)
    assert parse_date_expr("reference_date - 1 month").resolve(date(2013, 3, 31)) == date(2013, 2, 28)
    assert parse_date_expr("reference_date + 10 days").resolve(date(2013, 12, 25)) == date(2014, 1, 4)
    assert parse_date_expr("2010-12-01").resolve(date(2020, 1, 1)) == date(2010, 12, 1)
    with pytest.raises(ValueError):
        parse_date_expr("two years ago")


def test_age_from_birth_year_is_a_range():
    lo, hi = birth_range(2000)
    assert (age_on(hi, date(2018, 6, 1)), age_on(lo, date(2018, 6, 1))) == (17, 18)
    assert birth_range("2000-02") == (date(2000, 2, 1), date(2000, 2, 29))
    assert birth_range(None) is None


def test_kleene_operations():
    vals = np.array([tri.NO, tri.UNKNOWN, tri.YES], dtype=np.int8)
    a, b = np.meshgrid(vals, vals)
    a, b = a.ravel(), b.ravel()
    assert list(tri.all_of([a, b], 9)) == [min(x, y) for x, y in zip(a, b)]
    assert list(tri.any_of([a, b], 9)) == [max(x, y) for x, y in zip(a, b)]
    assert list(tri.negate(vals)) == [2, 1, 0]


@pytest.mark.parametrize("bad,message", [
    ({"principal": {}}, "reference_date"),
    ({"reference_date": "2013-02-30"}, "situation.reference_date"),
    ({"reference_date": "2013-01-01", "principal": {"employment": [{"role": "terp"}]}}, "employment[0].role"),
    ({"reference_date": "2013-01-01", "principal": {"employment": [{"start": "01/02/2010"}]}}, "employment[0].start"),
    ({"reference_date": "2013-01-01", "members": [{"relationship": "cousin"}]}, "members[0].relationship"),
    ({"reference_date": "2013-01-01", "members": [{"relationship": "child", "birth": "soon"}]}, "members[0].birth"),
])
def test_bad_situations_name_the_field(bad, message):
    with pytest.raises(SituationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        Situation.from_dict(bad, vocabulary=shared_vocabulary())


def test_version_chosen_by_reference_date():
    from resettle.policies.engine import get_policy

    p = get_policy("nz-bamyan-2012")
    assert p.version_on(date(2012, 11, 1)).id == "2012-10"
    assert p.version_on(date(2012, 12, 12)).id == "2012-12"
    with pytest.raises(LookupError):
        p.version_on(date(2012, 10, 1))
    assert p.version_on(date(2012, 12, 11) + timedelta(days=1)).id == "2012-12"


def test_columns_normalise_values():
    col = Column.from_values(["NZDF", "nzdf", " nzdf ", None, "", "unknown", True, 1, False, 0])
    assert [col.value(i) for i in range(len(col))] == ["nzdf", "nzdf", "nzdf", None, None, None, "true", "1",
                                                       "false", "0"]
