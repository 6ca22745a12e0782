"""How well records are grouped into people (what simulations count), on the matching generator.

    .venv/bin/python -m bench.matching.group_records [--records 200000] [--workers 2]

Prints people in the truth, groups found, pair precision / recall / F1 and the time taken;
docs/policies.md quotes the figures.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=200_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    from bench.matching.generate import generate
    from resettle.matching import ApplicantIn, dedupe

    records, _, _, _ = generate(args.records, max(args.records // 10, 1), seed=args.seed)
    # A record in the applicant's shape, as resettle.verification.inputs.record_as_applicant does.
    rows = [ApplicantIn(r["record_id"], r["full_name"], r["father_name"], r["birth_year"], r["role"], r["unit"],
                        r["location"], r["start_date"], r["end_date"]) for r in records]
    t = time.perf_counter()
    clusters = dedupe(rows, workers=args.workers).clusters
    elapsed = time.perf_counter() - t

    def pairs(assign):
        groups = collections.defaultdict(list)
        for k, c in assign.items():
            groups[c].append(k)
        return {(a, b) for m in groups.values() for a in m for b in m if a < b}

    truth = {r["record_id"]: r["_pid"] for r in records}
    pred, true = pairs(clusters), pairs(truth)
    tp = len(pred & true)
    precision, recall = tp / max(len(pred), 1), tp / max(len(true), 1)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    print(f"{args.records:,} records of {len(set(truth.values())):,} people -> {len(set(clusters.values())):,} groups; "
          f"pair precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}; {elapsed:.0f} s with {args.workers} workers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
