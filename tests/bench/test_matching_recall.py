"""Candidate recall and the reliability table count what a verifier would see."""

from bench.matching.recall import candidate_recall, reliability, worst_gap

TRUTH = {("a1", "r1"), ("a1", "r2"), ("a2", "r5"), ("a3", "r9")}
SCORED = {
    # a1: both own rotations first (r2 below r1 is not hidden by it).
    "a1": [(0.99, "r1"), (0.97, "r2"), (0.2, "r3")],
    # a2: five other people's records above the true one: on the list, not within five.
    "a2": [(0.9, "x1"), (0.8, "x2"), (0.7, "x3"), (0.6, "x4"), (0.5, "x5"), (0.4, "r5")],
    # a3: the true record never reaches the list.
    "a3": [(0.6, "r8")],
}


def test_recall_any_first_and_within_five():
    r = candidate_recall(SCORED, TRUTH)
    assert r["n"] == 4
    assert r["any"] == 3 / 4
    assert r["top1"] == 2 / 4
    assert r["top5"] == 2 / 4
    assert r["app_top1"] == 1 / 3


def test_reliability_bins_count_pairs_and_the_share_true():
    rows = reliability(SCORED, TRUTH, bins=[(0.0, 0.5), (0.5, 0.95), (0.95, 1.01)])
    low, mid, high = rows
    assert (low["n"], low["true"]) == (2, 1)  # r3 (false), r5 (true)
    assert (mid["n"], mid["true"]) == (6, 0)
    assert (high["n"], high["true"]) == (2, 2)
    assert abs(high["mean_p"] - 0.98) < 1e-9 and high["share_true"] == 1.0
    assert abs(mid["gap"] - mid["mean_p"]) < 1e-9
    assert worst_gap(rows, min_pairs=1) == mid["gap"]
    assert worst_gap(rows, min_pairs=10) == 0.0
