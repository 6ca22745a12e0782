"""The shipped calibration's b is re-measured on the data being matched (role and period as
witnesses, no truth): the estimator finds a known b, a given calibration is never re-measured,
and a measured b is what is shown, explained and thresholded."""

import math
import random

import numpy as np
import pytest

from resettle.matching import ApplicantIn, Index, RecordIn, link
from resettle.matching.engine import SHIFT_FLOOR, _prepare_applicants, load_calibration
from resettle.matching.params import Parameters

RECORDS = [RecordIn("r1", "Zabihullah Sakhizada", "Ghulam Haidar", "1361", role="Interpreter", unit="PRT Bamyan"),
           RecordIn("r2", "Ahmad Karimi", "Nazir", "1975")] + [
    RecordIn(f"x{i}", f"{g} {s}", f, str(1950 + i % 40), role=("Guard", "Driver", "Cook")[i % 3])
    for i, (g, s, f) in enumerate((g, s, f) for g in ("Qasim", "Wahid", "Farid", "Yusuf") for s in ("Rezai", "Jafari", "Amiri")
                                  for f in ("Hamid", "Rasul", "Nabi"))]
APPLICANT = ApplicantIn("a1", "Zabiullah Sakhizada", "Ghulam Haider", "1982", claimed_role="Interpreter")


def _synthetic(index: Index, b_true: float, a: float, n: int = 20_000, seed: int = 1):
    """Pairs whose odds without the role are s and which are one person with probability
    1 / (1 + 2^-(a s + b_true)); the role's level drawn from m or u accordingly; every other
    field's bits folded into s (the period missing)."""
    rng = random.Random(seed)
    params = index.params
    j = params.fields.index("role")
    m, u = params.m["role"], params.u["role"]
    L = np.full((n, len(params.fields)), -1, dtype=np.int64)
    W = np.zeros(L.shape)
    total = np.zeros(n)
    for k in range(n):
        s = rng.uniform(SHIFT_FLOOR + 4, 12.0)
        same = rng.random() < 1 / (1 + 2 ** -(a * s + b_true))
        level = 0 if rng.random() < (m[0] if same else u[0]) else 1
        L[k, j] = level
        W[k, j] = index._weights[j][level]
        total[k] = s + W[k, j]
    return total, L, W


@pytest.mark.parametrize("b_true", [-1.0, 0.4, 2.5])
def test_the_witness_fit_finds_a_known_shift(b_true):
    index = Index(RECORDS)
    a, b0 = load_calibration()
    total, L, W = _synthetic(index, b_true, a)
    assert index._fit_shift(total, L, W, a, b0) == pytest.approx(b_true, abs=0.25)


def test_no_witness_pairs_no_estimate():
    index = Index(RECORDS)
    total, L, W = _synthetic(index, 1.0, 1.0, n=50)
    L[:, :] = -1  # neither role nor period given on any pair
    assert index._fit_shift(total, L, W, 1.0, 0.0) is None


def test_a_given_calibration_is_never_re_measured():
    applicants = _prepare_applicants([APPLICANT], None)
    index = Index(RECORDS, calibration=(1.0, 0.0))
    index.calibrate(applicants)
    assert index.params.shift is None and index.shown_calibration() == (1.0, 0.0)
    assert not Index(RECORDS, of_applicants=True)._measures_shift()
    assert Index(RECORDS)._measures_shift()


def test_a_file_of_one_applicant_keeps_the_shipped_calibration():
    index = Index(RECORDS)
    index.calibrate(_prepare_applicants([APPLICANT], None))
    assert index.params.shift is None
    assert index.shown_calibration() == load_calibration()


def test_a_measured_shift_is_shown_explained_and_thresholded():
    index = Index(RECORDS)
    a, b0 = load_calibration()
    plain = index.candidates(APPLICANT)[0]
    p = index.params
    index.set_params(Parameters(m=p.m, u=p.u, prior=p.prior, extra_names=p.extra_names, shift=b0 + 3.0))
    shifted = index.candidates(APPLICANT)[0]
    assert shifted.record_id == plain.record_id == "r1"
    assert math.isclose(shifted.log2_odds, plain.log2_odds + 3.0, abs_tol=1e-9)
    line = [c for c in shifted.contributions if c.field == "calibration"]
    assert len(line) == 1 and "measured on this file" in line[0].text
    assert math.isclose(sum(c.weight for c in shifted.contributions), shifted.log2_odds, abs_tol=1e-6)
    # The threshold is read on the shown probability: the model's odds needed fall by 3 bits / a.
    index.set_params(p)
    before = index.model_logodds(0.5)
    index.set_params(Parameters(m=p.m, u=p.u, prior=p.prior, extra_names=p.extra_names, shift=b0 + 3.0))
    assert math.isclose(index.model_logodds(0.5), before - 3.0 / a, abs_tol=1e-9)


def test_link_on_one_applicant_writes_the_shipped_reading():
    # link() calibrates on the applicants: on one applicant the shipped calibration stands,
    # and the probability it writes is the shipped reading of the model's odds.
    index = Index(RECORDS, lazy_params=True)
    [m] = [m for m in link(index, [APPLICANT], 0.001, workers=1) if m.record_id == "r1"]
    assert index.params.shift is None
    cand = index.candidates(APPLICANT)[0]
    assert math.isclose(m.probability, cand.probability, rel_tol=1e-9)
