"""Columnar form of the facts the criteria read.

One table type serves both a single application (its claimed employment periods, all in
group 0) and a simulation (one group per employment record or applicant), so each criterion
is written once, against columns, and the scalar and vectorised paths cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timezone, tzinfo

import numpy as np

from .dates import MISSING, ONGOING

_BLANK = {None, "", "unknown"}


def _norm(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    s = str(value).strip().lower()
    return None if s in _BLANK else s


class Column:
    """A categorical string column: small list of categories plus int codes (-1 = missing)."""

    __slots__ = ("categories", "codes", "_index")

    def __init__(self, categories: Sequence[str], codes: np.ndarray):
        self.categories = list(categories)
        self.codes = np.asarray(codes, dtype=np.int32)
        self._index = {c: i for i, c in enumerate(self.categories)}

    @classmethod
    def from_values(cls, values: Iterable[object]) -> Column:
        index: dict[str, int] = {}
        # normalise each distinct string once, not every row; only strings are cached because
        # True == 1 as dict keys, and they must not share a code
        raw: dict[str, int] = {}

        def code(v: object) -> int:
            s = _norm(v)
            c = -1 if s is None else index.setdefault(s, len(index))
            if v.__class__ is str:
                raw[v] = c
            return c

        codes = [raw[v] if v.__class__ is str and v in raw else code(v) for v in values]
        return cls(list(index), np.fromiter(codes, dtype=np.int32, count=len(codes)))

    @classmethod
    def constant(cls, value: object, size: int) -> Column:
        s = _norm(value)
        if s is None:
            return cls([], np.full(size, -1, dtype=np.int32))
        return cls([s], np.zeros(size, dtype=np.int32))

    def __len__(self) -> int:
        return len(self.codes)

    def value(self, i: int) -> str | None:
        c = int(self.codes[i])
        return None if c < 0 else self.categories[c]

    def isin(self, allowed: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
        """(value in allowed, value known) as boolean arrays."""
        lut = np.array([c in allowed for c in self.categories] + [False], dtype=bool)
        # code -1 indexes the trailing False entry, so missing values never match
        return lut[self.codes], self.codes >= 0

    def take(self, idx: np.ndarray) -> Column:
        return Column(self.categories, self.codes[idx])


def to_ordinal(value: object, *, end: bool = False) -> int:
    if value is None or value == "":
        return MISSING
    if end and value == "ongoing":
        return ONGOING
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(str(value)).toordinal()


@dataclass
class PeriodTable:
    """Employment periods (rows) grouped into candidates (one principal each).

    ``group`` maps a period to its candidate; ``None`` means period *i* is candidate *i*,
    which lets a simulation over records skip the group reductions entirely.
    """

    n_groups: int
    employer: Column
    unit: Column
    role: Column
    location: Column
    verification: Column
    start: np.ndarray
    end: np.ndarray
    reference: np.ndarray
    group: np.ndarray | None = None
    attributes: Mapping[str, Column] = field(default_factory=dict)
    extra: Mapping[str, list] = field(default_factory=dict)
    # per group: other named dates (ordinals, MISSING = not recorded); the moment the request
    # was received as POSIX seconds (NaN = only the day is known); the zone days are read in
    dates: Mapping[str, np.ndarray] = field(default_factory=dict)
    received_ts: np.ndarray | None = None
    zone: tzinfo = timezone.utc

    def __post_init__(self) -> None:
        self.start = np.asarray(self.start, dtype=np.int64)
        self.end = np.asarray(self.end, dtype=np.int64)
        self.reference = np.asarray(self.reference, dtype=np.int64)
        if self.reference.shape == ():
            self.reference = np.full(self.n_groups, int(self.reference), dtype=np.int64)

    @property
    def n_periods(self) -> int:
        return len(self.start)

    def field(self, name: str) -> Column:
        return getattr(self, name)

    def attribute(self, name: str) -> Column:
        col = self.attributes.get(name)
        return col if col is not None else Column.constant(None, self.n_groups)

    def named_date(self, name: str) -> np.ndarray:
        """Per group: ``received`` (the reference date) or another named date."""
        if name == "received":
            return self.reference
        d = self.dates.get(name)
        return d if d is not None else np.full(self.n_groups, MISSING, dtype=np.int64)

    def period_reference(self) -> np.ndarray:
        return self.reference if self.group is None else self.reference[self.group]

    def group_any(self, tri: np.ndarray) -> np.ndarray:
        """Kleene OR of period values within each group; a group with no periods is NO."""
        if self.group is None:
            return tri
        out = np.zeros(self.n_groups, dtype=np.int8)
        np.maximum.at(out, self.group, tri)
        return out

    def group_sum(self, values: np.ndarray) -> np.ndarray:
        if self.group is None:
            return values.astype(np.float64)
        return np.bincount(self.group, weights=values, minlength=self.n_groups)
