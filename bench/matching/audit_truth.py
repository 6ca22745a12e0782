"""How many of the generator's true pairs could a careful verifier actually confirm?

    .venv/bin/python -m bench.matching.audit_truth [--records 200000 --applicants 20000] [--seed 7]

Counts (printed, for docs/benchmarks/matching.md):
- true pairs whose record has no father's name, a single name token and no birth year (and
  the same for the applicant's side): nothing in them tells namesakes apart;
- true pairs for which a record of another person scores at least as high for that applicant
  (our model, calibrated as `link` does): no verifier could pick the right record from these
  fields, so no matcher can find them without also finding the namesake.
The truth itself is never changed.
"""

from __future__ import annotations

import argparse
import collections
import sys


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=200_000)
    p.add_argument("--applicants", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=7)
    args = p.parse_args(argv)

    from bench.matching.generate import generate
    from resettle.matching import ApplicantIn, Index, RecordIn
    from resettle.matching.engine import _prepare_applicants

    records, applicants, truth, _ = generate(args.records, args.applicants, seed=args.seed)
    rec_fields = ["record_id", "full_name", "father_name", "birth_year", "role", "unit", "location", "start_date", "end_date"]
    app_fields = ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role", "claimed_unit",
                  "claimed_location", "claimed_start", "claimed_end"]
    index = Index([RecordIn(**{k: r[k] for k in rec_fields}) for r in records], lazy_params=True)
    prepared = _prepare_applicants([ApplicantIn(**{k: a[k] for k in app_fields}) for a in applicants], None)
    index.calibrate(prepared)
    rec = {p.id: p for p in index.items}
    app = {p.id: p for p in prepared}

    def bare(x) -> bool:
        return x.father is None and x.name is not None and len(x.name.tokens) == 1 and x.years is None

    bare_record = sum(1 for a, r in truth if bare(rec[r]))
    bare_applicant = sum(1 for a, r in truth if bare(app[a]))
    by_applicant: dict[str, set[str]] = collections.defaultdict(set)
    for a, r in truth:
        by_applicant[a].add(r)
    outscored = 0
    for a in prepared:
        mine = by_applicant.get(a.id)
        if not mine:
            continue
        scored = {index.items[i].id: s for s, i, _, _ in index.score_prepared(a, floor=-30)}
        best_other = max((s for rid, s in scored.items() if rid not in mine), default=float("-inf"))
        for r in mine:
            s = scored.get(r)
            if s is None:
                s = index._score(a, rec[r])[0]
            if s <= best_other:
                outscored += 1
    print(f"true pairs {len(truth):,}")
    print(f"record with no father's name, one name token and no birth year: {bare_record:,}")
    print(f"applicant likewise: {bare_applicant:,}")
    print(f"a record of another person scores at least as high: {outscored:,} ({outscored / len(truth):.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
