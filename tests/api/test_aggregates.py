"""Small-count suppression (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from resettle.applications.aggregates import suppress_small


def test_small_counts_are_withheld_and_large_ones_kept():
    assert suppress_small({"a": 12, "b": 3, "c": 7, "d": 9}) == {"a": 12, "d": 9, "c": None, "b": None}


def test_a_lone_small_count_takes_the_next_smallest_with_it():
    # Otherwise total minus the shown cells would give the hidden one back.
    shown = suppress_small({"a": 20, "b": 2, "c": 6})
    assert shown == {"a": 20, "b": None, "c": None}


def test_zero_is_not_identifying():
    assert suppress_small({"a": 0, "b": 10, "c": 11}) == {"c": 11, "b": 10, "a": 0}


@given(st.dictionaries(st.text(min_size=1, max_size=5), st.integers(min_value=0, max_value=50), max_size=12),
       st.integers(min_value=1, max_value=10))
def test_no_shown_count_is_small_and_never_exactly_one_is_hidden(counts, threshold):
    shown = suppress_small(counts, threshold=threshold)
    assert set(shown) == set(counts)
    assert all(v is None or v == 0 or v >= threshold for v in shown.values())
    hidden = [k for k, v in shown.items() if v is None]
    nonzero = [k for k, v in counts.items() if v > 0]
    assert len(hidden) != 1 or len(nonzero) == 1
    assert all(shown[k] in (None, counts[k]) for k in counts)
