"""Pure helpers that decide what an exported cell may say. No Django.

Pseudonyms are keyed HMACs of internal ids: stable across exports, so an analyst can join two
files, but without the key nobody can go from a pseudonym back to a person or case. Birth dates
become five-year bands, wide enough that a band plus a unit and a role rarely singles anyone out.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections import Counter

BAND_YEARS = 5
# A cell starting with one of these is a formula to a spreadsheet program: a name field reading
# "=HYPERLINK(...)" would run on the recipient's machine.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|",
                   "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms


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
    # Spreadsheet programs skip leading spaces (and a byte-order mark) before reading a formula.
    if text.lstrip(" \ufeff\u00a0").startswith(_FORMULA_STARTS):
        return "'" + text
    return text


# --- k-anonymity ----------------------------------------------------------------------------
# A pseudonym hides who a row is, but not what it says: 185 of the demo world's 420 principals
# were the only one of their gender, birth band, month received and claimed employment, so
# anyone who knew those facts of a neighbour could find their row. Before a pseudonymised file
# leaves, quasi-identifiers are generalised step by step (the same steps for every row, so a
# column means one thing throughout the file) until at most MAX_SUPPRESSED of the rows sit in a
# combination shared by fewer than K people; those few rows are then left out. K is the
# dashboard's small-count threshold.
K = 5
MAX_SUPPRESSED = 0.05
SUPPRESSED = "*"


@functools.lru_cache(maxsize=4096)
def widen_band(band: str, width: int) -> str:
    """'1980-1984' -> '1980-1989' at width 10; '' stays ''."""
    if not band or band == SUPPRESSED:
        return band
    lo, hi = (int(x) for x in band.split("-"))
    return year_band(lo, hi, width)


@functools.lru_cache(maxsize=4096)
def received_period(month: str, level: str) -> str:
    """'2013-02' -> '2013-Q1' (quarter) or '2013' (year)."""
    if not month or level == "month":
        return month
    year, mm = month.split("-")[:2]
    return f"{year}-Q{(int(mm) - 1) // 3 + 1}" if level == "quarter" else year


@functools.lru_cache(maxsize=4096)
def claims_at(claims: str, parts: int) -> str:
    """'nzdf/interpreter/nz_prt_bamyan; ...' keeping the first `parts` of each claim (employer,
    role, unit), each distinct claim once, in a stable order."""
    if not claims:
        return ""
    kept = {"/".join(c.strip().split("/")[:parts]) for c in claims.split(";") if c.strip()}
    return "; ".join(sorted(kept))


@functools.lru_cache(maxsize=4096)
def year_span(year: object, width: int) -> str:
    if year in ("", None):
        return ""
    y = int(year)
    return f"{y - y % width}-{y - y % width + width - 1}"


def k_anonymise(rows: list[dict], *, quasi: list[str], ladder: list[dict], k: int = K,
                max_suppressed: float = MAX_SUPPRESSED, group: str | None = None) -> tuple[list[dict], int, int]:
    """Generalise `rows` (dicts) up the ladder until the combinations of `quasi` columns hold at
    least k rows each, leaving out the rows still in smaller combinations.

    `ladder[i]` maps a column to a function of the row giving that column's value at level i.
    The first level at which no more than max_suppressed of the rows would be left out is used
    (the last level otherwise). With `group` (the case), a row left out takes its whole group
    with it, so what a reader can count in the file (a family's size) stays what was checked.
    Returns (rows kept, level used, rows left out). Every combination of quasi-identifiers in
    the result holds at least k rows, whatever the input.
    """
    if not rows:
        return [], 0, 0
    bound = max_suppressed * len(rows)
    for level, steps in enumerate(ladder):
        keys = [tuple(steps[c](row) if c in steps else row[c] for c in quasi) for row in rows]
        groups = ([steps[group](row) if group in steps else row[group] for row in rows] if group else None)
        last = level == len(ladder) - 1
        # Rows short at the first count are left out whatever follows (a family leaving can only
        # shrink other combinations), so a level already over the bound is passed over unswept.
        if not last and _short(keys, k) > bound:
            continue
        keep = _suppress(keys, groups, k)
        if last or len(rows) - len(keep) <= bound:
            break
    kept = [{**rows[i], **{col: fn(rows[i]) for col, fn in ladder[level].items()}} for i in keep]
    return kept, level, len(rows) - len(kept)


def _short(keys: list[tuple], k: int) -> int:
    sizes = Counter(keys)
    return sum(n for n in sizes.values() if n < k)


def _suppress(keys: list[tuple], groups: list | None, k: int) -> list[int]:
    """Indexes of the rows kept."""
    keep = range(len(keys))
    while True:  # leaving out a family can leave another combination short: repeat until none is
        sizes = Counter(keys[i] for i in keep)
        short = [i for i in keep if sizes[keys[i]] < k]
        if not short:
            return list(keep)
        if groups is None:
            return [i for i in keep if sizes[keys[i]] >= k]
        gone = {groups[i] for i in short if groups[i] != SUPPRESSED}
        keep = [i for i in keep if groups[i] not in gone
                and not (groups[i] == SUPPRESSED and sizes[keys[i]] < k)]


def smallest_class(rows: list[dict], quasi: list[str]) -> int:
    """Size of the rarest combination of quasi-identifiers (what k-anonymity bounds)."""
    sizes: dict[tuple, int] = {}
    for row in rows:
        key = tuple(row[c] for c in quasi)
        sizes[key] = sizes.get(key, 0) + 1
    return min(sizes.values()) if sizes else 0


# Applications, one row per family member. The case pseudonym groups a family's rows, so the
# household's size can be counted by anyone: it is a quasi-identifier that cannot be widened.
APPLICATION_QUASI = ["relationship", "dependent", "gender", "birth_band", "pathway", "received",
                     "claimed_employment", "household"]
APPLICATION_LADDER = [
    {},
    {"birth_band": lambda r: widen_band(r["birth_band"], 10), "received": lambda r: received_period(r["received"], "quarter")},
    {"birth_band": lambda r: widen_band(r["birth_band"], 10), "received": lambda r: received_period(r["received"], "year"),
     "claimed_employment": lambda r: claims_at(r["claimed_employment"], 2)},
    {"birth_band": lambda r: widen_band(r["birth_band"], 20), "received": lambda r: received_period(r["received"], "year"),
     "claimed_employment": lambda r: claims_at(r["claimed_employment"], 2)},
    {"birth_band": lambda r: widen_band(r["birth_band"], 20), "received": lambda r: received_period(r["received"], "year"),
     "claimed_employment": lambda r: claims_at(r["claimed_employment"], 1)},
    {"birth_band": lambda r: widen_band(r["birth_band"], 20), "received": lambda r: received_period(r["received"], "year"),
     "claimed_employment": lambda r: claims_at(r["claimed_employment"], 1), "dependent": lambda r: SUPPRESSED,
     "gender": lambda r: SUPPRESSED},
]
# When families still stand out (small worlds), the rows stop saying which family they belong
# to: the case pseudonym goes, and with it the household size a reader could count.
_UNLINKED = {"case": lambda r: SUPPRESSED, "household": lambda r: SUPPRESSED}
APPLICATION_LADDER += [{**steps, **_UNLINKED} for steps in APPLICATION_LADDER[2:]]

RECORD_QUASI = ["employer", "role", "unit", "location", "start_year", "end_year", "birth_band"]
RECORD_LADDER = [
    {},
    {"start_year": lambda r: year_span(r["start_year"], 5), "end_year": lambda r: year_span(r["end_year"], 5),
     "birth_band": lambda r: widen_band(r["birth_band"], 10)},
    {"start_year": lambda r: year_span(r["start_year"], 5), "end_year": lambda r: year_span(r["end_year"], 5),
     "birth_band": lambda r: widen_band(r["birth_band"], 20), "location": lambda r: SUPPRESSED},
    {"start_year": lambda r: year_span(r["start_year"], 10), "end_year": lambda r: year_span(r["end_year"], 10),
     "birth_band": lambda r: widen_band(r["birth_band"], 20), "location": lambda r: SUPPRESSED,
     "unit": lambda r: SUPPRESSED},
]
