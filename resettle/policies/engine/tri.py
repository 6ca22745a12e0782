"""Three-valued (Kleene) logic on numpy int8 arrays.

Encoding NO=0 < UNKNOWN=1 < YES=2 makes AND a minimum, OR a maximum and NOT a reflection,
so the same expressions work for one application (arrays of length 1) and for a million
employment records.
"""

import numpy as np

NO = np.int8(0)
UNKNOWN = np.int8(1)
YES = np.int8(2)

STATUS = {0: "not_met", 1: "unknown", 2: "met"}
CODE = {v: k for k, v in STATUS.items()}


def from_bool(value: np.ndarray, known: np.ndarray | None = None) -> np.ndarray:
    out = np.where(value, YES, NO).astype(np.int8)
    if known is not None:
        out[~known] = UNKNOWN
    return out


def all_of(parts: list[np.ndarray], size: int) -> np.ndarray:
    out = np.full(size, YES, dtype=np.int8)
    for p in parts:
        np.minimum(out, p, out=out)
    return out


def any_of(parts: list[np.ndarray], size: int) -> np.ndarray:
    out = np.full(size, NO, dtype=np.int8)
    for p in parts:
        np.maximum(out, p, out=out)
    return out


def negate(x: np.ndarray) -> np.ndarray:
    return (YES - x).astype(np.int8)
