"""Probe one naming pattern at a time: how many of the true records it affects still reach the
verifier's candidate list (any probability, and within five).

    .venv/bin/python -m bench.matching.patterns [--seed 1001] [--records 20000 --applicants 2000] [PATTERN ...]

Each pattern is what real HR lists and applicants produce and issue 13 lists: the applicant
gives only the given names while the record has a family name (or the reverse); the father's
name only inside the record's name field ("X s/o Y", "son of", "bin", "walad-e", "ولدِ"); titles
and honorifics (Sayed, Haji, Mullah, Eng., Dr., Khan as a title); a compound given name run
together; a Dari-script record against a Latin applicant with no birth year on either side. The
generator (bench/matching/generate.py) draws the people; a share of the true pairs is then
rewritten with the pattern, so the figure is the recall on exactly those pairs. Fixes are made
as general rules (resettle/names, data files with sources) and measured on a fresh seed each
time, never tuned to the rewritten rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import time

SHARE = 0.3
FATHER_MARKERS = ["s/o", "S/O", "son of", "bin", "walad-e", "Walad-i", "ibn", "s/o.", "S/O:"]
DARI_FATHER_MARKERS = ["ولد", "ولدِ", "فرزند", "بن"]
TITLES = ["Sayed", "Syed", "Sayyid", "Haji", "Hajji", "Mullah", "Eng.", "Dr.", "Alhaj", "Maulvi", "Qari", "Sheikh",
          "Ustad"]


def _canon(parts) -> str:
    return " ".join(b.title() for b, _ in parts)


def _dari(parts) -> str:
    return " ".join(d for _, d in parts)


def _targets(rng, applicants, link_truth, want):
    """Applicants with a true record, chosen at random, whose person passes want(person)."""
    has = {a for a, _ in link_truth}
    pool = [a for a in applicants if a["applicant_id"] in has and want(a["_person"])]
    return rng.sample(pool, int(len(pool) * SHARE))


def given_only(rng, records, applicants, link_truth):
    """Given names only on one side, the family name too on the other."""
    chosen = _targets(rng, applicants, link_truth, lambda p: p.surname is not None)
    for a in chosen:
        p = a["_person"]
        if rng.random() < 0.6:
            a["full_name"] = _canon(p.given)
        else:
            for r in p.records:
                r["full_name"] = _canon(p.given).upper() if rng.random() < 0.5 else _canon(p.given)
                if not r["father_name"]:
                    r["father_name"] = _canon(p.father)
    return chosen


def father_in_name(rng, records, applicants, link_truth):
    chosen = _targets(rng, applicants, link_truth, lambda p: True)
    for a in chosen:
        p = a["_person"]
        for r in p.records:
            dari = any("\u0600" <= ch <= "\u06ff" for ch in r["full_name"])
            father = r["father_name"] or (_dari(p.father) if dari else _canon(p.father))
            marker = rng.choice(DARI_FATHER_MARKERS if dari else FATHER_MARKERS)
            r["full_name"] = f"{r['full_name']} {marker} {father}"
            r["father_name"] = ""
    return chosen


def titles(rng, records, applicants, link_truth):
    chosen = _targets(rng, applicants, link_truth, lambda p: True)
    for a in chosen:
        p = a["_person"]
        title = rng.choice(TITLES)
        khan = rng.random() < 0.2
        targets = p.records if rng.random() < 0.7 else [a]
        for r in targets:
            if any("\u0600" <= ch <= "\u06ff" for ch in r["full_name"]):
                continue
            r["full_name"] = f"{r['full_name']} Khan" if khan else f"{title} {r['full_name']}"
    return chosen


def compound(rng, records, applicants, link_truth):
    """A given name of two common names run together on one side ("Ghulamnabi", "Gulahmad")."""
    chosen = _targets(rng, applicants, link_truth, lambda p: len(p.given) == 2 and p.given[0][0] != "abdul")
    for a in chosen:
        p = a["_person"]
        joined = (p.given[0][0] + p.given[1][0]).title()
        text = " ".join([joined] + ([p.surname[0].title()] if p.surname else []))
        if rng.random() < 0.5:
            a["full_name"] = text
        else:
            for r in p.records:
                r["full_name"] = text.upper()
    return chosen


def dari_no_year(rng, records, applicants, link_truth):
    """The record in Dari script, the applicant in Latin letters, no birth year on either side."""
    chosen = _targets(rng, applicants, link_truth, lambda p: True)
    for a in chosen:
        p = a["_person"]
        a["full_name"] = _canon(p.given + ([p.surname] if p.surname else []))
        a["birth_date"] = ""
        if a["father_name"]:
            a["father_name"] = _canon(p.father)
        for r in p.records:
            r["full_name"] = _dari(p.given + ([p.surname] if p.surname else []))
            if r["father_name"]:
                r["father_name"] = _dari(p.father)
            r["birth_year"] = ""
    return chosen


PATTERNS = {"given_only": given_only, "father_in_name": father_in_name, "titles": titles, "compound": compound,
            "dari_no_year": dari_no_year}


def probe(name: str, n_records: int, n_applicants: int, seed: int) -> dict:
    from bench.matching.generate import generate
    from bench.matching.recall import candidate_recall
    from resettle.matching import ApplicantIn, RecordIn, link

    records, applicants, link_truth, _ = generate(n_records, n_applicants, seed=seed)
    rng = random.Random(seed * 31 + len(name))
    chosen = PATTERNS[name](rng, records, applicants, link_truth)
    ids = {a["applicant_id"] for a in chosen}
    truth = {(a, r) for a, r in link_truth if a in ids}
    recs = [RecordIn(**{k: r[k] for k in ("record_id", "full_name", "father_name", "birth_year", "role", "unit",
                                           "location", "start_date", "end_date")}) for r in records]
    apps = [ApplicantIn(**{k: a[k] for k in ("applicant_id", "full_name", "father_name", "birth_date", "claimed_role",
                                             "claimed_unit", "claimed_location", "claimed_start", "claimed_end")})
            for a in applicants]
    t = time.perf_counter()
    matches = link(recs, apps, 0.001, workers=2, explain=False)
    scored: dict[str, list] = {}
    for m in matches:
        scored.setdefault(m.applicant_id, []).append((m.probability, m.record_id))
    for v in scored.values():
        v.sort(key=lambda x: (-x[0], x[1]))
    rec = candidate_recall(scored, truth)
    at_half = sum(1 for a, r in truth if any(rid == r and p >= 0.5 for p, rid in scored.get(a, [])))
    return {"pattern": name, "seed": seed, "pairs": len(truth), "any": rec["any"], "top5": rec["top5"],
            "at_0.5": at_half / (len(truth) or 1), "seconds": time.perf_counter() - t}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("patterns", nargs="*", default=list(PATTERNS))
    p.add_argument("--seed", type=int, default=1001)
    p.add_argument("--records", type=int, default=20_000)
    p.add_argument("--applicants", type=int, default=2_000)
    args = p.parse_args(argv)
    print("| pattern | seed | true pairs rewritten | on the list | within five | at 0.5 or more |")
    print("|---|---|---|---|---|---|")
    for name in args.patterns:
        r = probe(name, args.records, args.applicants, args.seed)
        print(f"| {r['pattern']} | {r['seed']} | {r['pairs']:,} | {r['any']:.4f} | {r['top5']:.4f} | {r['at_0.5']:.4f} |",
              flush=True)
        print(f"  ({r['seconds']:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
