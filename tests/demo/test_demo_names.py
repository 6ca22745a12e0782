"""The demo name tables and the small date helpers of the demo world."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.demo.names import NameTable, NameTableError
from resettle.demo.world import CRIB_COUNT, PRT_END, PRT_START, crib_for, solar_hijri


@pytest.fixture(scope="module")
def table():
    return NameTable()


def test_canonical_spelling_comes_first(table):
    assert table.spellings("Hussain")[0] == "Hussain"
    assert {"Husain", "Hossain", "Hossein"} <= set(table.spellings("Hussain"))


def test_compounds_combine_their_parts_spellings(table):
    spellings = set(table.spellings("Mohammad Hussain"))
    assert {"Mohd Husain", "Muhammad Hossein", "Mohammad Hussain"} <= spellings
    assert {"Abdurrahman", "Abdulrahman", "Abdul Rahman"} <= set(table.spellings("Abdul Rahman"))
    assert "Abdulkarim" in table.spellings("Abdul Karim")


def test_ullah_names_get_the_usual_endings(table):
    assert {"Noorulla", "Noorollah", "Noor Ullah"} <= set(table.spellings("Noorullah"))


def test_every_row_has_a_dari_spelling_in_arabic_script(table):
    for entry in [*table.given.values(), *table.surnames.values()]:
        assert all("\u0600" <= ch <= "\u06ff" or ch == " " for ch in entry.dari), entry.name


def test_pools_respect_gender_and_group(table):
    names, weights = table.pool(gender="female", group="hazara")
    assert "Masuma" in names and "Gulalai" not in names and "Hussain" not in names
    assert all(w > 0 for w in weights)
    assert "Abdul" not in table.pool(gender="male", group="tajik")[0]  # a part, never a whole name


def test_bad_table_row_names_file_row_and_field(tmp_path):
    (tmp_path / "given_names.csv").write_text(
        "name,dari,gender,groups,weight,variants,source\n"
        "Ali,علی,male,any,6,Aly,LC\n"
        "Hassan,حسن,male,any,heavy,Hasan,LC\n", encoding="utf-8")
    (tmp_path / "surnames.csv").write_text("name,dari,groups,weight,variants,source\n", encoding="utf-8")
    with pytest.raises(NameTableError, match=r"given_names\.csv row 3: field 'weight'"):
        NameTable(tmp_path)


def test_missing_column_is_reported(tmp_path):
    (tmp_path / "given_names.csv").write_text("name,gender\nAli,male\n", encoding="utf-8")
    with pytest.raises(NameTableError, match=r"given_names\.csv: header lacks column\(s\) dari"):
        NameTable(tmp_path)


days = st.integers(min_value=0, max_value=(PRT_END - PRT_START).days)


@given(days, days)
def test_crib_rotations_run_in_order_over_the_deployment(a, b):
    first, second = sorted((a, b))
    early, late = crib_for(PRT_START + timedelta(days=first)), crib_for(PRT_START + timedelta(days=second))
    assert 1 <= early <= late <= CRIB_COUNT


def test_crib_bounds():
    assert crib_for(PRT_START) == 1 and crib_for(PRT_END) == CRIB_COUNT


def test_solar_hijri_year_of_a_known_date():
    # 1 Farvardin 1361 fell on 21 March 1982.
    assert (solar_hijri(date(1982, 3, 21)).year, solar_hijri(date(1982, 3, 20)).year) == (1361, 1360)
