"""Length of service over many candidates at once: overlapping periods merged, periods clipped
to the window a policy counts, lengths in days or calendar months.

Two jobs held at the same time are one stretch of service, not two; the SIV counts service from
7 October 2001, so a period starting in 2000 counts from then; "one year" is twelve calendar
months, so January-June plus July-December is a year (as 181 + 184 days it would not be 365).
"""

from __future__ import annotations

from datetime import date

import numpy as np

_EPOCH = date(1970, 1, 1).toordinal()
# group * _SHIFT + ordinal keeps a running maximum from leaking across groups (ordinals < 2**22)
_SHIFT = np.int64(1 << 23)
DAYS_PER_LEFTOVER_MONTH = 30


def _as_days(ordinal: np.ndarray) -> np.ndarray:
    return (ordinal - _EPOCH).astype("datetime64[D]")


def _month_length(month: np.ndarray) -> np.ndarray:
    return ((month + 1).astype("datetime64[D]") - month.astype("datetime64[D]")).astype(np.int64)


def calendar_months(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Length of each inclusive period [start, end] (ordinals) in months: whole calendar months
    (1 March to 31 May is 3; 15 January to 14 February is 1; a month after 31 January is
    28 February, as in ``add_months``), with the days
    left over counted at 30 a month, so leftovers of several periods add up."""
    if len(start) == 0:
        return np.zeros(0, dtype=np.float64)
    sd = _as_days(start)
    ed = _as_days(end + 1)  # exclusive end: 1 Jan to 30 Jun is the six months up to 1 Jul
    sm, em = sd.astype("datetime64[M]"), ed.astype("datetime64[M]")
    k = (em - sm).astype(np.int64)
    sday = (sd - sm.astype("datetime64[D]")).astype(np.int64) + 1
    eday = (ed - em.astype("datetime64[D]")).astype(np.int64) + 1
    # k months after the start falls on min(start day, length of the end month) of the end month
    whole = np.where(eday >= np.minimum(sday, _month_length(em)), k, k - 1)
    anchor_m = sm + whole
    anchor = anchor_m.astype("datetime64[D]") + (np.minimum(sday, _month_length(anchor_m)) - 1)
    left = (ed - anchor).astype(np.int64)
    return whole + left / DAYS_PER_LEFTOVER_MONTH


def merged_length(start: np.ndarray, end: np.ndarray, group: np.ndarray | None, n_groups: int,
                  *, months: bool) -> np.ndarray:
    """Total length per group of the union of periods [start, end] (ordinals, start <= end).

    Overlapping or touching periods of one group are merged first, so concurrent jobs count
    once. ``group`` None means period i is group i (nothing to merge)."""
    if group is None:
        length = calendar_months(start, end) if months else (end - start + 1).astype(np.float64)
        out = np.zeros(n_groups, dtype=np.float64)
        out[: len(length)] = length
        return out
    if len(start) == 0:
        return np.zeros(n_groups, dtype=np.float64)
    order = np.lexsort((start, group))
    g, s, e = group[order].astype(np.int64), start[order], end[order]
    running_end = np.maximum.accumulate(g * _SHIFT + e) - g * _SHIFT
    new = np.ones(len(s), dtype=bool)
    new[1:] = (g[1:] != g[:-1]) | (s[1:] > running_end[:-1] + 1)
    first = np.flatnonzero(new)
    seg_start, seg_end, seg_group = s[first], np.maximum.reduceat(e, first), g[first]
    length = calendar_months(seg_start, seg_end) if months else (seg_end - seg_start + 1).astype(np.float64)
    return np.bincount(seg_group, weights=length, minlength=n_groups)
