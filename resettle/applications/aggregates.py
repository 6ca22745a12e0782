"""Small-count suppression for published aggregates (pure: no Django).

A count of 1 or 2 in "interpreters at unit X" can identify a person. Counts below the
threshold are withheld; if exactly one cell of a table is withheld, the next smallest is
withheld too, otherwise the total (or the reader's own subtraction) would give it back.
"""

from __future__ import annotations


def suppress_small(counts: dict[str, int], threshold: int = 5) -> dict[str, int | None]:
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    shown: dict[str, int | None] = {k: (None if 0 < v < threshold else v) for k, v in counts.items()}
    hidden = [k for k, v in shown.items() if v is None]
    if len(hidden) == 1:
        rest = sorted((v, k) for k, v in shown.items() if v is not None and v > 0)
        if rest:
            shown[rest[0][1]] = None
    return dict(sorted(shown.items(), key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0])))
