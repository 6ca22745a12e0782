"""Simulation: a policy version over many candidates at once (employment records or
applications), with uncertainty intervals, breakdowns and a two-policy comparison.

The criteria are the very objects used for single decisions, applied to a PeriodTable with
one group per candidate; only the counting and the uncertainty model live here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from . import tri
from .dates import MISSING, parse_date
from .evaluate import MEMBER_STATUS, assumed, criteria_values, evaluate_member, select_outcomes
from .policy import Version
from .table import Column, PeriodTable

UNKNOWN_CATEGORY = "unknown"
_EPOCH = date(1970, 1, 1).toordinal()

# 2013-14: 44 interpreters brought 96 immediate family members (NZ7), about 2.18 each.
DEFAULT_DEPENDANT_PRIOR = (96, 44)
# October-December 2012: 21 of the 23 interpreters offered had taken it up (NZ4).
DEFAULT_TAKE_UP_PRIOR = (21, 2)

RECORD_COLUMNS = ("record_id", "employer", "role", "unit", "location", "start_date", "end_date")


class RecordsError(ValueError):
    """A records file that cannot be simulated; the message names file, row and field."""


def records_table(
    *,
    employer: Column,
    unit: Column,
    role: Column,
    location: Column,
    start: np.ndarray,
    end: np.ndarray,
    reference: date,
    ids: Sequence | np.ndarray | None = None,
    group: np.ndarray | None = None,
) -> PeriodTable:
    """Employment records as candidates: one per record, or, with ``group`` (record -> person,
    0..n-1), one per person with each of their records a period. Records are the employer's
    own, so they count as confirmed; an empty end date stays unknown, not 'ongoing'."""
    n = len(start) if group is None else (int(group.max()) + 1 if len(group) else 0)
    return PeriodTable(
        n_groups=n,
        employer=employer, unit=unit, role=role, location=location,
        verification=Column(["confirmed"], np.zeros(len(start), dtype=np.int32)),
        start=start, end=end,
        reference=np.full(n, reference.toordinal(), dtype=np.int64),
        group=group,
        extra={"ids": ids if ids is not None else np.arange(n)},
    )


def read_records_csv(path: str | Path, reference: date) -> PeriodTable:
    """Read an employment-records CSV (the records import columns) without the database."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RecordsError(f"{path}: cannot read: {exc}") from None
    for enc in ("utf-8-sig", "utf-16", "cp1256"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RecordsError(f"{path}: not UTF-8, UTF-16 or Windows-1256 text")
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in RECORD_COLUMNS if c not in header]
    if missing:
        raise RecordsError(f"{path}: row 1: missing column(s) {', '.join(missing)}")
    cols: dict[str, list] = {c: [] for c in RECORD_COLUMNS}
    starts, ends = [], []
    for rowno, row in enumerate(reader, start=2):
        row = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not row.get("record_id"):
            raise RecordsError(f"{path}: row {rowno}: field record_id: required")
        for c in ("record_id", "employer", "role", "unit", "location"):
            cols[c].append(row.get(c) or None)
        for c, out in (("start_date", starts), ("end_date", ends)):
            v = row.get(c)
            if not v:
                out.append(MISSING)
                continue
            try:
                out.append(parse_date(v).toordinal())
            except ValueError:
                raise RecordsError(f"{path}: row {rowno}: field {c}: {v!r} is not a YYYY-MM-DD date") from None
    return records_table(
        employer=Column.from_values(cols["employer"]), unit=Column.from_values(cols["unit"]),
        role=Column.from_values(cols["role"]), location=Column.from_values(cols["location"]),
        start=np.array(starts, dtype=np.int64), end=np.array(ends, dtype=np.int64),
        reference=reference, ids=cols["record_id"],
    )


def concat_tables(tables: Sequence[PeriodTable]) -> PeriodTable:
    """Stack candidate tables (e.g. records and applications) into one."""
    def col(name: str, src: Iterable[Column]) -> Column:
        cats: dict[str, int] = {}
        parts = []
        for c in src:
            remap = np.array([cats.setdefault(x, len(cats)) for x in c.categories] + [-1], dtype=np.int32)
            parts.append(remap[c.codes])
        return Column(list(cats), np.concatenate(parts) if parts else np.zeros(0, np.int32))

    groups, offset = [], 0
    for t in tables:
        g = np.arange(t.n_periods) if t.group is None else t.group
        groups.append(g + offset)
        offset += t.n_groups
    keys = sorted({k for t in tables for k in t.attributes})
    ids: list = []
    for t in tables:
        ids.extend(list(t.extra.get("ids", range(t.n_groups))))
    return PeriodTable(
        n_groups=offset,
        employer=col("employer", (t.employer for t in tables)),
        unit=col("unit", (t.unit for t in tables)),
        role=col("role", (t.role for t in tables)),
        location=col("location", (t.location for t in tables)),
        verification=col("verification", (t.verification for t in tables)),
        start=np.concatenate([t.start for t in tables]),
        end=np.concatenate([t.end for t in tables]),
        reference=np.concatenate([t.reference for t in tables]),
        group=np.concatenate(groups),
        attributes={k: col(k, (t.attribute(k) for t in tables)) for k in keys},
        extra={"ids": ids},
    )


@dataclass
class Outcomes:
    """Per-candidate outcome categories of one version over one table."""

    version: Version
    category: np.ndarray  # index into labels
    labels: list[str]
    rule_status: list[np.ndarray]
    first_unknown: np.ndarray

    @classmethod
    def compute(cls, version: Version, table: PeriodTable, *, use_assumptions: bool = True) -> Outcomes:
        if use_assumptions:
            table = assumed(table, version.assume)
        values = criteria_values(version, table)
        chosen, first_unknown = select_outcomes(version, values, table.n_groups)
        rules = [*version.rules, version.otherwise]
        category = chosen.astype(np.int16)
        category[first_unknown >= 0] = len(rules)
        status = [r.when.evaluate(values, table.n_groups) for r in version.rules]
        return cls(version, category, [r.id for r in rules] + [UNKNOWN_CATEGORY], status, first_unknown)

    def counts(self) -> dict[str, int]:
        c = np.bincount(self.category, minlength=len(self.labels))
        return {label: int(n) for label, n in zip(self.labels, c)}

    def could_become(self, i: int) -> np.ndarray:
        """Candidates whose outcome is unknown but could still turn out to be rule i."""
        unknown = self.category == len(self.labels) - 1
        if i >= len(self.rule_status):  # otherwise
            return unknown
        return unknown & (self.rule_status[i] >= tri.UNKNOWN) & (self.first_unknown <= i)


@dataclass
class Estimate:
    rule_id: str
    label: str
    outcome: str
    offers: list[str]
    definite: int
    possible: int
    principals: tuple[float, float, float]
    applicants: tuple[float, float, float]
    dependants: tuple[float, float, float]
    people: tuple[float, float, float]


@dataclass
class SimulationResult:
    policy: str
    version: str
    reference_date: str
    candidates: int
    counts: dict[str, int]
    estimates: list[Estimate]
    breakdowns: dict[str, list[dict]]
    assumptions: dict[str, object]
    notes: list[str] = field(default_factory=list)
    # applications only (records hold no family): per outcome category, family members
    # included, referred for discretion (counted apart: a decision maker settles them),
    # undecided (evidence missing) and not included
    family: list[dict] = field(default_factory=list)

    def rows(self) -> list[dict]:
        """The summary table, one row per outcome rule (for the analysts' page)."""
        out = []
        for e in self.estimates:
            out.append({
                "policy": self.policy, "version": self.version, "outcome_rule": e.rule_id, "label": e.label,
                "outcome": e.outcome, "offers": ", ".join(e.offers),
                "definite": e.definite, "possibly": e.possible,
                "principals_median": e.principals[1], "principals_low": e.principals[0], "principals_high": e.principals[2],
                "applicants_median": e.applicants[1], "applicants_low": e.applicants[0], "applicants_high": e.applicants[2],
                "dependants_median": e.dependants[1], "dependants_low": e.dependants[0], "dependants_high": e.dependants[2],
                "people_median": e.people[1], "people_low": e.people[0], "people_high": e.people[2],
            })
        return out


def _dependant_rate_draws(rng: np.random.Generator, draws: int, observed: Sequence[int] | None,
                          prior: tuple[float, float]) -> np.ndarray:
    if observed is not None and len(observed) >= 5:
        obs = np.asarray(observed, dtype=np.float64)
        # bootstrap the mean family size seen so far
        idx = rng.integers(0, len(obs), size=(draws, len(obs)))
        return obs[idx].mean(axis=1)
    members, principals = prior
    # Gamma posterior for a Poisson rate with the prior's own sample size
    return rng.gamma(shape=members + 0.5, scale=1.0 / principals, size=draws)


def _interval(x: np.ndarray) -> tuple[float, float, float]:
    lo, mid, hi = np.percentile(x, [5, 50, 95])
    return float(lo), float(mid), float(hi)


def _breakdown(table: PeriodTable, outcomes: Outcomes, by: str) -> list[dict]:
    first = np.arange(table.n_periods) if table.group is None else None
    if table.group is not None:
        # a candidate's first period stands for it in breakdowns
        order = np.argsort(table.group, kind="stable")
        g_sorted = table.group[order]
        starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]]) if len(order) else np.zeros(0, int)
        first = np.full(table.n_groups, -1, dtype=np.int64)
        first[g_sorted[starts]] = order[starts]
    has = first >= 0
    if by == "year":
        start = np.where(has, table.start[np.maximum(first, 0)], MISSING)
        known = has & (start != MISSING)
        years = np.where(known, (start - _EPOCH).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970, 0)
        keys, codes = np.unique(years, return_inverse=True)
        names = [str(k) if k else "unknown" for k in keys]
    else:
        col = table.field(by)
        c = np.where(has, col.codes[np.maximum(first, 0)], -1)
        names = list(col.categories) + ["unknown"]
        codes = np.where(c < 0, len(col.categories), c)
    n_cat = len(outcomes.labels)
    grid = np.bincount(codes * n_cat + outcomes.category, minlength=len(names) * n_cat).reshape(len(names), n_cat)
    rows = []
    for i, name in enumerate(names):
        if grid[i].sum():
            rows.append({by: name, **{label: int(grid[i, j]) for j, label in enumerate(outcomes.labels)}})
    return rows


FAMILY_COLUMNS = ("met", "referred", "unknown", "not_met")


def family_counts(version: Version, outcomes: Outcomes, table: PeriodTable) -> list[dict]:
    """Family members of each candidate with a known family (applications), by the
    candidate's outcome category and the member's status under the version's categories."""
    situations = table.extra.get("situations")
    if not situations:
        return []
    grid = {label: dict.fromkeys(FAMILY_COLUMNS, 0) for label in outcomes.labels}
    for i, situation in enumerate(situations):
        row = grid[outcomes.labels[outcomes.category[i]]]
        for m in situation.members:
            status = evaluate_member(m, version.dependants, situation)[0]
            row[MEMBER_STATUS[status]] += 1
    return [{"category": label, **row} for label, row in grid.items() if any(row.values())]


def simulate(
    version: Version,
    table: PeriodTable,
    *,
    observed_family_sizes: Sequence[int] | None = None,
    dependant_prior: tuple[float, float] = DEFAULT_DEPENDANT_PRIOR,
    take_up_prior: tuple[float, float] = DEFAULT_TAKE_UP_PRIOR,
    unknown_prior: tuple[float, float] = (1.0, 1.0),
    draws: int = 4000,
    seed: int = 0,
    outcomes: Outcomes | None = None,
    breakdown_by: Sequence[str] = ("role", "unit", "year"),
) -> SimulationResult:
    """Count outcomes and estimate principals, applicants and dependants with 90% intervals.

    Each candidate whose outcome is unknown qualifies with an unknown probability drawn from
    ``unknown_prior`` (Beta; uniform by default: no knowledge); eligible principals apply at a
    take-up rate drawn from ``take_up_prior`` (Beta successes, failures); each applicant
    brings a Poisson number of dependants whose mean is bootstrapped from observed family
    sizes, or drawn from ``dependant_prior`` (family members, principals).
    """
    outcomes = outcomes or Outcomes.compute(version, table)
    rng = np.random.default_rng(seed)
    p_unknown = rng.beta(*unknown_prior, size=draws)
    take_up = rng.beta(take_up_prior[0] + 1, take_up_prior[1] + 1, size=draws)
    rate = _dependant_rate_draws(rng, draws, observed_family_sizes, dependant_prior)
    counts = outcomes.counts()
    rules = [*version.rules, version.otherwise]
    estimates = []
    for i, rule in enumerate(rules):
        if rule.outcome == "not_eligible":
            continue
        definite = counts[rule.id]
        possible = int(outcomes.could_become(i).sum())
        principals = definite + rng.binomial(possible, p_unknown)
        applicants = rng.binomial(principals, take_up)
        deps = rng.poisson(applicants * rate)
        estimates.append(Estimate(rule.id, rule.label, rule.outcome, list(rule.offers), definite, possible,
                                  _interval(principals), _interval(applicants), _interval(deps),
                                  _interval(applicants + deps)))
    source = "observed family sizes" if observed_family_sizes is not None and len(observed_family_sizes) >= 5 \
        else f"prior {dependant_prior[0]} family members per {dependant_prior[1]} principals"
    return SimulationResult(
        policy=version.policy_id, version=version.id,
        reference_date="per candidate" if len(np.unique(table.reference[:1000])) > 1
        else date.fromordinal(int(table.reference[0])).isoformat() if table.n_groups else "",
        candidates=table.n_groups, counts=counts, estimates=estimates,
        breakdowns={by: _breakdown(table, outcomes, by) for by in breakdown_by},
        assumptions={"attributes": dict(version.assume), "dependants": source,
                     "take_up_prior": list(take_up_prior), "unknown_prior": list(unknown_prior),
                     "draws": draws, "interval": "90% (5th to 95th percentile)"},
        notes=[version.simulation_note] if version.simulation_note else [],
        family=family_counts(version, outcomes, table),
    )


@dataclass
class Comparison:
    left: SimulationResult
    right: SimulationResult
    crosstab: list[dict]
    changed: int
    changed_examples: list[dict]


def compare(left: Version, right: Version, table: PeriodTable, *, examples: int = 50, **kwargs) -> Comparison:
    """Run two versions over the same candidates and list who changes category."""
    a = Outcomes.compute(left, table)
    b = Outcomes.compute(right, table)
    sa = simulate(left, table, outcomes=a, **kwargs)
    sb = simulate(right, table, outcomes=b, **kwargs)
    la = [f"{x}" for x in a.labels]
    lb = [f"{x}" for x in b.labels]
    grid = np.bincount(a.category.astype(np.int64) * len(lb) + b.category, minlength=len(la) * len(lb)).reshape(len(la), len(lb))
    cross = [{"left": la[i], "right": lb[j], "count": int(grid[i, j])}
             for i in range(len(la)) for j in range(len(lb)) if grid[i, j]]
    moved = np.flatnonzero(np.array(la, dtype=object)[a.category] != np.array(lb, dtype=object)[b.category])
    ids = table.extra.get("ids")
    ex = [{"id": (ids[i] if ids is not None else int(i)), "left": la[a.category[i]], "right": lb[b.category[i]]}
          for i in moved[:examples]]
    if ids is not None and len(ex):
        ex = [{**e, "id": e["id"].item() if hasattr(e["id"], "item") else e["id"]} for e in ex]
    return Comparison(sa, sb, cross, int(len(moved)), ex)


def format_simulation(result: SimulationResult) -> str:
    lines = [f"Policy {result.policy}@{result.version}, reference date {result.reference_date}, "
             f"{result.candidates} candidates", "",
             "Outcome counts: " + ", ".join(f"{k}={v}" for k, v in result.counts.items()), "",
             f"{'outcome':<28}{'definite':>9}{'possibly':>9}  {'principals (90%)':>20}  "
             f"{'applicants (90%)':>20}  {'dependants (90%)':>20}  {'people (90%)':>20}"]
    for e in result.estimates:
        def f(t: tuple) -> str:
            return f"{t[1]:.0f} [{t[0]:.0f}-{t[2]:.0f}]"
        lines.append(f"{e.rule_id:<28}{e.definite:>9}{e.possible:>9}  {f(e.principals):>20}  "
                     f"{f(e.applicants):>20}  {f(e.dependants):>20}  {f(e.people):>20}")
    for by, rows in result.breakdowns.items():
        lines += ["", f"By {by}:"]
        labels = list(result.counts)
        lines.append(f"  {by:<22}" + "".join(f"{x[:18]:>20}" for x in labels))
        for r in rows:
            lines.append(f"  {str(r[by])[:22]:<22}" + "".join(f"{r.get(x, 0):>20}" for x in labels))
    if result.family:
        lines += ["", "Family members (of applications; referred = case by case, for a decision maker):",
                  f"  {'outcome':<28}{'included':>10}{'referred':>10}{'unknown':>10}{'not incl.':>10}"]
        lines += [f"  {r['category']:<28}{r['met']:>10}{r['referred']:>10}{r['unknown']:>10}{r['not_met']:>10}"
                  for r in result.family]
    lines += ["", f"Assumptions: {result.assumptions}"] + [f"Note: {n}" for n in result.notes]
    return "\n".join(lines)


def format_comparison(c: Comparison) -> str:
    lines = [format_simulation(c.left), "", "=" * 60, "", format_simulation(c.right), "",
             f"Changes of category ({c.left.policy}@{c.left.version} -> {c.right.policy}@{c.right.version}): "
             f"{c.changed}"]
    for row in c.crosstab:
        mark = "" if row["left"] == row["right"] else "  *"
        lines.append(f"  {row['left']:<28} -> {row['right']:<28} {row['count']:>9}{mark}")
    if c.changed_examples:
        lines.append("First candidates who change category:")
        lines += [f"  {e['id']}: {e['left']} -> {e['right']}" for e in c.changed_examples]
    return "\n".join(lines)


def chart(result: SimulationResult | Comparison, path: str | Path) -> Path:
    """Bar chart of estimated principals per outcome with 90% intervals (and, for a
    comparison, both policies side by side), plus eligible-or-unknown candidates by year."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sims = [result.left, result.right] if isinstance(result, Comparison) else [result]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5.2))
    width = 0.8 / len(sims)
    # one slot per outcome id across both policies, so the same outcome lines up
    ids: list[str] = []
    for sim in sims:
        ids += [e.rule_id for e in sim.estimates if e.rule_id not in ids]
    for k, sim in enumerate(sims):
        ests = {e.rule_id: e for e in sim.estimates}
        slots = [i for i, rid in enumerate(ids) if rid in ests]
        es = [ests[ids[i]] for i in slots]
        mid = np.array([e.principals[1] for e in es])
        err = np.array([[e.principals[1] - e.principals[0] for e in es],
                        [e.principals[2] - e.principals[1] for e in es]]).reshape(2, len(es))
        name = f"{sim.policy}@{sim.version}"
        ax1.bar(np.array(slots) + (k - (len(sims) - 1) / 2) * width, mid, width=width, yerr=err,
                capsize=4, label=name)
        years = [r for r in sim.breakdowns.get("year", []) if r["year"] != "unknown"]
        if years:
            ax2.plot([int(r["year"]) for r in years], [sum(r.get(i, 0) for i in ests) for r in years],
                     marker="o", label=f"{name}: offer or referral")
            ax2.plot([int(r["year"]) for r in years], [r.get(UNKNOWN_CATEGORY, 0) for r in years],
                     linestyle="--", label=f"{name}: unknown")
    ax1.set_xticks(np.arange(len(ids)), ids, rotation=20, ha="right", fontsize=8)
    ax1.set_title("Estimated principals per outcome (median, 90% interval)")
    ax1.set_ylabel("principals")
    ax1.legend(fontsize=8)
    ax2.set_title("Candidates by first year of service")
    ax2.set_xlabel("year service started")
    from matplotlib.ticker import MaxNLocator

    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))  # years, not 2002.5
    ax2.legend(fontsize=7)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path
