"""Cell values as people type them, turned into Python values or a clear ValueError."""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")
_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_date(text: str, *, end_of_period: bool = False) -> dt.date | None:
    """YYYY-MM-DD, YYYY-MM, YYYY or DD/MM/YYYY (Gregorian). A partial date means the first day
    of its period, or the last with end_of_period (so "2012" as an end date covers 2012)."""
    text = (text or "").strip()
    if not text:
        return None
    m = _ISO.match(text)
    if m:
        year, month, day = int(m[1]), m[2] and int(m[2]), m[3] and int(m[3])
    else:
        m = _DMY.match(text)
        if not m:
            raise ValueError(f"{text!r} is not a date (use YYYY-MM-DD)")
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    if not 1900 <= year <= 2100:
        raise ValueError(f"year {year} is out of range for an employment date (Gregorian expected)")
    try:
        if not month:
            return dt.date(year, 12, 31) if end_of_period else dt.date(year, 1, 1)
        if not day:
            if end_of_period:
                nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
                return nxt - dt.timedelta(days=1)
            return dt.date(year, month, 1)
        return dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date: {exc}") from exc


def parse_yes_no(text: str) -> bool | None:
    value = (text or "").strip().lower()
    if not value:
        return None
    if value in ("yes", "y", "true", "1", "بله", "هو"):
        return True
    if value in ("no", "n", "false", "0", "نخیر", "نه"):
        return False
    raise ValueError(f"{text!r} is not yes or no")


_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


def check_email(text: str) -> str:
    """One address only: a cell holding a list of addresses is how CC-line leaks start."""
    if not _EMAIL.match(text):
        raise ValueError(f"{text!r} is not a single e-mail address")
    return text


def check_phone(text: str) -> str:
    digits = re.sub(r"[\s()\-.]", "", text)
    if not re.fullmatch(r"\+?\d{6,16}", digits):
        raise ValueError(f"{text!r} is not a phone number")
    return digits
