"""Where do the true records that miss the verifier's candidate list go? (issue 13)

    .venv/bin/python -m bench.matching.recall_misses [--records 200000 --applicants 20000] [--seed 7]

Runs the matcher as `match --threshold 0.001` does (one process), on our generator only (its
truth may be read; the second generator's never is), and sorts every true pair that is not on
the list, or is on it below the fifth place, by why:

- "no shared key": the record shares no blocking key with the applicant at all;
- "keys capped": they share keys, but every shared key is broader than its cap (the caps keep
  common names from being compared with everyone), named by the kind of key;
- "scored below the floor": the record is compared and scores under about 1 in 1000;
- "another person's record": it scores above the floor on its own, and the applicant's better
  record of a different person pushes it under (an applicant is one person);
- "ranked below five": on the list, with five or more other people's records above it.

For each, the fields that differ are counted too (one side without a father's name or birth
year, a script difference, a single-part name), and a sample is printed.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time


def _kinds(keys) -> str:
    return "+".join(sorted({k[: k.index(":")] for k in keys})) or "-"


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=200_000)
    p.add_argument("--applicants", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sample", type=int, default=25, help="misses printed per reason")
    args = p.parse_args(argv)

    from bench.matching.generate import generate
    from resettle.matching import ApplicantIn, Index, RecordIn
    from resettle.matching import engine as E
    from resettle.matching import features as F
    from resettle.names.normalise import detect_script

    t0 = time.perf_counter()
    records, applicants, truth, _ = generate(args.records, args.applicants, seed=args.seed)
    rec_fields = ["record_id", "full_name", "father_name", "birth_year", "role", "unit", "location", "start_date", "end_date"]
    app_fields = ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role", "claimed_unit",
                  "claimed_location", "claimed_start", "claimed_end"]
    raw_rec = {r["record_id"]: r for r in records}
    raw_app = {a["applicant_id"]: a for a in applicants}
    index = Index([RecordIn(**{k: r[k] for k in rec_fields}) for r in records], lazy_params=True)
    prepared = E._prepare_applicants([ApplicantIn(**{k: a[k] for k in app_fields}) for a in applicants], None)
    index.calibrate(prepared)
    print(f"built in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    pos = {p.id: i for i, p in enumerate(index.items)}
    t = index.model_logodds(0.001)
    by_app: dict[str, set[str]] = collections.defaultdict(set)
    for a, r in truth:
        by_app[a].add(r)

    reasons: collections.Counter = collections.Counter()
    detail: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    samples: dict[str, list[str]] = collections.defaultdict(list)
    rng = random.Random(1)

    def traits(a, b) -> list[str]:
        out = []
        ra, rb = raw_app[a.id], raw_rec[b.id]
        sa = detect_script(ra["full_name"] or "")
        sb = detect_script(rb["full_name"] or "")
        if sa != sb:
            out.append(f"script {sa}/{sb}")
        if a.father is None or b.father is None:
            out.append("father missing")
        if a.years is None or b.years is None:
            out.append("year missing")
        if a.name is not None and b.name is not None and (len(a.name.bag) == 1 or len(b.name.bag) == 1):
            out.append("one-part name")
        if a.name is not None and b.name is not None:
            lv = F.compare_name(a.name, b.name)
            out.append("name level " + F.NAME_LEVELS[lv])
        return out

    def note(reason, a, b, extra="", tag=""):
        reasons[reason] += 1
        for tr in traits(a, b):
            detail[reason][tr] += 1
        if tag:
            detail[reason][tag] += 1
        ra, rb = raw_app[a.id], raw_rec[b.id]
        line = (f"  A {ra['full_name']!r} f={ra['father_name']!r} b={ra['birth_date']!r} | "
                f"R {rb['full_name']!r} f={rb['father_name']!r} y={rb['birth_year']!r} {extra}")
        s = samples[reason]
        if len(s) < args.sample:
            s.append(line)
        elif rng.random() < 0.1:
            s[rng.randrange(len(s))] = line

    from tqdm import tqdm

    n_true = 0
    for a in tqdm(prepared, file=sys.stderr, mininterval=2):
        mine = by_app.get(a.id)
        if not mine:
            continue
        n_true += len(mine)
        listed = E.Index.link_one(index, a, t)
        got = {}
        for total, i, *_rest in listed:
            rival = _rest[-1]
            got[index.items[i].id] = total + (rival[0] if rival else 0.0)
        ranked = sorted(got.items(), key=lambda kv: (-kv[1], kv[0]))
        wrong_above = 0
        rank = {}
        for rid, _ in ranked:
            if rid in mine:
                rank[rid] = wrong_above
            else:
                wrong_above += 1
        block = None
        for rid in mine:
            b = index.items[pos[rid]]
            if rid in rank:
                if rank[rid] >= 5:
                    note("ranked below five", a, b)
                continue
            if block is None:
                block = index._block(a)
                # The second, wider search (Index._wide_block) is made when nothing on the
                # first list reaches WIDE_BELOW: its records were compared too.
                bar = index.model_logodds(E.WIDE_BELOW)
                if not any(total >= bar for total, *_ in index._scored(a, block, t, None)):
                    block = block | index._wide_block(a, block)
            if pos[rid] not in block:
                shared = E._blocking_keys(a, query=True) & E._blocking_keys(b)
                # Would it be within five if every record sharing any key were compared?
                own = index._score(a, b)[0]
                pool = set()
                for k in E._blocking_keys(a, query=True):
                    pool.update(index.postings.get(k, ()))
                above = sum(1 for i in pool if index.items[i].id not in mine and index._score(a, index.items[i])[0] > own)
                crowd = "compared with all: below five" if above >= 5 else (
                    "compared with all: below floor" if own < t else "compared with all: within five")
                detail["(all blocking misses)"][crowd] += 1
                if not shared:
                    note("no shared key", a, b, crowd, crowd)
                else:
                    sizes = sorted((len(index.postings[k]), k) for k in shared)
                    note("keys capped", a, b, f"smallest {sizes[0][0]} ({sizes[0][1]}); {crowd}", "shared " + _kinds(shared))
                    detail["keys capped"][crowd] += 1
                continue
            own = index._score(a, b)[0]
            if own < t:
                note("scored below the floor", a, b, f"{own:+.1f} bits")
            else:
                note("another person's record", a, b)
    print(f"true pairs {n_true:,}; off the list or below five: {sum(reasons.values()):,}")
    for tr, c in detail["(all blocking misses)"].most_common():
        print(f"blocking misses, {tr}: {c:,}")
    for reason, n in reasons.most_common():
        print(f"\n{reason}: {n:,} ({n / n_true:.2%} of true pairs)")
        for tr, c in detail[reason].most_common(25):
            print(f"    {c:6,}  {tr}")
        print("\n".join(samples[reason]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
