"""Name tables for the demo world: canonical names, their Dari spelling and romanisation variants.

Pure Python (no Django) so the generator and its tests run anywhere.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

GROUPS = ("hazara", "tajik", "pashtun")


class NameTableError(ValueError):
    """A name table row is malformed; the message names file, row and field."""


@dataclass(frozen=True)
class NameEntry:
    name: str
    dari: str
    gender: str | None  # None for surnames
    groups: tuple[str, ...]
    weight: float
    variants: tuple[str, ...]
    source: str


def _read_table(path: Path, *, with_gender: bool) -> list[NameEntry]:
    required = ["name", "dari", "groups", "weight", "variants", "source"]
    if with_gender:
        required.append("gender")
    entries = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise NameTableError(f"{path.name}: header lacks column(s) {', '.join(missing)}")
        for row_no, row in enumerate(reader, start=2):
            def field(col: str) -> str:
                value = (row.get(col) or "").strip()
                if not value and col not in ("variants",):
                    raise NameTableError(f"{path.name} row {row_no}: field '{col}' is empty")
                return value

            try:
                weight = float(field("weight"))
            except ValueError as exc:
                raise NameTableError(f"{path.name} row {row_no}: field 'weight' is not a number") from exc
            groups = tuple(field("groups").split("|"))
            for g in groups:
                if g != "any" and g not in GROUPS:
                    raise NameTableError(f"{path.name} row {row_no}: field 'groups' has unknown group {g!r}")
            gender = field("gender") if with_gender else None
            if gender is not None and gender not in ("male", "female"):
                raise NameTableError(f"{path.name} row {row_no}: field 'gender' must be male or female")
            variants = tuple(v.strip() for v in field("variants").split("|") if v.strip())
            entries.append(
                NameEntry(field("name"), field("dari"), gender, groups, weight, variants, field("source"))
            )
    return entries


class NameTable:
    """Given names and surnames with their spellings; loaded once from the CSV data files."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.given = {e.name: e for e in _read_table(data_dir / "given_names.csv", with_gender=True)}
        self.surnames = {e.name: e for e in _read_table(data_dir / "surnames.csv", with_gender=False)}
        self._spellings: dict[str, tuple[str, ...]] = {}

    def _entry(self, name: str) -> NameEntry:
        entry = self.given.get(name) or self.surnames.get(name)
        if entry is None:
            raise KeyError(name)
        return entry

    def dari(self, name: str) -> str:
        return self._entry(name).dari

    def spellings(self, name: str) -> tuple[str, ...]:
        """Every Latin spelling of a canonical name, the canonical one first.

        Compound names ("Mohammad Hussain") also get every combination of their parts'
        spellings, since a clerk who writes "Mohd" for Mohammad does so inside compounds too.
        """
        cached = self._spellings.get(name)
        if cached is not None:
            return cached
        entry = self._entry(name)
        found = [entry.name, *entry.variants]
        parts = name.split(" ")
        if len(parts) > 1 and all(p in self.given for p in parts):
            for combo in itertools.product(*(self.spellings(p) for p in parts)):
                found.append(" ".join(combo))
            if parts[0] == "Abdul":
                # "Abdul Karim" is as often written run together as "Abdulkarim".
                found.extend("Abdul" + p.lower() for p in self.spellings(parts[1]) if " " not in p)
        if name.endswith("ullah"):
            stem = name[: -len("ullah")]
            found.extend([stem + "ulla", stem + "ollah", stem + " Ullah"])
        result = tuple(dict.fromkeys(found))  # order-preserving de-duplication
        self._spellings[name] = result
        return result

    @cached_property
    def all_dari(self) -> frozenset[str]:
        return frozenset(e.dari for e in [*self.given.values(), *self.surnames.values()])

    def pool(self, *, gender: str | None, group: str) -> tuple[list[str], list[float]]:
        """Names (and weights) a person of this group would plausibly carry."""
        source = self.surnames if gender is None else self.given
        names, weights = [], []
        for e in source.values():
            if e.weight <= 0 or (gender is not None and e.gender != gender):
                continue
            if "any" in e.groups or group in e.groups:
                names.append(e.name)
                weights.append(e.weight)
        return names, weights


def load_aliases(path: Path = DATA_DIR / "aliases.csv") -> dict[str, tuple[str, ...]]:
    """Canonical value -> the free-text forms applicants write for it."""
    aliases: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as fh:
        for row_no, row in enumerate(csv.DictReader(fh), start=2):
            for col in ("field", "canonical", "alias", "source"):
                if not (row.get(col) or "").strip():
                    raise NameTableError(f"{path.name} row {row_no}: field '{col}' is empty")
            aliases.setdefault(row["canonical"].strip(), []).append(row["alias"].strip())
    return {k: tuple(v) for k, v in aliases.items()}
