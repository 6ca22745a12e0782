"""Fellegi-Sunter parameters: m and u probabilities per comparison level.

m = P(level | same person), u = P(level | different people). A level's evidence is
log2(m/u) bits. u is always measured on random pairs of the data being matched (nearly all
random pairs are non-matches), as Splink does. m is estimated by Index.calibrate from
near-certain candidate pairs, one field left out at a time, and smoothed towards the documented
priors below (worth M_PRIOR_WEIGHT pairs); an Index used without calibrate uses the priors.

Why these priors (see docs/matching.md): names of the same person agree exactly after
canonicalisation in most records but HR lists add or drop a surname ("subset"), use spellings
outside the variant table ("skeleton"), or have typos ("typo": one letter in one part;
"fuzzy": similar otherwise); birth years written in Solar
Hijri overlap two Gregorian years and many people only know an approximate year; applicants
misremember units and periods more often than names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .features import EXTRA_LEVELS, FIELDS_LEVELS

PRIOR_M: dict[str, list[float]] = {
    # "partial" (sharing one distinctive part, e.g. only the family name) is what brothers and
    # cousins look like; a person's own records rarely differ that much.
    "name": [0.70, 0.08, 0.10, 0.04, 0.04, 0.01, 0.03],
    # Fathers' names are recorded less carefully (often only the first part of a compound).
    "father": [0.70, 0.06, 0.08, 0.03, 0.03, 0.04, 0.06],
    "birth": [0.30, 0.35, 0.23, 0.08, 0.02, 0.02],
    "unit": [0.90, 0.10],
    "role": [0.85, 0.15],
    # The location is the posting of one rotation (a district of the province), so the same
    # person's records often name different districts.
    "location": [0.60, 0.40],
    "period": [0.25, 0.15, 0.25, 0.22, 0.08, 0.05],
}
PRIOR_M_EXTRA = [0.85, 0.07, 0.04, 0.04]

# Typical u (measured on the benchmark's 200,000 x 20,000 random pairs, rounded). Used as a
# Dirichlet prior worth PRIOR_U_WEIGHT pairs, so small files (a handful of applicants, where
# random pairs say little) get sensible values and large ones are measured.
PRIOR_U: dict[str, list[float]] = {
    "name": [0.001, 0.004, 0.001, 0.0005, 0.0035, 0.02, 0.97],
    "father": [0.008, 0.01, 0.003, 0.001, 0.007, 0.01, 0.961],
    "birth": [0.0002, 0.02, 0.02, 0.045, 0.085, 0.8298],
    "unit": [0.35, 0.65],
    "role": [0.15, 0.85],
    "location": [0.13, 0.87],
    "period": [0.01, 0.015, 0.08, 0.35, 0.075, 0.47],
}
PRIOR_U_EXTRA = [0.001, 0.01, 0.05, 0.939]
PRIOR_U_WEIGHT = 2000

# Floors keep a level that never occurred in a sample from claiming infinite evidence.
M_FLOOR = 1e-3
U_FLOOR = 1e-6
# Smallest believable u per field: two different people agree on a unit, role, place or period
# at least 1 time in 100 in any real list, and share a birth day at least 1 in 10,000; a small
# or uniform sample must not make such agreement look like proof. Exact agreement on an extra
# field (an ID number) may be rarer.
U_MIN = {"name": 1e-5, "father": 1e-5, "birth": 1e-4, "unit": 0.01, "role": 0.01, "location": 0.01, "period": 0.01}
U_MIN_EXTRA = 1e-5


@dataclass
class Parameters:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    # Probability that a random (applicant, record) pair is the same person.
    prior: float
    extra_names: tuple[str, ...] = ()
    # b of the shown log2 odds (a * model + b) measured on the data being matched, or None for
    # the shipped calibration's (Index._estimate_m). Kept here so worker processes, which
    # receive the parameters, show what the caller shows.
    shift: float | None = None

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


def estimate_u(level_rows: np.ndarray, fields: tuple[str, ...], levels_of, distinct_pairs: int | None = None) -> dict[str, list[float]]:
    """u from comparison levels of random pairs (rows: pairs, columns: fields, -1 = missing),
    smoothed towards PRIOR_U; distinct_pairs caps how much a sample of few items counts."""
    u: dict[str, list[float]] = {}
    for j, f in enumerate(fields):
        n_levels = len(levels_of(f))
        col = level_rows[:, j] if level_rows.size else np.zeros(0, dtype=int)
        col = col[col >= 0]
        counts = np.bincount(col, minlength=n_levels).astype(float) if col.size else np.zeros(n_levels)
        n = counts.sum()
        weight = min(n, distinct_pairs) if distinct_pairs is not None else n
        freq = counts / n if n else np.zeros(n_levels)
        prior = np.array(PRIOR_U.get(f, PRIOR_U_EXTRA), dtype=float)
        probs = (freq * weight + prior * PRIOR_U_WEIGHT) / (weight + PRIOR_U_WEIGHT)
        floor = U_MIN.get(f, U_MIN_EXTRA)
        floors = [floor] + [0.01] * (n_levels - 1) if f == "birth" else [floor] * n_levels
        probs = np.maximum(probs, floors)
        u[f] = [float(x) for x in probs / probs.sum()]
    return u


# How many pairs' worth the documented m priors count when m is estimated from the data.
M_PRIOR_WEIGHT = 100


def smooth_m(counts: dict[str, np.ndarray], extra_names: tuple[str, ...]) -> dict[str, list[float]]:
    """m from level counts of pairs taken to be the same person, smoothed towards PRIOR_M."""
    prior = prior_m(extra_names)
    out: dict[str, list[float]] = {}
    for f, c in counts.items():
        c = np.asarray(c, dtype=float)
        p = np.array(prior[f], dtype=float)
        m = (c + p * M_PRIOR_WEIGHT) / (c.sum() + M_PRIOR_WEIGHT)
        out[f] = [float(x) for x in m]
    return out
