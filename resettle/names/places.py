"""Canonical unit, role, location and employer values from free-text HR and form entries.

Alias tables live in data/place_aliases.csv. Lookup order: exact alias after normalisation,
rotation names ("CRIB 7" is a NZ PRT rotation), then a close fuzzy match on the aliases for
typos. Anything else is "other"; empty input is None.
"""

from __future__ import annotations

import csv
import functools
import re

from rapidfuzz import fuzz, process

from .keys import DATA
from .normalise import normalise

KINDS = ("unit", "role", "location", "employer")

# Fuzzy matching only for typos; short aliases (tfh, lca) would match too much.
_FUZZY_CUTOFF = 88
_FUZZY_MIN_LEN = 5


@functools.lru_cache(maxsize=1)
def _aliases() -> dict[str, dict[str, str]]:
    tables: dict[str, dict[str, str]] = {k: {} for k in KINDS}
    with open(DATA / "place_aliases.csv", encoding="utf-8") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for row in rows:
            kind = row["kind"].strip()
            if kind not in tables:
                raise ValueError(f"place_aliases.csv: unknown kind {kind!r}")
            tables[kind][normalise(row["alias"])] = row["canonical"].strip()
    return tables


def canonical_values(kind: str) -> set[str]:
    return set(_aliases()[kind].values()) | {"other"}


@functools.lru_cache(maxsize=50_000)
def _canonical(kind: str, text: str | None) -> str | None:
    if text is None:
        return None
    key = normalise(text)
    if not key:
        return None
    table = _aliases()[kind]
    if key in table:
        return table[key]
    if kind == "unit" and re.search(r"\bcrib\s*\d{1,2}\b", key):
        return "nz_prt_bamyan"
    if len(key) >= _FUZZY_MIN_LEN:
        hit = process.extractOne(
            key,
            [a for a in table if len(a) >= _FUZZY_MIN_LEN],
            scorer=fuzz.ratio,
            score_cutoff=_FUZZY_CUTOFF,
        )
        if hit:
            return table[hit[0]]
    return "other"


def canonical_unit(text: str | None) -> str | None:
    return _canonical("unit", text)


def canonical_role(text: str | None) -> str | None:
    return _canonical("role", text)


def canonical_location(text: str | None) -> str | None:
    return _canonical("location", text)


def canonical_employer(text: str | None) -> str | None:
    return _canonical("employer", text)
