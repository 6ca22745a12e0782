"""Evaluating one situation (one application's facts) under a policy version."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np

from . import tri, vocab
from .criteria import Values
from .dates import age_on, birth_range, parse_date
from .policy import DependantCategory, Policy, Rule, Version
from .table import Column, PeriodTable, to_ordinal

PRINCIPAL_RESERVED = {"employment"}
EMPLOYMENT_KEYS = {"employer", "unit", "role", "location", "start", "end", "verification",
                   "verified_by", "verified_on"}
MEMBER_KEYS = {"relationship", "birth", "marital_status", "dependent", "label"}


class SituationError(ValueError):
    """A situation that cannot be evaluated; the message names the offending field."""


def _date_or_none(value: object, where: str, allow_ongoing: bool = False) -> object:
    if value is None or value == "":
        return None
    if allow_ongoing and value == "ongoing":
        return "ongoing"
    try:
        return parse_date(value)
    except ValueError as exc:
        raise SituationError(f"{where}: {exc}") from None


@dataclass
class Situation:
    """The facts a policy is applied to. Missing facts stay missing (None) so criteria that
    need them come out *unknown* rather than *not met*."""

    reference_date: date
    principal: dict
    employment: list[dict]
    members: list[dict]

    @classmethod
    def from_dict(cls, data: dict, where: str = "situation") -> Situation:
        if not isinstance(data, dict):
            raise SituationError(f"{where}: must be a mapping")
        unknown = set(data) - {"reference_date", "principal", "members"}
        if unknown:
            raise SituationError(f"{where}: unknown keys {sorted(unknown)}")
        ref = _date_or_none(data.get("reference_date"), f"{where}.reference_date")
        if ref is None:
            raise SituationError(f"{where}.reference_date: required (the day the request was received)")
        principal = dict(data.get("principal") or {})
        employment = []
        for i, e in enumerate(principal.pop("employment", None) or []):
            w = f"{where}.principal.employment[{i}]"
            if not isinstance(e, dict):
                raise SituationError(f"{w}: must be a mapping")
            bad = set(e) - EMPLOYMENT_KEYS
            if bad:
                raise SituationError(f"{w}: unknown keys {sorted(bad)}")
            e = dict(e)
            for key, allowed in vocab.EMPLOYMENT_FIELDS.items():
                v = e.get(key)
                if v not in (None, "") and v not in allowed:
                    raise SituationError(f"{w}.{key}: {v!r} is not a canonical {key}")
            v = e.get("verification") or "unverified"
            if v not in vocab.VERIFICATION:
                raise SituationError(f"{w}.verification: {v!r} is not one of {sorted(vocab.VERIFICATION)}")
            e["verification"] = v
            e["start"] = _date_or_none(e.get("start"), f"{w}.start")
            e["end"] = _date_or_none(e.get("end"), f"{w}.end", allow_ongoing=True)
            e["verified_on"] = _date_or_none(e.get("verified_on"), f"{w}.verified_on")
            employment.append(e)
        members = []
        for i, m in enumerate(data.get("members") or []):
            w = f"{where}.members[{i}]"
            if not isinstance(m, dict):
                raise SituationError(f"{w}: must be a mapping")
            bad = set(m) - MEMBER_KEYS
            if bad:
                raise SituationError(f"{w}: unknown keys {sorted(bad)}")
            rel = m.get("relationship")
            if rel not in vocab.RELATIONSHIPS or rel == "principal":
                raise SituationError(f"{w}.relationship: {rel!r} is not a family relationship")
            try:
                birth = birth_range(m.get("birth"))
            except (ValueError, KeyError) as exc:
                raise SituationError(f"{w}.birth: {exc}") from None
            dep = m.get("dependent")
            if dep not in (None, True, False):
                raise SituationError(f"{w}.dependent: must be true, false or empty")
            members.append({**m, "birth": birth, "marital_status": (m.get("marital_status") or None),
                            "dependent": dep})
        return cls(ref, principal, employment, members)

    def table(self) -> PeriodTable:
        emp = self.employment
        n = len(emp)
        return PeriodTable(
            n_groups=1,
            employer=Column.from_values(e.get("employer") for e in emp),
            unit=Column.from_values(e.get("unit") for e in emp),
            role=Column.from_values(e.get("role") for e in emp),
            location=Column.from_values(e.get("location") for e in emp),
            verification=Column.from_values(e.get("verification") for e in emp),
            start=np.array([to_ordinal(e["start"]) for e in emp], dtype=np.int64),
            end=np.array([to_ordinal(e["end"], end=True) for e in emp], dtype=np.int64),
            reference=np.array([self.reference_date.toordinal()], dtype=np.int64),
            group=np.zeros(n, dtype=np.int64),
            attributes={k: Column.from_values([v]) for k, v in self.principal.items()
                        if k not in PRINCIPAL_RESERVED},
            extra={"verified_by": [e.get("verified_by") for e in emp],
                   "verified_on": [e["verified_on"].isoformat() if e.get("verified_on") else None for e in emp]},
        )


def assumed(table: PeriodTable, assume: dict) -> PeriodTable:
    """Fill attributes a data source cannot hold (e.g. nationality for employment records)
    from a version's stated simulation assumptions; recorded values win."""
    if not assume:
        return table
    attrs = dict(table.attributes)
    for key, value in assume.items():
        col = attrs.get(key)
        if col is None or (col.codes < 0).all():
            attrs[key] = Column.constant(value, table.n_groups)
        else:
            const = Column.constant(value, 1)
            cats = list(col.categories)
            fill = cats.index(const.categories[0]) if const.categories and const.categories[0] in cats else None
            if const.categories and fill is None:
                cats.append(const.categories[0])
                fill = len(cats) - 1
            codes = col.codes.copy()
            if fill is not None:
                codes[codes < 0] = fill
            attrs[key] = Column(cats, codes)
    return PeriodTable(table.n_groups, table.employer, table.unit, table.role, table.location,
                       table.verification, table.start, table.end, table.reference, table.group,
                       attrs, table.extra)


def criteria_values(version: Version, table: PeriodTable) -> dict[str, Values]:
    return {cid: c.evaluate(table) for cid, c in version.criteria.items()}


def select_outcomes(version: Version, values: dict[str, Values], size: int) -> tuple[np.ndarray, np.ndarray]:
    """Per group: index of the first rule that is met (len(rules) = otherwise), and index of
    the first rule whose condition is unknown before any met rule (-1 if none).

    Rules are ordered: a group whose earlier rule is *unknown* cannot be given a later
    outcome, because the missing evidence might still grant the earlier one.
    """
    rules = version.rules
    decided = np.zeros(size, dtype=bool)
    chosen = np.full(size, len(rules), dtype=np.int16)
    first_unknown = np.full(size, -1, dtype=np.int16)
    for i, rule in enumerate(rules):
        t = rule.when.evaluate(values, size)
        unk = (t == tri.UNKNOWN) & ~decided & (first_unknown < 0)
        first_unknown[unk] = i
        met = (t == tri.YES) & ~decided
        chosen[met] = i
        decided |= met
    return chosen, first_unknown


@dataclass
class CriterionResult:
    id: str
    label: str
    status: str
    requirement: str
    evidence: list[str]
    missing: list[str]


@dataclass
class MemberResult:
    index: int
    relationship: str
    status: str
    category: str
    evidence: list[str]
    missing: list[str]


@dataclass
class Result:
    policy_id: str
    version_id: str
    reference_date: str
    outcome: str
    rule_id: str
    label: str
    offers: list[str]
    choice: str
    details: str
    possible: list[dict]
    criteria: list[CriterionResult]
    members: list[MemberResult]
    dependants: int
    dependants_unknown: int
    sources: list[dict] = field(default_factory=list)
    rules: dict[str, str] = field(default_factory=dict)

    def criterion(self, cid: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == cid)

    def to_dict(self) -> dict:
        return asdict(self)


def _rule_summary(rule: Rule) -> dict:
    return {"rule_id": rule.id, "outcome": rule.outcome, "label": rule.label, "offers": list(rule.offers)}


def evaluate_member(member: dict, categories: list[DependantCategory], reference: date) -> tuple[int, str, list[str], list[str]]:
    best, best_cat, evidence, missing = tri.NO, "", [], []
    for cat in categories:
        status, notes, gaps = tri.YES, [], []
        for cond in cat.conditions:
            v, note = _member_condition(cond, member, reference)
            status = min(status, v)
            (gaps if v == tri.UNKNOWN else notes).append(note)
        if status == tri.YES:
            best, best_cat, evidence, missing = status, cat.id, notes, []
            break
        if status == tri.UNKNOWN:
            # every category still open is listed: any of them could settle the question
            if best == tri.NO:
                best, best_cat, evidence = status, cat.id, notes
            missing += [f"{cat.label}: {g}" for g in gaps]
    if best == tri.NO:
        evidence = [f"{member['relationship']} fits none of: {', '.join(c.label for c in categories)}"] if categories else ["this version names no dependants"]
    return int(best), best_cat, evidence, missing


def _member_condition(cond, member: dict, reference: date) -> tuple[int, str]:
    if cond.kind == "relationship":
        v = member["relationship"]
        return (tri.YES if v in cond.value else tri.NO), f"relationship {v}"
    if cond.kind == "marital_status":
        v = member.get("marital_status")
        if v is None:
            return tri.UNKNOWN, f"marital status not recorded (needs {cond.describe()})"
        return (tri.YES if v in cond.value else tri.NO), f"marital status {v}"
    if cond.kind == "dependent":
        v = member.get("dependent")
        if v is None:
            return tri.UNKNOWN, f"dependency not recorded (needs {cond.describe()})"
        return (tri.YES if v == cond.value else tri.NO), f"dependent: {'yes' if v else 'no'}"
    birth = member.get("birth")
    if birth is None:
        return tri.UNKNOWN, f"birth date not recorded (needs {cond.describe()})"
    oldest, youngest = age_on(birth[0], reference), age_on(birth[1], reference)
    age = str(oldest) if oldest == youngest else f"{youngest}-{oldest}"
    if cond.kind == "age_under":
        ok = tri.YES if oldest < cond.value else tri.NO if youngest >= cond.value else tri.UNKNOWN
    else:
        ok = tri.YES if youngest >= cond.value else tri.NO if oldest < cond.value else tri.UNKNOWN
    note = f"aged {age} on {reference.isoformat()}"
    if ok == tri.UNKNOWN:
        note += f" (exact birth date needed: {cond.describe()})"
    return ok, note


MAX_ENUMERATED_UNKNOWNS = 12


def _possible_rules(version: Version, values: dict[str, Values], first_unknown: int, chosen: int,
                    rule_status: list[int]) -> list[int]:
    """Outcome rules that some resolution of the unknown criteria would select.

    Each unknown criterion is tried as met and as not met (all combinations, run through the
    same outcome selection as a table of virtual candidates), so a criterion that appears in
    two rules is not counted as both met and not met. With very many unknowns this falls back
    to the rule-by-rule reading, which may list an outcome that cannot happen, never omit one.
    """
    unknown = [cid for cid, v in values.items() if v.group[0] == tri.UNKNOWN]
    if len(unknown) > MAX_ENUMERATED_UNKNOWNS:
        return [i for i in range(first_unknown, chosen + 1) if rule_status[i] != tri.NO]
    n = 1 << len(unknown)
    combos = (np.arange(n)[:, None] >> np.arange(len(unknown))) & 1
    virtual = {cid: Values(np.full(n, v.group[0], dtype=np.int8)) for cid, v in values.items()}
    for j, cid in enumerate(unknown):
        virtual[cid] = Values(np.where(combos[:, j] == 1, tri.YES, tri.NO).astype(np.int8))
    picked, _ = select_outcomes(version, virtual, n)
    return sorted({int(i) for i in picked})


def evaluate(policy: Policy, situation: Situation | dict, version: Version | str | None = None) -> Result:
    """Evaluate a situation. Without ``version``, the version in force on the reference date."""
    if isinstance(situation, dict):
        situation = Situation.from_dict(situation)
    if version is None:
        version = policy.version_on(situation.reference_date)
    elif isinstance(version, str):
        version = policy.version(version)
    # decisions never use simulation assumptions: a missing fact must show as unknown
    table = situation.table()
    values = criteria_values(version, table)
    chosen, first_unknown = select_outcomes(version, values, 1)
    rules = [*version.rules, version.otherwise]
    rule = rules[int(chosen[0])]
    rule_status = [int(r.when.evaluate(values, 1)[0]) for r in version.rules] + [int(tri.YES)]
    possible = []
    if first_unknown[0] >= 0:
        possible = [_rule_summary(rules[i]) for i in _possible_rules(version, values, int(first_unknown[0]),
                                                                      int(chosen[0]), rule_status)]
        outcome, rule_id, label, offers, choice, details = (
            "unknown", "", "Outcome depends on missing evidence", [], "", "")
    else:
        outcome, rule_id, label = rule.outcome, rule.id, rule.label
        offers, choice, details = list(rule.offers), rule.choice, rule.details
    crits = []
    for cid, crit in version.criteria.items():
        ex = crit.explain(table, values[cid], 0)
        crits.append(CriterionResult(cid, crit.label, tri.STATUS[int(values[cid].group[0])],
                                     crit.describe(), ex.evidence, ex.missing))
    members, n_dep, n_unk = [], 0, 0
    for i, m in enumerate(situation.members):
        status, cat, ev, miss = evaluate_member(m, version.dependants, situation.reference_date)
        n_dep += int(status == tri.YES)
        n_unk += int(status == tri.UNKNOWN)
        members.append(MemberResult(i, m["relationship"], tri.STATUS[status], cat, ev, miss))
    return Result(policy.id, version.id, situation.reference_date.isoformat(), outcome, rule_id, label,
                  offers, choice, details, possible, crits, members, n_dep, n_unk,
                  [asdict(s) for s in version.sources],
                  {r.id: tri.STATUS[st] for r, st in zip(rules, rule_status)})



def situations_table(situations: list[Situation]) -> PeriodTable:
    """Many situations as one grouped table (group i = situation i), for simulation over
    applications with the same criteria code the single evaluation uses."""
    emp, group = [], []
    for g, s in enumerate(situations):
        emp.extend(s.employment)
        group.extend([g] * len(s.employment))
    keys = sorted({k for s in situations for k in s.principal if k not in PRINCIPAL_RESERVED})
    return PeriodTable(
        n_groups=len(situations),
        employer=Column.from_values(e.get("employer") for e in emp),
        unit=Column.from_values(e.get("unit") for e in emp),
        role=Column.from_values(e.get("role") for e in emp),
        location=Column.from_values(e.get("location") for e in emp),
        verification=Column.from_values(e.get("verification") for e in emp),
        start=np.array([to_ordinal(e["start"]) for e in emp], dtype=np.int64),
        end=np.array([to_ordinal(e["end"], end=True) for e in emp], dtype=np.int64),
        reference=np.array([s.reference_date.toordinal() for s in situations], dtype=np.int64),
        group=np.array(group, dtype=np.int64),
        attributes={k: Column.from_values(s.principal.get(k) for s in situations) for k in keys},
    )


def format_result(result: Result) -> str:
    """A plain-text account of a result for a decision maker: outcome, then every criterion
    with its evidence and what is missing, then each family member."""
    mark = {"met": "[met]", "not_met": "[not met]", "unknown": "[UNKNOWN]"}
    lines = [f"Policy {result.policy_id}@{result.version_id}, reference date {result.reference_date}"]
    if result.outcome == "unknown":
        lines.append("Outcome: UNKNOWN - evidence is missing. Possible outcomes:")
        lines += [f"  - {p['label']} ({p['outcome']}{': ' + ', '.join(p['offers']) if p['offers'] else ''})"
                  for p in result.possible]
    else:
        offers = f" [{' or '.join(result.offers) if result.choice == 'applicant' else ' and '.join(result.offers)}]" \
            if result.offers else ""
        lines.append(f"Outcome: {result.outcome}{offers} - {result.label}")
        if result.details:
            lines.append(f"  {result.details.strip()}")
    lines.append("Criteria:")
    for c in result.criteria:
        lines.append(f"  {mark[c.status]} {c.label}")
        lines += [f"      evidence: {e}" for e in c.evidence]
        lines += [f"      missing: {m}" for m in c.missing]
    if result.members:
        lines.append(f"Family: {result.dependants} dependant(s), {result.dependants_unknown} undecided")
        for m in result.members:
            lines.append(f"  {mark[m.status]} member {m.index + 1} ({m.relationship})"
                         f"{' as ' + m.category if m.category and m.status != 'not_met' else ''}: "
                         + "; ".join(m.evidence + [f'missing: {x}' for x in m.missing]))
    lines.append("Sources: " + "; ".join(f"{s['id']} {s['url'] or s['title']}" for s in result.sources))
    return "\n".join(lines)
