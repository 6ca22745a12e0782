"""Birth dates as applicants and HR clerks actually write them.

Afghan records give birth dates in the Solar Hijri calendar (often only a year, e.g. the
tazkira's "1361"), Western records in Gregorian, and many people only know an approximate year.
A BirthDate keeps what was written (calendar + precision + approximate flag) instead of forcing
a fake exact Gregorian date, and answers the only question matching needs: which Gregorian
years could this be?
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

import jdatetime

GREGORIAN = "gregorian"
SOLAR_HIJRI = "solar_hijri"
CALENDARS = (GREGORIAN, SOLAR_HIJRI)

# Year windows used to guess the calendar when the caller does not know it. They do not
# overlap, so a bare year is never ambiguous.
SH_YEARS = (1280, 1450)
GREGORIAN_YEARS = (1880, 2100)

_DIGITS = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "01234567890123456789",
)

# Markers people use for "about": English abbreviations, "~", and the Dari/Persian
# "حدود"/"حدوداً"/"تقریباً" ("about", "approximately").
_APPROX_RE = re.compile(
    r"^\s*(?:c\.|ca\.|circa\b|c\b|approx\.?|approximately\b|about\b|around\b|abt\.?|est\.?|"
    r"~|≈|حدود[اًا]*|تقریبا[ًا]*|تقريبا[ًا]*)\s*",
    re.IGNORECASE,
)
_APPROX_TRAILING_RE = re.compile(r"\s*(?:~|\?|\(approx\.?\)|approx\.?)\s*$", re.IGNORECASE)

# Explicit calendar markers: "SH"/"HS"/"AP" (anno Persico), Persian "ش"/"هـ.ش"/"هجری شمسی";
# "AD"/"CE"/"م" (میلادی) for Gregorian.
_SH_MARK_RE = re.compile(
    r"\s*(?:\(?\s*(?:s\.?h\.?|h\.?s\.?|a\.?p\.?|solar\s+hijri|هـ?\.?\s*ش\.?|ه\.?\s*ش\.?|هجری\s+شمسی|شمسی|ش)\s*\)?)\s*$",
    re.IGNORECASE,
)
_GREG_MARK_RE = re.compile(
    r"\s*(?:\(?\s*(?:a\.?d\.?|c\.?e\.?|gregorian|میلادی|م)\s*\)?)\s*$", re.IGNORECASE
)

_YMD_RE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DMY_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_MY_RE = re.compile(r"^(\d{1,2})[-/.](\d{4})$")

_STORAGE_RE = re.compile(r"^(gregorian|solar_hijri):(\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?(~?)$")


def _sh_month_length(year: int, month: int) -> int:
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if jdatetime.date(year, 1, 1).isleap() else 29


def _check_parts(calendar: str, year: int, month: int | None, day: int | None) -> None:
    if calendar not in CALENDARS:
        raise ValueError(f"calendar {calendar!r} is not one of {', '.join(CALENDARS)}")
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    if day is not None and month is None:
        raise ValueError("a day was given without a month")
    if month is None:
        return
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not a month")
    if day is None:
        return
    if calendar == GREGORIAN:
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise ValueError(
                f"day {day} does not exist in month {month} of {year} (Gregorian)"
            ) from None
    else:
        if not 1 <= day <= _sh_month_length(year, month):
            raise ValueError(
                f"day {day} does not exist in month {month} of {year} (Solar Hijri)"
            )


@dataclass(frozen=True)
class BirthDate:
    calendar: str
    year: int
    month: int | None = None
    day: int | None = None
    approximate: bool = False

    def __post_init__(self) -> None:
        _check_parts(self.calendar, self.year, self.month, self.day)

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    def gregorian_year_range(self) -> tuple[int, int]:
        """Inclusive range of Gregorian years this date may fall in.

        A Solar Hijri year runs from about 21 March to 20 March, so SH 1361 straddles 1982 and
        1983; only a full SH date pins down one Gregorian year. "Approximate" means ±1 year.
        """
        if self.calendar == GREGORIAN:
            lo = hi = self.year
        elif self.precision == "day":
            lo = hi = self.to_gregorian().year
        elif self.precision == "month":
            first = jdatetime.date(self.year, self.month, 1).togregorian()
            last_day = _sh_month_length(self.year, self.month)
            last = jdatetime.date(self.year, self.month, last_day).togregorian()
            lo, hi = first.year, last.year
        else:
            first = jdatetime.date(self.year, 1, 1).togregorian()
            last = jdatetime.date(self.year, 12, _sh_month_length(self.year, 12)).togregorian()
            lo, hi = first.year, last.year
        if self.approximate:
            return lo - 1, hi + 1
        return lo, hi

    def to_gregorian(self) -> datetime.date | None:
        if self.precision != "day":
            return None
        if self.calendar == GREGORIAN:
            return datetime.date(self.year, self.month, self.day)
        return jdatetime.date(self.year, self.month, self.day).togregorian()

    def _digits(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def to_storage(self) -> str:
        return f"{self.calendar}:{self._digits()}{'~' if self.approximate else ''}"

    @classmethod
    def from_storage(cls, s: str) -> BirthDate:
        m = _STORAGE_RE.match(s or "")
        if not m:
            raise ValueError(f"{s!r} is not a stored birth date (expected e.g. 'solar_hijri:1361-05-12')")
        calendar, year, month, day, approx = m.groups()
        return cls(
            calendar=calendar,
            year=int(year),
            month=int(month) if month else None,
            day=int(day) if day else None,
            approximate=bool(approx),
        )

    def __str__(self) -> str:
        prefix = "c. " if self.approximate else ""
        if self.calendar == GREGORIAN:
            return f"{prefix}{self._digits()}"
        text = f"{prefix}{self._digits()} (Solar Hijri)"
        if self.precision == "day":
            return f"{text} = {self.to_gregorian().isoformat()}"
        lo, hi = self.gregorian_year_range()
        return f"{text} = {lo}" if lo == hi else f"{text} = {lo}–{hi}"


def _infer_calendar(year: int, text: str) -> str:
    if SH_YEARS[0] <= year <= SH_YEARS[1]:
        return SOLAR_HIJRI
    if GREGORIAN_YEARS[0] <= year <= GREGORIAN_YEARS[1]:
        return GREGORIAN
    raise ValueError(
        f"year {year} in {text!r} is neither a Solar Hijri year ({SH_YEARS[0]}–{SH_YEARS[1]}) "
        f"nor a Gregorian year ({GREGORIAN_YEARS[0]}–{GREGORIAN_YEARS[1]})"
    )


def parse_birth_date(text: str | None, calendar: str | None = None) -> BirthDate | None:
    """Parse a birth date as written on a form or in an HR sheet.

    Accepts YYYY, YYYY-MM, YYYY-MM-DD, YYYY/MM/DD, DD/MM/YYYY, MM/YYYY, Persian or Arabic-Indic
    digits, approximate markers ("c. 1982", "~1361", "about 1982", "1361?") and calendar
    markers ("1361 SH", "۱۳۶۱ ش", "1982 AD"). Returns None for empty input.
    """
    if text is None:
        return None
    if calendar is not None and calendar not in CALENDARS:
        raise ValueError(f"calendar {calendar!r} is not one of {', '.join(CALENDARS)}")
    original = text
    s = str(text).translate(_DIGITS).strip()
    if not s:
        return None
    approximate = False
    m = _APPROX_RE.match(s)
    if m:
        approximate = True
        s = s[m.end():]
    m = _APPROX_TRAILING_RE.search(s)
    if m:
        approximate = True
        s = s[: m.start()]
    marked = None
    m = _SH_MARK_RE.search(s)
    if m and m.start() > 0:
        marked, s = SOLAR_HIJRI, s[: m.start()]
    else:
        m = _GREG_MARK_RE.search(s)
        if m and m.start() > 0:
            marked, s = GREGORIAN, s[: m.start()]
    s = s.strip()
    if marked and calendar and marked != calendar:
        raise ValueError(f"{original!r} is marked {marked} but {calendar} was expected")

    if m := _YMD_RE.match(s):
        year, month, day = (int(g) if g else None for g in m.groups())
    elif m := _DMY_RE.match(s):
        day, month, year = (int(g) for g in m.groups())
    elif m := _MY_RE.match(s):
        month, year, day = int(m.group(1)), int(m.group(2)), None
    else:
        raise ValueError(
            f"{original!r} is not a date (expected YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY)"
        )
    cal = calendar or marked or _infer_calendar(year, original)
    try:
        return BirthDate(calendar=cal, year=year, month=month, day=day, approximate=approximate)
    except ValueError as exc:
        raise ValueError(f"{original!r}: {exc}") from None
