"""Fellegi-Sunter parameters: m and u probabilities per comparison level.

m = P(level | same person), u = P(level | different people). A level's evidence is
log2(m/u) bits. u is always measured on random pairs of the data being matched (nearly all
random pairs are non-matches), as Splink does. m is set from the documented priors below.

Why these priors (see docs/matching.md): names of the same person agree exactly after
canonicalisation in most records but HR lists add or drop a surname ("subset"), use spellings
outside the variant table ("skeleton"), or have typos ("fuzzy"); birth years written in Solar
Hijri overlap two Gregorian years and many people only know an approximate year; applicants
misremember units and periods more often than names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .features import EXTRA_LEVELS, FIELDS_LEVELS

PRIOR_M: dict[str, list[float]] = {
    "name": [0.70, 0.08, 0.10, 0.07, 0.03, 0.02],
    # Fathers' names are recorded less carefully (often only the first part of a compound).
    "father": [0.70, 0.06, 0.08, 0.06, 0.04, 0.06],
    "birth": [0.30, 0.58, 0.08, 0.02, 0.02],
    "unit": [0.90, 0.10],
    "role": [0.85, 0.15],
    # The location is the posting of one rotation (a district of the province), so the same
    # person's records often name different districts.
    "location": [0.60, 0.40],
    "period": [0.85, 0.10, 0.05],
}
PRIOR_M_EXTRA = [0.85, 0.07, 0.04, 0.04]

# Floors keep a level that never occurred in a sample from claiming infinite evidence.
M_FLOOR = 1e-3
U_FLOOR = 1e-6


@dataclass
class Parameters:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    # Probability that a random (applicant, record) pair is the same person.
    prior: float
    extra_names: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(FIELDS_LEVELS) + self.extra_names

    def levels(self, f: str) -> tuple[str, ...]:
        return FIELDS_LEVELS.get(f, EXTRA_LEVELS)

    def weight(self, f: str, level: int) -> float:
        return math.log2(max(self.m[f][level], M_FLOOR) / max(self.u[f][level], U_FLOOR))

    def weight_table(self) -> list[list[float]]:
        return [[float(self.weight(f, lv)) for lv in range(len(self.levels(f)))] for f in self.fields]

    @property
    def prior_log2_odds(self) -> float:
        return math.log2(self.prior / (1 - self.prior))


def prior_m(extra_names: tuple[str, ...]) -> dict[str, list[float]]:
    m = {k: list(v) for k, v in PRIOR_M.items()}
    for name in extra_names:
        m[name] = list(PRIOR_M_EXTRA)
    return m


def estimate_u(level_rows: np.ndarray, fields: tuple[str, ...], levels_of) -> dict[str, list[float]]:
    """u from comparison levels of random pairs (rows: pairs, columns: fields, -1 = missing)."""
    u: dict[str, list[float]] = {}
    for j, f in enumerate(fields):
        n_levels = len(levels_of(f))
        col = level_rows[:, j]
        col = col[col >= 0]
        counts = np.bincount(col, minlength=n_levels).astype(float) if col.size else np.zeros(n_levels)
        # Half a pseudo-count: an unseen level is rare, not impossible.
        counts = counts + 0.5
        u[f] = [float(x) for x in counts / counts.sum()]
    return u
