"""Inputs and outputs of the matcher. Plain dataclasses; no Django."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Mapping

from resettle.names.dates import BirthDate

DateLike = datetime.date | str | None


class FieldError(ValueError):
    """A value that cannot be understood; names the item (record or applicant id) and field."""

    def __init__(self, field: str, message: str, item_id: str | None = None) -> None:
        self.field, self.message, self.item_id = field, message, item_id
        where = f"{item_id}, " if item_id is not None else ""
        super().__init__(f"{where}{field}: {message}")


@dataclass(frozen=True)
class RecordIn:
    """One row of an employer's HR list."""

    record_id: str
    full_name: str
    father_name: str = ""
    birth_year: str | BirthDate = ""  # as written: "1361", "1982", "c. 1982", "1361-05-12"; or a BirthDate
    role: str = ""
    unit: str = ""
    location: str = ""
    start_date: DateLike = None
    end_date: DateLike = None
    # Optional identifiers (docs/matching.md): used and explained when both sides give them.
    grandfather_name: str = ""
    tazkira_number: str = ""
    # Generic mode: other fields compared as strings (addresses, ID numbers) when a data set has them.
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ApplicantIn:
    """What an applicant says about the principal's identity and claimed employment."""

    applicant_id: str
    full_name: str
    father_name: str = ""
    birth_date: str | BirthDate = ""  # YYYY or full date, Gregorian or Solar Hijri; or a BirthDate
    claimed_role: str = ""
    claimed_unit: str = ""
    claimed_location: str = ""
    claimed_start: DateLike = None
    claimed_end: DateLike = None
    grandfather_name: str = ""
    tazkira_number: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Contribution:
    field: str
    level: str  # short comparison level name, e.g. "exact", "skeleton", "different"
    weight: float  # log2 Bayes factor (bits); positive supports a match
    text: str  # for a human reviewer, e.g. "father's name GHOLAM ≈ Ghulam: same canonical key"


@dataclass(frozen=True)
class Candidate:
    record_id: str
    probability: float
    log2_odds: float
    contributions: tuple[Contribution, ...]

    def explain(self) -> str:
        lines = [f"record {self.record_id}: probability {self.probability:.4f} ({self.log2_odds:+.1f} bits)"]
        lines += [f"  {c.weight:+6.2f}  {c.field}: {c.text}" for c in self.contributions]
        return "\n".join(lines)


@dataclass(frozen=True)
class Match:
    applicant_id: str
    record_id: str
    probability: float
    contributions: tuple[Contribution, ...]
    # Another applicant also matches this record above the threshold: a reviewer must decide,
    # the system never confirms such a match on its own.
    conflict: bool = False
    conflicting_applicants: tuple[str, ...] = ()


@dataclass(frozen=True)
class DuplicatePair:
    """Two applications that score as one person at or above the threshold (dedupe)."""

    applicant_id: str
    other_id: str
    probability: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class Deduplication:
    """What dedupe found: each application's cluster (named by its smallest applicant id) and,
    when explanations were asked for, the scored pairs behind the clusters."""

    clusters: dict[str, str]
    pairs: tuple[DuplicatePair, ...] = ()
