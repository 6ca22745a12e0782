"""The reliability report's F1 of the pairs shown at 0.5 or more (bench.matching.reliability)."""

import pytest

from bench.matching.reliability import shown_f1

TRUTH = {("a1", "r1"), ("a2", "r5"), ("a3", "r9")}
SCORED = {"a1": [(0.9, "r1"), (0.6, "r3")], "a2": [(0.4, "r5")], "a3": [(0.7, "r9")]}


def test_shown_f1_counts_the_pairs_at_or_above_the_cut():
    # Called at 0.5: (a1, r1), (a1, r3), (a3, r9); two of them true, of three true pairs.
    assert shown_f1(SCORED, TRUTH) == pytest.approx(2 * 2 / (3 + 3))
    # Lower the cut and the missed true pair is called too.
    assert shown_f1(SCORED, TRUTH, at=0.3) == pytest.approx(2 * 3 / (4 + 3))
    assert shown_f1({}, set()) == 1.0
