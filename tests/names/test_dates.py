import datetime

import jdatetime
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resettle.names.dates import BirthDate, parse_birth_date


@st.composite
def birth_dates(draw):
    calendar = draw(st.sampled_from(["gregorian", "solar_hijri"]))
    if calendar == "gregorian":
        day = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2090, 12, 31)))
        year, month, dd = day.year, day.month, day.day
    else:
        day = draw(st.dates(datetime.date(1922, 1, 1), datetime.date(2060, 12, 31)))
        j = jdatetime.date.fromgregorian(date=day)
        year, month, dd = j.year, j.month, j.day
    precision = draw(st.sampled_from(["year", "month", "day"]))
    return BirthDate(
        calendar=calendar,
        year=year,
        month=month if precision != "year" else None,
        day=dd if precision == "day" else None,
        approximate=draw(st.booleans()),
    )


@given(birth_dates())
def test_storage_round_trip(bd):
    assert BirthDate.from_storage(bd.to_storage()) == bd


@given(birth_dates())
def test_parse_of_printed_digits_round_trips(bd):
    text = bd.to_storage().split(":", 1)[1]
    assert parse_birth_date(text, calendar=bd.calendar) == bd


@given(st.dates(datetime.date(1922, 1, 1), datetime.date(2060, 12, 31)))
def test_exact_sh_date_converts_back_to_the_same_gregorian_day(day):
    j = jdatetime.date.fromgregorian(date=day)
    bd = parse_birth_date(f"{j.year}-{j.month:02d}-{j.day:02d}")
    assert bd.calendar == "solar_hijri"
    assert bd.to_gregorian() == day
    assert bd.gregorian_year_range() == (day.year, day.year)


@given(birth_dates())
def test_range_contains_the_exact_day_when_known(bd):
    lo, hi = bd.gregorian_year_range()
    assert lo <= hi
    if bd.precision == "day":
        assert lo <= bd.to_gregorian().year <= hi


@pytest.mark.parametrize(
    "sh, greg",
    [
        ("1361-05-12", datetime.date(1982, 8, 3)),
        ("1400-01-01", datetime.date(2021, 3, 21)),
        ("1399-12-30", datetime.date(2021, 3, 20)),  # 1399 is a leap year
        ("1360-10-11", datetime.date(1982, 1, 1)),
    ],
)
def test_known_solar_hijri_conversions(sh, greg):
    assert parse_birth_date(sh).to_gregorian() == greg


def test_sh_year_spans_two_gregorian_years():
    assert parse_birth_date("1361").gregorian_year_range() == (1982, 1983)
    assert parse_birth_date("۱۳۶۱").gregorian_year_range() == (1982, 1983)


def test_sh_month_ranges():
    # Farvardin to Azar fall in one Gregorian year, Dey starts in late December.
    assert parse_birth_date("1361-01").gregorian_year_range() == (1982, 1982)
    assert parse_birth_date("1361-10").gregorian_year_range() == (1982, 1983)
    assert parse_birth_date("1361-11").gregorian_year_range() == (1983, 1983)


def test_approximate_widens_by_one_year_each_side():
    assert parse_birth_date("c. 1982").gregorian_year_range() == (1981, 1983)
    assert parse_birth_date("~1361").gregorian_year_range() == (1981, 1984)
    assert parse_birth_date("about 1982").approximate
    assert parse_birth_date("1982?").approximate
    assert not parse_birth_date("1982").approximate


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1982", BirthDate("gregorian", 1982)),
        ("1982-08", BirthDate("gregorian", 1982, 8)),
        ("1982/08/03", BirthDate("gregorian", 1982, 8, 3)),
        ("03/08/1982", BirthDate("gregorian", 1982, 8, 3)),
        ("۱۳۶۱/۰۵/۱۲", BirthDate("solar_hijri", 1361, 5, 12)),
        ("١٣٦١", BirthDate("solar_hijri", 1361)),
        ("1361 SH", BirthDate("solar_hijri", 1361)),
        ("۱۳۶۱ ش", BirthDate("solar_hijri", 1361)),
        ("c. 1361", BirthDate("solar_hijri", 1361, approximate=True)),
    ],
)
def test_accepted_forms(text, expected):
    assert parse_birth_date(text) == expected


def test_empty_is_none():
    assert parse_birth_date(None) is None
    assert parse_birth_date("") is None
    assert parse_birth_date("   ") is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("1361-13-01", "month 13 is not a month"),
        ("1982-02-30", "day 30 does not exist"),
        ("1361-12-30", "day 30 does not exist"),  # 1361 is not a leap year
        ("banana", "is not a date"),
        ("1700", "neither a Solar Hijri year"),
    ],
)
def test_bad_dates_raise_clear_errors(text, message):
    with pytest.raises(ValueError, match=message):
        parse_birth_date(text)


def test_explicit_calendar_overrides_inference():
    assert parse_birth_date("1361", calendar="gregorian").calendar == "gregorian"
    with pytest.raises(ValueError):
        parse_birth_date("1361", calendar="julian")


def test_human_text():
    assert str(parse_birth_date("1361-05-12")) == "1361-05-12 (Solar Hijri) = 1982-08-03"
    assert str(parse_birth_date("c. 1982")) == "c. 1982"


def test_from_storage_rejects_garbage():
    with pytest.raises(ValueError, match="not a stored birth date"):
        BirthDate.from_storage("1982")
