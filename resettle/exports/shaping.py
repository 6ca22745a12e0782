"""Pure helpers that decide what an exported cell may say. No Django.

Pseudonyms are keyed HMACs of internal ids: stable across exports, so an analyst can join two
files, but without the key nobody can go from a pseudonym back to a person or case. Birth dates
become five-year bands, wide enough that a band plus a unit and a role rarely singles anyone out.
"""

from __future__ import annotations

import hashlib
import hmac

BAND_YEARS = 5
# A cell starting with one of these is a formula to a spreadsheet program: a name field reading
# "=HYPERLINK(...)" would run on the recipient's machine.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def pseudonym(key: bytes, purpose: str, internal_id: object, prefix: str) -> str:
    mac = hmac.new(key, f"export:{purpose}\x00{internal_id}".encode("utf-8"), hashlib.sha256)
    return f"{prefix}-{mac.hexdigest()[:16]}"


def year_band(lo: int, hi: int, width: int = BAND_YEARS) -> str:
    """The smallest run of whole bands covering the years lo..hi, e.g. (1982, 1983) -> '1980-1984'."""
    if lo > hi:
        raise ValueError(f"year range {lo}..{hi} is empty")
    start = lo - lo % width
    end = hi - hi % width + width - 1
    return f"{start}-{end}"


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_STARTS):
        return "'" + text
    return text
