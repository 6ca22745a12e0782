"""Candidate recall and reliability (calibration) of a matcher's scored pairs.

A verifier confirms or rejects what the screen shows: a true record that never reaches an
application's candidate list is a person left without proof of service. So the first figures
are the share of true (applicant, record) pairs that appear among the application's candidates
at any probability (the verifier's ceiling), ranked first, and within the first five; then,
per probability bin, the share of shown pairs that are true (a verifier reads 0.98 as "right
98 times in 100").

Input: M.csv written at a low threshold (applicant_id, record_id, match_probability), so every
candidate the matcher would show is in it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

# Probability bins of the reliability table (lower bound inclusive).
BINS = [(0.0, 0.05), (0.05, 0.2), (0.2, 0.5), (0.5, 0.8), (0.8, 0.95), (0.95, 0.99), (0.99, 1.0000001)]


def read_scored(path: Path) -> dict[str, list[tuple[float, str]]]:
    """applicant_id -> [(probability, record_id)], most probable first (ties by record id)."""
    out: dict[str, list[tuple[float, str]]] = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out[r["applicant_id"]].append((float(r["match_probability"]), r["record_id"]))
    for v in out.values():
        v.sort(key=lambda t: (-t[0], t[1]))
    return out


def candidate_recall(scored: dict[str, list[tuple[float, str]]], truth: set[tuple[str, str]]) -> dict:
    """Share of true pairs among the candidates at all, ranked first, within the first five.

    A true pair's rank is the number of other people's records above it: a person with three
    rotations has three true records, and the second of them, below only the first, is not
    hidden by it. Also per applicant: the share of applicants with a record whose first
    candidate is one of theirs."""
    true_by_app: dict[str, set[str]] = defaultdict(set)
    for a, r in truth:
        true_by_app[a].add(r)
    rank: dict[tuple[str, str], int] = {}
    for a, lst in scored.items():
        wrong_above = 0
        mine = true_by_app.get(a, set())
        for _, rid in lst:
            if rid in mine:
                rank[(a, rid)] = wrong_above
            else:
                wrong_above += 1
    n = len(truth) or 1
    any_ = sum(1 for p in truth if p in rank)
    top1 = sum(1 for p in truth if rank.get(p, 99) == 0)
    top5 = sum(1 for p in truth if rank.get(p, 99) < 5)
    apps = set(true_by_app)
    app_top1 = sum(1 for a in apps if scored.get(a) and scored[a][0][1] in true_by_app[a])
    return {"any": any_ / n, "top1": top1 / n, "top5": top5 / n, "n": len(truth),
            "app_top1": app_top1 / (len(apps) or 1), "apps": len(apps)}


def reliability(scored: dict[str, list[tuple[float, str]]], truth: set[tuple[str, str]], bins=BINS) -> list[dict]:
    """Per probability bin: pairs shown, their mean probability, the share that is true."""
    rows = [{"lo": lo, "hi": min(hi, 1.0), "n": 0, "sum_p": 0.0, "true": 0} for lo, hi in bins]
    for a, lst in scored.items():
        for p, rid in lst:
            for row, (lo, hi) in zip(rows, bins):
                if lo <= p < hi:
                    row["n"] += 1
                    row["sum_p"] += p
                    row["true"] += (a, rid) in truth
                    break
    for row in rows:
        row["mean_p"] = row["sum_p"] / row["n"] if row["n"] else None
        row["share_true"] = row["true"] / row["n"] if row["n"] else None
        row["gap"] = abs(row["share_true"] - row["mean_p"]) if row["n"] else None
    return rows


def worst_gap(rows: list[dict], min_pairs: int = 30) -> float:
    """The largest |share true - mean probability| over bins with at least min_pairs pairs."""
    gaps = [r["gap"] for r in rows if r["n"] >= min_pairs]
    return max(gaps) if gaps else 0.0


def reliability_markdown(rows: list[dict]) -> list[str]:
    lines = ["| probability bin | pairs | mean probability | share true | gap |", "|---|---|---|---|---|"]
    for r in rows:
        if not r["n"]:
            lines.append(f"| {r['lo']:.2f}-{r['hi']:.2f} | 0 | - | - | - |")
            continue
        lines.append(f"| {r['lo']:.2f}-{r['hi']:.2f} | {r['n']:,} | {r['mean_p']:.3f} | {r['share_true']:.3f} | "
                     f"{r['gap']:.3f} |")
    return lines
