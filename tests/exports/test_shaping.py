from hypothesis import given
from hypothesis import strategies as st

from resettle.exports.shaping import pseudonym, safe_cell, year_band


@given(st.integers(1900, 2030), st.integers(0, 3))
def test_band_covers_the_years_in_whole_five_year_steps(lo, extra):
    hi = lo + extra
    start, end = map(int, year_band(lo, hi).split("-"))
    assert start <= lo and hi <= end
    assert start % 5 == 0 and (end + 1) % 5 == 0
    assert end - start + 1 < (hi - lo) + 10  # never wider than needed


def test_band_examples():
    assert year_band(1982, 1983) == "1980-1984"
    assert year_band(1984, 1985) == "1980-1989"  # SH 1363 straddles two bands


def test_pseudonyms_are_stable_keyed_and_purpose_separated():
    k1, k2 = b"a" * 32, b"b" * 32
    assert pseudonym(k1, "person", 7, "P") == pseudonym(k1, "person", 7, "P")
    assert pseudonym(k1, "person", 7, "P") != pseudonym(k2, "person", 7, "P")
    assert pseudonym(k1, "person", 7, "P")[2:] != pseudonym(k1, "case", 7, "P")[2:]
    assert "7" != pseudonym(k1, "person", 7, "P")


@given(st.text())
def test_no_cell_can_start_a_spreadsheet_formula(text):
    assert not safe_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe_cell(text).endswith(text)
