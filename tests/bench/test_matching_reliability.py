"""Pooled reliability: bins add up across seeds, and the verdict tells a real gap from chance."""

import pytest

from bench.matching import reliability as R
from bench.matching.recall import reliability

TRUTH = {("a1", "r1"), ("a2", "r5")}
SEED_A = {"a1": [(0.9, "r1"), (0.6, "r3")], "a2": [(0.1, "x1")]}
SEED_B = {"a2": [(0.92, "r5"), (0.65, "x4")]}
BINS = [(0.0, 0.5), (0.5, 0.8), (0.8, 1.01)]


def test_wilson_interval_matches_the_textbook_values():
    lo, hi = R.wilson(50, 100)
    assert (round(lo, 3), round(hi, 3)) == (0.404, 0.596)
    lo, hi = R.wilson(0, 20)
    assert lo == 0.0 and round(hi, 3) == 0.161
    assert R.wilson(0, 0) == (0.0, 1.0)


def test_pooled_bins_sum_the_seeds_tables():
    rows = R.pooled([reliability(SEED_A, TRUTH, bins=BINS), reliability(SEED_B, TRUTH, bins=BINS)])
    low, mid, high = rows
    assert (low["n"], low["true"]) == (1, 0)
    assert (mid["n"], mid["true"]) == (2, 0)
    assert (high["n"], high["true"]) == (2, 2)
    assert high["mean_p"] == pytest.approx(0.91)
    assert high["gap"] == pytest.approx(0.09)


def _row(n, true, mean_p):
    return {"lo": 0.5, "hi": 0.8, "n": n, "true": true, "sum_p": mean_p * n, "mean_p": mean_p,
            "share_true": true / n, "gap": abs(true / n - mean_p), "ci": R.wilson(true, n)}


def test_verdict_separates_a_real_gap_from_a_small_bins_chance():
    # 65 pairs at 0.67, 48 true (0.738): over the target, but chance cannot be ruled out.
    worst, met, plausible = R.verdict([_row(65, 48, 0.67)])
    assert round(worst, 3) == 0.068 and not met and plausible
    # The same shares over 6,500 pairs: a real gap.
    worst, met, plausible = R.verdict([_row(6500, 4800, 0.67)])
    assert not met and not plausible
    # Bins under MIN_PAIRS are not judged.
    assert R.verdict([_row(10, 10, 0.6)]) == (0.0, True, True)


def test_the_seeds_that_fitted_the_calibration_are_refused(capsys):
    with pytest.raises(SystemExit):
        R.main(["--seeds", "7,11"])
    assert "fitted the calibration" in capsys.readouterr().err
