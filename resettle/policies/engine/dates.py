"""Dates in policy files and situations.

A policy date is either absolute (``2010-12-01``) or relative to the situation's reference
date (``reference_date``, ``reference_date - 2 years``). Relative dates are how "within the
previous two years" is written without hard-coding the day a request arrived.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

_REL = re.compile(
    r"^\s*(?P<base>[a-z_][a-z0-9_]*)\s*(?:(?P<sign>[+-])\s*(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?|years?))?\s*$"
)
# the date every situation has: when the request was received (reference_date is its old name)
RECEIVED = "received"
RECEIVED_ALIASES = ("received", "reference_date")

# Ongoing employment ends "after every date"; an ordinal far past any real date keeps the
# comparisons branch-free in numpy.
ONGOING = date(9999, 12, 31).toordinal()
MISSING = 0


def add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year = d.year + y
    month = m + 1
    day = min(d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


@dataclass(frozen=True)
class DateExpr:
    """An absolute date, or an offset from the reference date."""

    absolute: date | None = None
    days: int = 0
    months: int = 0
    base: str = RECEIVED

    @property
    def relative(self) -> bool:
        return self.absolute is None

    def resolve(self, reference: date) -> date:
        if self.absolute is not None:
            return self.absolute
        from datetime import timedelta

        return add_months(reference, self.months) + timedelta(days=self.days)

    def __str__(self) -> str:
        if self.absolute is not None:
            return self.absolute.isoformat()
        base = "the received date" if self.base == RECEIVED else self.base
        if self.days:
            return f"{base} {'+' if self.days > 0 else '-'} {abs(self.days)} days"
        if self.months:
            if self.months % 12 == 0:
                n, unit = abs(self.months) // 12, "years"
            else:
                n, unit = abs(self.months), "months"
            return f"{base} {'+' if self.months > 0 else '-'} {n} {unit}"
        return base


def parse_date(value: object) -> date:
    """A strict ISO calendar date (YAML may already have turned it into a ``date``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"not a date in YYYY-MM-DD form: {value!r}")


def parse_date_expr(value: object, names: frozenset[str] | set[str] = frozenset()) -> DateExpr:
    """``2010-12-01``, ``received``, ``received - 2 years``, ``petition_filed + 30 days``: a
    named date must be ``received`` (alias ``reference_date``) or one of ``names``."""
    if isinstance(value, str):
        m = _REL.match(value)
        if m:
            base = m.group("base")
            if base in RECEIVED_ALIASES:
                base = RECEIVED
            elif base not in names:
                raise ValueError(f"unknown date {base!r} in {value!r} (known: "
                                 f"{', '.join(sorted({RECEIVED, *names}))})")
            if not m.group("sign"):
                return DateExpr(base=base)
            n = int(m.group("n")) * (1 if m.group("sign") == "+" else -1)
            unit = m.group("unit").rstrip("s")
            if unit == "day":
                return DateExpr(days=n, base=base)
            if unit == "week":
                return DateExpr(days=7 * n, base=base)
            if unit == "month":
                return DateExpr(months=n, base=base)
            return DateExpr(months=12 * n, base=base)
    try:
        return DateExpr(absolute=parse_date(value))
    except ValueError:
        raise ValueError(
            f"not a date: {value!r} (use YYYY-MM-DD or 'received - N days|months|years')"
        ) from None


def parse_instant(value: object) -> datetime | date:
    """A calendar date, or a moment with its zone (``2021-08-25T23:59:00+12:00``, ``...Z``).

    A time without a zone is refused: read in the wrong zone it moves a request across a
    deadline (00:30 on the 26th in Auckland is 12:30 on the 25th in UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ValueError(f"not a date or a time: {value!r} (use YYYY-MM-DD or "
                             "YYYY-MM-DDTHH:MM+HH:MM)") from None
    else:
        raise ValueError(f"not a date or a time: {value!r}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"the time {value!s} has no zone: write it with Z or an offset such as +12:00")
    return moment


_PARTIAL = re.compile(r"^\s*(?:c\.?\s*)?(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


def birth_range(value: object) -> tuple[date, date] | None:
    """Earliest and latest possible birth date, or None when unknown.

    Situations carry Gregorian dates (the facts layer converts Solar Hijri); a year alone or a
    year and month widens the range so ages near a limit come out *unknown*, not guessed.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value, value
    if isinstance(value, int) and not isinstance(value, bool):
        return date(value, 1, 1), date(value, 12, 31)
    if isinstance(value, dict):
        return parse_date(value["earliest"]), parse_date(value["latest"])
    if isinstance(value, str):
        m = _PARTIAL.match(value)
        if m:
            y = int(m.group(1))
            if m.group(3):
                d = date(y, int(m.group(2)), int(m.group(3)))
                return d, d
            if m.group(2):
                mo = int(m.group(2))
                return date(y, mo, 1), date(y, mo, calendar.monthrange(y, mo)[1])
            return date(y, 1, 1), date(y, 12, 31)
    raise ValueError(f"not a birth date: {value!r} (use YYYY, YYYY-MM, YYYY-MM-DD)")


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
