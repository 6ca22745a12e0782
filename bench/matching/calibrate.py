"""Fit the link calibration (resettle/matching/data/calibration.json) on the first generator's
truth, at seeds the benchmark does not use.

    .venv/bin/python -m bench.matching.calibrate [--seeds 11,12] [--records 20000 --applicants 2000]

Platt scaling on the model's log2 odds: every candidate pair the matcher shows (probability
0.001 or more) with its truth, and a logistic regression of the truth on the model's log-odds
(two numbers, a and b: shown log2 odds = a * model log2 odds + b). Only the first generator
(bench/matching/generate.py) is used: the second generator's truth is never read to fit
anything; it is where the fit is checked (docs/benchmarks/matching.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[2] / "resettle" / "matching" / "data" / "calibration.json"


def pairs_for(seed: int, n_records: int, n_applicants: int) -> tuple[np.ndarray, np.ndarray]:
    from bench.matching.generate import generate
    from resettle.matching import ApplicantIn, Index, RecordIn, link

    records, applicants, truth, _ = generate(n_records, n_applicants, seed=seed)
    recs = [RecordIn(**{k: r[k] for k in ("record_id", "full_name", "father_name", "birth_year", "role", "unit",
                                           "location", "start_date", "end_date")}) for r in records]
    apps = [ApplicantIn(**{k: a[k] for k in ("applicant_id", "full_name", "father_name", "birth_date", "claimed_role",
                                             "claimed_unit", "claimed_location", "claimed_start", "claimed_end")})
            for a in applicants]
    index = Index(recs, lazy_params=True, calibration=(1.0, 0.0))  # the model's own odds
    matches = link(index, apps, 0.001, workers=2, explain=False)
    x = np.array([math.log2(max(m.probability, 1e-12) / max(1 - m.probability, 1e-12)) for m in matches])
    y = np.array([(m.applicant_id, m.record_id) in truth for m in matches], dtype=float)
    return x, y


def fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Logistic regression of y on x in log2 units (Newton's method)."""
    xs = np.clip(x, -30, 30) * math.log(2)
    w = np.array([1.0, 0.0])
    X = np.stack([xs, np.ones_like(xs)], axis=1)
    for _ in range(50):
        p = 1 / (1 + np.exp(-(X @ w)))
        g = X.T @ (p - y)
        H = (X * (p * (1 - p))[:, None]).T @ X + 1e-9 * np.eye(2)
        step = np.linalg.solve(H, g)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    a, b_nats = float(w[0]), float(w[1])
    return a, b_nats / math.log(2)


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="11,12")
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--applicants", type=int, default=2_000)
    p.add_argument("--out", type=Path, default=OUT)
    args = p.parse_args(argv)
    xs, ys = [], []
    seeds = [int(s) for s in args.seeds.split(",")]
    for seed in seeds:
        t = time.perf_counter()
        x, y = pairs_for(seed, args.records, args.applicants)
        print(f"seed {seed}: {len(x)} pairs, {int(y.sum())} true, {time.perf_counter() - t:.0f} s", file=sys.stderr)
        xs.append(x)
        ys.append(y)
    x, y = np.concatenate(xs), np.concatenate(ys)
    a, b = fit(x, y)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "a": round(a, 4), "b": round(b, 4),
        "fitted_on": f"bench/matching/generate.py seeds {args.seeds} (the benchmark uses seed 7), "
                     f"{args.records} records x {args.applicants} applications each",
        "pairs": int(len(x)), "true_pairs": int(y.sum()),
        "method": "Platt scaling: logistic regression of the truth on the model's log2 odds of every pair "
                  "shown at 0.001 or more (bench/matching/calibrate.py)",
    }, indent=2) + "\n", encoding="utf-8")
    print(f"a={a:.4f} b={b:.4f} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
