"""Evaluating one situation (one application's facts) under a policy version."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timezone, tzinfo

import numpy as np

from . import tri, vocab
from .criteria import Values
from .dates import MISSING, RECEIVED, age_on, birth_range, parse_date, parse_instant
from .policy import DependantCategory, Policy, Rule, Version, describe_params
from .table import Column, PeriodTable, to_ordinal
from .vocab import Vocabulary

PRINCIPAL_RESERVED = {"employment"}
SITUATION_KEYS = {"received", "reference_date", "dates", "principal", "members"}
EMPLOYMENT_KEYS = {"employer", "unit", "role", "location", "start", "end", "verification",
                   "verified_by", "verified_on"}
MEMBER_KEYS = {"relationship", "birth", "marital_status", "dependent", "label", "ref", "married_on",
               *vocab.ENGINE_MEMBER_FACTS}
# member status: the three of a criterion, and 'referred' (a decision maker settles it)
REFERRED = 3
MEMBER_STATUS = {**tri.STATUS, REFERRED: "referred"}


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


def _bool_or_none(value: object, where: str) -> bool | None:
    if value in (None, True, False):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise SituationError(f"{where}: must be true, false or empty, not {value!r}")


@dataclass
class Situation:
    """The facts a policy is applied to. Missing facts stay missing (None) so criteria that
    need them come out *unknown* rather than *not met*.

    ``reference_date`` is the day the request was received, in the policy's time zone;
    ``received_at`` the moment, when the time of day is known; ``dates`` other named dates
    (a petition's filing, the decision)."""

    reference_date: date
    principal: dict
    employment: list[dict]
    members: list[dict]
    received_at: datetime | None = None
    dates: dict[str, date] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict, where: str = "situation", vocabulary: Vocabulary | None = None,
                  zone: tzinfo = timezone.utc) -> Situation:
        """Check and read a situation. With a ``vocabulary`` (a policy's), every fact, date and
        employment term must be declared there: a fact the rules cannot read is an error,
        never silently ignored."""
        if not isinstance(data, dict):
            raise SituationError(f"{where}: must be a mapping")
        unknown = set(data) - SITUATION_KEYS
        if unknown:
            raise SituationError(f"{where}: unknown keys {sorted(unknown)} (allowed: {', '.join(sorted(SITUATION_KEYS))})")
        if "received" in data and "reference_date" in data:
            raise SituationError(f"{where}: give received or reference_date (its old name), not both")
        key = "received" if "received" in data else "reference_date"
        raw = data.get(key)
        if raw is None or raw == "":
            raise SituationError(f"{where}.{key}: required (when the request was received)")
        try:
            when = parse_instant(raw)
        except ValueError as exc:
            raise SituationError(f"{where}.{key}: {exc}") from None
        received_at = None
        if isinstance(when, datetime):
            received_at = when
            ref = when.astimezone(zone).date()
        else:
            ref = when
        dates: dict[str, date] = {}
        raw_dates = data.get("dates") or {}
        if not isinstance(raw_dates, dict):
            raise SituationError(f"{where}.dates: must be a mapping of date names to dates")
        declared = set(vocabulary.terms("dates")) if vocabulary is not None else None
        for name, value in raw_dates.items():
            if name in (RECEIVED, "reference_date"):
                raise SituationError(f"{where}.dates.{name}: the received date is written as 'received'")
            if declared is not None and name not in declared:
                raise SituationError(f"{where}.dates.{name}: unknown date (declared: {', '.join(sorted(declared))})")
            d = _date_or_none(value, f"{where}.dates.{name}")
            if d is not None:
                dates[str(name)] = d
        principal = dict(data.get("principal") or {})
        raw_employment = principal.pop("employment", None) or []
        if vocabulary is not None:
            facts = vocabulary.terms("facts")
            for name, value in principal.items():
                w = f"{where}.principal.{name}"
                if name not in facts:
                    raise SituationError(f"{w}: unknown fact {name!r}; the policy's rules cannot read it "
                                         f"(declared facts: {', '.join(sorted(facts))})")
                if value is None or value == "":
                    continue
                kind = vocabulary.fact_values(name)
                if kind == "boolean":
                    principal[name] = _bool_or_none(value, w)
                elif isinstance(kind, frozenset) and str(value).strip().lower() not in kind:
                    raise SituationError(f"{w}: {value!r} is not one of {', '.join(sorted(kind))}")
        employment = []
        for i, e in enumerate(raw_employment):
            w = f"{where}.principal.employment[{i}]"
            if not isinstance(e, dict):
                raise SituationError(f"{w}: must be a mapping")
            bad = set(e) - EMPLOYMENT_KEYS
            if bad:
                raise SituationError(f"{w}: unknown keys {sorted(bad)}")
            e = dict(e)
            if vocabulary is not None:
                for fname in vocab.EMPLOYMENT_FIELDS:
                    v = e.get(fname)
                    if v not in (None, "") and v not in vocabulary.field_terms(fname):
                        raise SituationError(f"{w}.{fname}: {v!r} is not a canonical {fname} of this policy's "
                                             "vocabulary")
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
                raise SituationError(f"{w}: unknown keys {sorted(bad)} (allowed: {', '.join(sorted(MEMBER_KEYS))})")
            rel = m.get("relationship")
            if rel not in vocab.RELATIONSHIPS or rel == "principal":
                raise SituationError(f"{w}.relationship: {rel!r} is not a family relationship")
            try:
                birth = birth_range(m.get("birth"))
            except (ValueError, KeyError) as exc:
                raise SituationError(f"{w}.birth: {exc}") from None
            flags = {k: _bool_or_none(m.get(k), f"{w}.{k}") for k in ("dependent", *vocab.ENGINE_MEMBER_FACTS)}
            members.append({**m, **flags, "birth": birth, "marital_status": (m.get("marital_status") or None),
                            "married_on": _date_or_none(m.get("married_on"), f"{w}.married_on")})
        return cls(ref, principal, employment, members, received_at, dates)

    def date_named(self, name: str) -> date | None:
        return self.reference_date if name == RECEIVED else self.dates.get(name)

    def table(self, zone: tzinfo = timezone.utc) -> PeriodTable:
        return situations_table([self], zone)


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
    return replace(table, attributes=attrs)


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
    status: str          # met | not_met | unknown | referred
    category: str
    evidence: list[str]
    missing: list[str]
    category_label: str = ""
    ref: str = ""        # the caller's id for the member (an application member's id), if given
    # for 'referred': the category (rule) that sent the member to a decision maker
    referred_by: dict | None = None


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
    # machine-readable outcome(s) granted: [] when unknown (see ``possible``), else the rule
    # that applied, with offers and parameters as codes and as labels
    outcomes: list[dict] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    dependants_referred: int = 0
    referred_members: list[dict] = field(default_factory=list)
    received_at: str = ""
    dates: dict[str, str] = field(default_factory=dict)

    def criterion(self, cid: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == cid)

    def to_dict(self) -> dict:
        return asdict(self)


def rule_summary(rule: Rule, vocabulary: Vocabulary) -> dict:
    """An outcome rule as stored with a decision: codes for programs, labels for people."""
    return {"rule_id": rule.id, "outcome": rule.outcome, "label": rule.label, "offers": list(rule.offers),
            "offer_labels": [vocabulary.label("offers", o) for o in rule.offers], "choice": rule.choice,
            "details": rule.details.strip(), "source": rule.source, "params": dict(rule.params),
            "params_display": describe_params(rule.params, vocabulary)}


def _age_date(cat: DependantCategory, situation: Situation) -> tuple[date | None, str]:
    for name in cat.age_on:
        d = situation.date_named(name)
        if d is not None:
            return d, name
    return None, cat.age_on[0]


def evaluate_member(member: dict, categories: list[DependantCategory], situation: Situation
                    ) -> tuple[int, DependantCategory | None, list[str], list[str]]:
    """A family member's status: met (with the category), referred (fits a case-by-case
    category: a decision maker settles it, unless already settled), unknown (with what is
    missing for every category still open) or not met.

    A category that includes the member outright wins over one that refers them; an open
    (unknown) outright category wins over a referral too, since the missing evidence might
    include the member without anyone's discretion."""
    met_cat, referred_cat, unknown_cat = None, None, None
    met_notes, referred_notes, unknown_notes, missing = [], [], [], []
    for cat in categories:
        status, notes, gaps = tri.YES, [], []
        for cond in cat.conditions:
            v, note = _member_condition(cond, member, situation, cat)
            status = min(status, v)
            (gaps if v == tri.UNKNOWN else notes).append(note)
        if status == tri.YES and not cat.discretion:
            met_cat, met_notes = cat, notes
            break
        if status == tri.YES and referred_cat is None:
            referred_cat, referred_notes = cat, notes
        if status == tri.UNKNOWN:
            # every category still open is listed: any of them could settle the question
            if unknown_cat is None:
                unknown_cat, unknown_notes = cat, notes
            missing += [f"{cat.label}: {g}" for g in gaps]
    if met_cat is not None:
        return int(tri.YES), met_cat, met_notes, []
    if unknown_cat is not None:
        extra = [f"otherwise referred for discretion ({referred_cat.label})"] if referred_cat else []
        return int(tri.UNKNOWN), unknown_cat, unknown_notes + extra, missing
    if referred_cat is not None:
        settled = member.get("included_at_discretion")
        if settled is True:
            return int(tri.YES), referred_cat, referred_notes + ["included by the decision maker's discretion"], []
        if settled is False:
            return int(tri.NO), referred_cat, referred_notes + ["not included: the decision maker's discretion"], []
        return REFERRED, referred_cat, referred_notes + [f"case by case: referred for discretion ({referred_cat.label})"], []
    evidence = ([f"{member['relationship']} fits none of: {', '.join(c.label for c in categories)}"]
                if categories else ["this version names no dependants"])
    return int(tri.NO), None, evidence, []


def _member_condition(cond, member: dict, situation: Situation, cat: DependantCategory) -> tuple[int, str]:
    if cond.kind == "relationship":
        v = member["relationship"]
        return (tri.YES if v in cond.value else tri.NO), f"relationship {v}"
    if cond.kind == "marital_status":
        v = member.get("marital_status")
        if v is None:
            return tri.UNKNOWN, f"marital status not recorded (needs {cond.describe()})"
        return (tri.YES if v in cond.value else tri.NO), f"marital status {v}"
    if cond.kind in ("dependent", "has_children"):
        v = member.get(cond.kind)
        what = "dependency" if cond.kind == "dependent" else "whether they have children of their own"
        if v is None:
            return tri.UNKNOWN, f"{what} not recorded (needs {cond.describe()})"
        if cond.kind == "dependent":
            return (tri.YES if v == cond.value else tri.NO), f"dependent: {'yes' if v else 'no'}"
        return (tri.YES if v == cond.value else tri.NO), ("has children of their own" if v else "has no children")
    if cond.kind == "married_on_or_before":
        married = member.get("married_on")
        base = situation.date_named(cond.value.base) if cond.value.relative else None
        if cond.value.relative and base is None:
            return tri.UNKNOWN, f"{cond.value.base} not recorded (needs {cond.describe()})"
        limit = cond.value.resolve(base) if cond.value.relative else cond.value.absolute
        if married is None:
            return tri.UNKNOWN, f"date of marriage not recorded (needs married on or before {limit.isoformat()})"
        ok = married <= limit
        return (tri.YES if ok else tri.NO), f"married {married.isoformat()} ({'on or before' if ok else 'after'} {limit.isoformat()})"
    birth = member.get("birth")
    on, name = _age_date(cat, situation)
    if on is None:
        return tri.UNKNOWN, f"{name} not recorded (age is taken on it: {cond.describe()})"
    if birth is None:
        return tri.UNKNOWN, f"birth date not recorded (needs {cond.describe()} on {on.isoformat()})"
    oldest, youngest = age_on(birth[0], on), age_on(birth[1], on)
    age = str(oldest) if oldest == youngest else f"{youngest}-{oldest}"
    if cond.kind == "age_under":
        ok = tri.YES if oldest < cond.value else tri.NO if youngest >= cond.value else tri.UNKNOWN
    else:
        ok = tri.YES if youngest >= cond.value else tri.NO if oldest < cond.value else tri.UNKNOWN
    note = f"aged {age} on {on.isoformat()}" + ("" if name == RECEIVED else f" ({name})")
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


def pick_version(policy: Policy, situation: Situation) -> Version:
    return policy.version_on(situation.reference_date)


def evaluate(policy: Policy, situation: Situation | dict, version: Version | str | None = None) -> Result:
    """Evaluate a situation. Without ``version``, the version in force on the received date."""
    if isinstance(situation, dict):
        situation = Situation.from_dict(situation, vocabulary=policy.vocabulary, zone=policy.zone)
    if version is None:
        version = pick_version(policy, situation)
    elif isinstance(version, str):
        version = policy.version(version)
    vocabulary = policy.vocabulary
    # decisions never use simulation assumptions: a missing fact must show as unknown
    table = situation.table(policy.zone)
    values = criteria_values(version, table)
    chosen, first_unknown = select_outcomes(version, values, 1)
    rules = [*version.rules, version.otherwise]
    rule = rules[int(chosen[0])]
    rule_status = [int(r.when.evaluate(values, 1)[0]) for r in version.rules] + [int(tri.YES)]
    possible, outcomes, params = [], [], {}
    if first_unknown[0] >= 0:
        possible = [rule_summary(rules[i], vocabulary) for i in _possible_rules(
            version, values, int(first_unknown[0]), int(chosen[0]), rule_status)]
        outcome, rule_id, label, offers, choice, details = (
            "unknown", "", "Outcome depends on missing evidence", [], "", "")
    else:
        outcome, rule_id, label = rule.outcome, rule.id, rule.label
        offers, choice, details = list(rule.offers), rule.choice, rule.details
        outcomes, params = [rule_summary(rule, vocabulary)], dict(rule.params)
    crits = []
    for cid, crit in version.criteria.items():
        ex = crit.explain(table, values[cid], 0)
        crits.append(CriterionResult(cid, crit.label, tri.STATUS[int(values[cid].group[0])],
                                     crit.describe(), ex.evidence, ex.missing))
    members, counts, referred = [], {"met": 0, "unknown": 0, "referred": 0}, []
    for i, m in enumerate(situation.members):
        status, cat, ev, miss = evaluate_member(m, version.dependants, situation)
        name = MEMBER_STATUS[status]
        counts[name] = counts.get(name, 0) + 1
        by = None
        if cat is not None and cat.discretion and name in ("referred", "met", "not_met"):
            by = {"category": cat.id, "label": cat.label, "source": cat.source, "decided_by": cat.decided_by,
                  "decided_by_label": vocabulary.label("authorities", cat.decided_by) if cat.decided_by else "",
                  "settled": name != "referred"}
        mr = MemberResult(i, m["relationship"], name, cat.id if cat else "", ev, miss, cat.label if cat else "",
                          str(m.get("ref") or ""), by)
        members.append(mr)
        if name == "referred":
            referred.append({"index": i, "ref": mr.ref, "relationship": mr.relationship, **by})
    return Result(policy.id, version.id, situation.reference_date.isoformat(), outcome, rule_id, label,
                  offers, choice, details, possible, crits, members, counts["met"], counts["unknown"],
                  [asdict(s) for s in version.sources],
                  {r.id: tri.STATUS[st] for r, st in zip(rules, rule_status)},
                  outcomes, params, counts["referred"], referred,
                  situation.received_at.isoformat() if situation.received_at else "",
                  {k: v.isoformat() for k, v in situation.dates.items()})


def situations_table(situations: list[Situation], zone: tzinfo = timezone.utc) -> PeriodTable:
    """Situations as one grouped table (group i = situation i): one application, or many for
    a simulation over applications, with the same criteria code."""
    emp, group = [], []
    for g, s in enumerate(situations):
        emp.extend(s.employment)
        group.extend([g] * len(s.employment))
    keys = sorted({k for s in situations for k in s.principal if k not in PRINCIPAL_RESERVED})
    names = sorted({k for s in situations for k in s.dates})
    moments = None
    if any(s.received_at is not None for s in situations):
        moments = np.array([s.received_at.timestamp() if s.received_at else math.nan for s in situations])
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
        extra={"verified_by": [e.get("verified_by") for e in emp],
               "verified_on": [e["verified_on"].isoformat() if e.get("verified_on") else None for e in emp]},
        dates={n: np.array([s.dates[n].toordinal() if n in s.dates else MISSING for s in situations],
                           dtype=np.int64) for n in names},
        received_ts=moments,
        zone=zone,
    )


def format_result(result: Result) -> str:
    """A plain-text account of a result for a decision maker: outcome, then every criterion
    with its evidence and what is missing, then each family member."""
    mark = {"met": "[met]", "not_met": "[not met]", "unknown": "[UNKNOWN]", "referred": "[REFERRED]"}

    def params(p: dict) -> str:
        return "".join(f"\n      {x['label']}: {x['text']}" for x in p.get("params_display", []))

    lines = [f"Policy {result.policy_id}@{result.version_id}, received {result.received_at or result.reference_date}"]
    if result.outcome == "unknown":
        lines.append("Outcome: UNKNOWN - evidence is missing. Possible outcomes:")
        lines += [f"  - {p['label']} ({p['outcome']}{': ' + ', '.join(p['offer_labels']) if p['offers'] else ''})"
                  + params(p) for p in result.possible]
    else:
        o = result.outcomes[0]
        offers = (f" [{' or '.join(o['offer_labels']) if result.choice == 'applicant' else ' and '.join(o['offer_labels'])}]"
                  if result.offers else "")
        lines.append(f"Outcome: {result.outcome}{offers} - {result.label}" + params(o))
        if result.details:
            lines.append(f"  {result.details.strip()}")
    lines.append("Criteria:")
    for c in result.criteria:
        lines.append(f"  {mark[c.status]} {c.label}")
        lines += [f"      evidence: {e}" for e in c.evidence]
        lines += [f"      missing: {m}" for m in c.missing]
    if result.members:
        lines.append(f"Family: {result.dependants} dependant(s), {result.dependants_unknown} undecided, "
                     f"{result.dependants_referred} referred for discretion")
        for m in result.members:
            lines.append(f"  {mark[m.status]} member {m.index + 1} ({m.relationship})"
                         f"{' as ' + m.category if m.category and m.status != 'not_met' else ''}: "
                         + "; ".join(m.evidence + [f'missing: {x}' for x in m.missing]))
    lines.append("Sources: " + "; ".join(f"{s['id']} {s['url'] or s['title']}" for s in result.sources))
    return "\n".join(lines)
