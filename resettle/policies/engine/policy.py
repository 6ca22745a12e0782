"""Policy files: parsing and validation into versions, criteria, outcome rules and
dependant categories. See docs/policies.md for the format."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from . import tri, vocab
from .criteria import TYPES, Criterion, DateCriterion, ParseContext, Values
from .dates import RECEIVED, DateExpr, parse_date, parse_date_expr, parse_instant
from .vocab import Vocabulary
from .yamlmarks import PolicyFileError, Reader, load_yaml

_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


# --- outcome expressions -------------------------------------------------------------------

class Expr:
    def evaluate(self, values: dict[str, Values], size: int) -> np.ndarray:
        raise NotImplementedError

    def refs(self) -> set[str]:
        raise NotImplementedError


@dataclass
class Ref(Expr):
    id: str

    def evaluate(self, values, size):
        return values[self.id].group

    def refs(self):
        return {self.id}

    def __str__(self):
        return self.id


@dataclass
class AllOf(Expr):
    parts: list[Expr]

    def evaluate(self, values, size):
        return tri.all_of([p.evaluate(values, size) for p in self.parts], size)

    def refs(self):
        return set().union(*(p.refs() for p in self.parts))

    def __str__(self):
        return "(" + " and ".join(map(str, self.parts)) + ")"


@dataclass
class AnyOf(Expr):
    parts: list[Expr]

    def evaluate(self, values, size):
        return tri.any_of([p.evaluate(values, size) for p in self.parts], size)

    def refs(self):
        return set().union(*(p.refs() for p in self.parts))

    def __str__(self):
        return "(" + " or ".join(map(str, self.parts)) + ")"


@dataclass
class Not(Expr):
    part: Expr

    def evaluate(self, values, size):
        return tri.negate(self.part.evaluate(values, size))

    def refs(self):
        return self.part.refs()

    def __str__(self):
        return f"not {self.part}"


def parse_expr(node: object, path: str, line: int, criteria: dict[str, Criterion]) -> Expr:
    line = getattr(node, "line", line)
    if isinstance(node, str):
        if node not in criteria:
            raise PolicyFileError(path, line, f"unknown criterion {node!r} in 'when' "
                                              f"(defined: {', '.join(sorted(criteria))})")
        return Ref(node)
    if isinstance(node, list):
        lines = getattr(node, "lines", [])
        return AllOf([parse_expr(x, path, lines[i] if i < len(lines) else line, criteria)
                      for i, x in enumerate(node)])
    if isinstance(node, dict) and len(node) == 1:
        (op, arg), = node.items()
        if op in ("all", "any"):
            if not isinstance(arg, list) or not arg:
                raise PolicyFileError(path, line, f"'{op}' needs a non-empty list")
            lines = getattr(arg, "lines", [])
            parts = [parse_expr(x, path, lines[i] if i < len(lines) else line, criteria)
                     for i, x in enumerate(arg)]
            return AllOf(parts) if op == "all" else AnyOf(parts)
        if op == "not":
            return Not(parse_expr(arg, path, line, criteria))
    raise PolicyFileError(path, line, "a 'when' condition is a criterion id, a list (all of), "
                                      "or one of {all: [...]}, {any: [...]}, {not: ...}")


# --- model ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    says: str


# outcome parameters: name -> (label, kind); kind is a vocabulary section or a number kind
PARAMS = {
    "amount": ("Amount", "number"),
    "currency": ("Currency", "currencies"),
    "salary_months": ("Salary", "months"),
    "decided_by": ("Decided by", "authorities"),
    "referred_to": ("Referred to", "authorities"),
}


@dataclass
class Rule:
    id: str
    label: str
    outcome: str
    offers: tuple[str, ...] = ()
    choice: str = ""
    details: str = ""
    source: str = ""
    when: Expr | None = None
    params: dict = field(default_factory=dict)


def describe_params(params: dict, vocabulary: Vocabulary) -> list[dict]:
    """Each parameter with its label and a readable value (labels, not codes): 'Amount:
    NZ$10,000', 'Decided by: New Zealand Minister of Immigration'."""
    out = []
    currency = params.get("currency")
    for name, value in params.items():
        label, kind = PARAMS[name]
        if name == "amount":
            sym = vocabulary.terms("currencies").get(currency)
            number = f"{value:,.2f}".removesuffix(".00")
            text = f"{sym.attrs.get('symbol', '') if sym else ''}{number}" + (f" ({sym.label})" if sym else "")
        elif name == "salary_months":
            text = "one year's salary" if value == 12 else f"{value} months' salary"
        else:
            text = vocabulary.label(kind, value)
        out.append({"name": name, "label": label, "value": value, "text": text})
    return out


@dataclass
class MemberCondition:
    kind: str
    value: object

    def describe(self) -> str:
        if self.kind in ("relationship", "marital_status"):
            return f"{self.kind} one of {', '.join(sorted(self.value))}"
        if self.kind == "dependent":
            return f"dependent is {'yes' if self.value else 'no'}"
        if self.kind == "has_children":
            return "has children of their own" if self.value else "has no children of their own"
        if self.kind == "married_on_or_before":
            return f"married on or before {self.value}"
        if self.kind == "age_under":
            return f"aged under {self.value}"
        return f"aged {self.value} or over"


@dataclass
class DependantCategory:
    id: str
    label: str
    conditions: list[MemberCondition]
    source: str = ""
    # a member who fits is referred to a decision maker, not included outright
    discretion: bool = False
    decided_by: str = ""
    # dates ages are taken on, first one recorded wins (e.g. petition_filed, then received)
    age_on: tuple[str, ...] = (RECEIVED,)


@dataclass
class Version:
    id: str
    title: str
    effective_from: date
    effective_until: date | None
    sources: list[Source]
    criteria: dict[str, Criterion]
    rules: list[Rule]
    otherwise: Rule
    dependants: list[DependantCategory]
    dependants_note: str = ""
    summary: str = ""
    assume: dict[str, object] = field(default_factory=dict)
    simulation_note: str = ""
    policy_id: str = ""
    closes: Rule | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_until is None or on <= self.effective_until)

    @property
    def key(self) -> str:
        return f"{self.policy_id}@{self.id}"


@dataclass
class Policy:
    id: str
    title: str
    jurisdiction: str
    description: str
    versions: list[Version]
    path: str = ""
    vocabulary: Vocabulary = field(default_factory=vocab.shared)
    zone: tzinfo = timezone.utc

    def version(self, version_id: str) -> Version:
        for v in self.versions:
            if v.id == version_id:
                return v
        raise KeyError(f"policy {self.id!r} has no version {version_id!r} "
                       f"(versions: {', '.join(v.id for v in self.versions)})")

    def version_on(self, on: date) -> Version:
        for v in self.versions:
            if v.in_force(on):
                return v
        raise LookupError(f"no version of policy {self.id!r} is in force on {on.isoformat()}")

    @property
    def latest(self) -> Version:
        return self.versions[-1]


# --- parsing -------------------------------------------------------------------------------

def _check_id(r: Reader, key: str, what: str) -> str:
    value = r.text(key, required=True)
    if not _ID.match(value):
        raise r.error(key, f"{what} id {value!r} must be lower case letters, digits, '_', '-' or '.'")
    return value


def _parse_date(r: Reader, key: str) -> date:
    try:
        return parse_date(r.get(key))
    except ValueError as exc:
        raise r.error(key, f"{key}: {exc}") from None


def _parse_params(r: Reader, rid: str, ctx: ParseContext) -> dict:
    if r.get("params") is None:
        return {}
    pr = r.sub("params", f"params of outcome {rid!r}")
    pr.only(set(PARAMS))
    out: dict = {}
    for name, value in pr.node.items():
        kind = PARAMS[name][1]
        if kind == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise pr.error(name, f"{name} of outcome {rid!r} must be a positive number, not {value!r}")
        elif kind == "months":
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise pr.error(name, f"{name} of outcome {rid!r} must be a positive whole number of months")
        else:
            known = ctx.vocabulary.terms(kind)
            if value not in known:
                raise pr.error(name, f"unknown {name} {value!r} in outcome {rid!r} (known {kind}: "
                                     f"{', '.join(sorted(known))}; a policy file may declare more under 'vocabulary')")
        out[name] = value
    if "amount" in out and "currency" not in out:
        raise pr.error("amount", f"outcome {rid!r} gives an amount without a currency")
    return out


def _parse_rule(r: Reader, criteria: dict[str, Criterion], sources: set[str], with_when: bool,
                ctx: ParseContext) -> Rule:
    keys = {"id", "label", "outcome", "offers", "choice", "details", "source", "params"}
    r.only(keys | ({"when"} if with_when else set()), {"id", "outcome"} | ({"when"} if with_when else set()))
    rid = _check_id(r, "id", "outcome")
    outcome = r.text("outcome")
    if outcome not in vocab.OUTCOMES or outcome == "unknown":
        raise r.error("outcome", f"outcome {outcome!r} must be one of offer, referral, not_eligible "
                                 "('unknown' is what the engine says when evidence is missing)")
    offers = r.get("offers") or []
    if isinstance(offers, str):
        offers = [offers]
    known_offers = ctx.vocabulary.terms("offers")
    if outcome == "offer":
        if not offers:
            raise r.error(None, f"outcome {rid!r} is an offer but lists no 'offers'")
        for o in offers:
            if o not in known_offers:
                raise r.error("offers", f"unknown offer {o!r} (known: {', '.join(sorted(known_offers))})")
    elif offers:
        raise r.error("offers", f"only an 'offer' outcome lists offers, not {outcome!r}")
    choice = r.text("choice", "applicant" if len(offers) > 1 else "")
    if choice not in ("", "applicant", "all"):
        raise r.error("choice", "choice must be 'applicant' (applicant picks one offer) or 'all'")
    source = r.text("source", "")
    if source and source not in sources:
        raise r.error("source", f"source {source!r} is not among this version's sources")
    when = parse_expr(r.get("when"), r.path, r.line_of("when"), criteria) if with_when else None
    return Rule(rid, r.text("label", rid), outcome, tuple(offers), choice, r.text("details", ""), source, when,
                _parse_params(r, rid, ctx))


def _age_on(r: Reader, key: str, ctx: ParseContext, default: tuple[str, ...]) -> tuple[str, ...]:
    if key not in r.node:
        return default
    v = r.get(key)
    names = [v] if isinstance(v, str) else v
    if not isinstance(names, list) or not names or not all(isinstance(x, str) for x in names):
        raise r.error(key, "age_on must be a date name or a list of them (the first recorded is used)")
    out = []
    for n in names:
        n = RECEIVED if n == "reference_date" else n
        if n != RECEIVED and n not in ctx.date_names:
            raise r.error(key, f"unknown date {n!r} in age_on (known: {', '.join(sorted({RECEIVED, *ctx.date_names}))})")
        out.append(n)
    return tuple(out)


def _parse_category(r: Reader, sources: set[str], ctx: ParseContext, age_on: tuple[str, ...]) -> DependantCategory:
    keys = {"id", "label", "source", "relationship", "marital_status", "dependent", "age_under", "age_at_least",
            "has_children", "married_on_or_before", "age_on", "discretion", "decided_by"}
    r.only(keys, {"id", "relationship"})
    cid = _check_id(r, "id", "dependant category")
    conds = []
    for kind, allowed in (("relationship", vocab.RELATIONSHIPS), ("marital_status", vocab.MARITAL_STATUSES)):
        if kind in r.node:
            v = r.get(kind)
            v = [v] if isinstance(v, str) else v
            if not isinstance(v, list) or not v:
                raise r.error(kind, f"{kind} must be a non-empty list")
            for x in v:
                if x not in allowed:
                    raise r.error(kind, f"unknown {kind} {x!r} (known: {', '.join(sorted(allowed))})")
            conds.append(MemberCondition(kind, frozenset(v)))
    for kind in ("dependent", "has_children", "discretion"):
        if kind in r.node and not isinstance(r.get(kind), bool):
            raise r.error(kind, f"{kind} must be true or false")
    for kind in ("dependent", "has_children"):
        if kind in r.node:
            conds.append(MemberCondition(kind, r.get(kind)))
    if "married_on_or_before" in r.node:
        try:
            conds.append(MemberCondition("married_on_or_before", parse_date_expr(r.get("married_on_or_before"),
                                                                                  ctx.date_names)))
        except ValueError as exc:
            raise r.error("married_on_or_before", f"married_on_or_before: {exc}") from None
    for kind in ("age_under", "age_at_least"):
        if kind in r.node:
            v = r.get(kind)
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 130:
                raise r.error(kind, f"{kind} must be a whole number of years, not {v!r}")
            conds.append(MemberCondition(kind, v))
    source = r.text("source", "")
    if source and source not in sources:
        raise r.error("source", f"source {source!r} is not among this version's sources")
    discretion = bool(r.get("discretion", False))
    decided_by = r.text("decided_by", "")
    if decided_by:
        if not discretion:
            raise r.error("decided_by", f"decided_by of category {cid!r} only goes with discretion: true")
        if decided_by not in ctx.vocabulary.terms("authorities"):
            raise r.error("decided_by", f"unknown authority {decided_by!r} (known: "
                                        f"{', '.join(sorted(ctx.vocabulary.terms('authorities')))})")
    return DependantCategory(cid, r.text("label", cid), conds, source, discretion, decided_by,
                             _age_on(r, "age_on", ctx, age_on))


CLOSED_CRITERION = "applications_open"
CLOSED_RULE = "applications_closed"


def _parse_closes(r: Reader, vid: str, sources: set[str], criteria: dict[str, Criterion]) -> Rule:
    cr = r.sub("closes", f"closes of version {vid!r}")
    cr.only({"last_day", "before", "label", "source"}, {"label"})
    keys = [k for k in ("last_day", "before") if k in cr.node]
    if len(keys) != 1:
        raise cr.error(None, "closes needs exactly one of last_day (a date: the last day requests were taken, "
                             "in the policy's time zone) or before (a moment with its zone)")
    try:
        bound = parse_instant(cr.get(keys[0]))
    except ValueError as exc:
        raise cr.error(keys[0], f"closes {keys[0]}: {exc}") from None
    if keys[0] == "last_day" and isinstance(bound, datetime):
        raise cr.error("last_day", "last_day is a date; write a moment as 'before: 2021-08-25T23:59:00+12:00'")
    if keys[0] == "before" and not isinstance(bound, datetime):
        raise cr.error("before", "before is a moment with its zone (2021-08-25T23:59:00+12:00); "
                                 "for a whole day write last_day")
    source = cr.text("source", "")
    if source and source not in sources:
        raise cr.error("source", f"source {source!r} is not among this version's sources")
    if CLOSED_CRITERION in criteria:
        raise cr.error(None, f"criterion id {CLOSED_CRITERION!r} is reserved for 'closes'")
    label = cr.text("label")
    criteria[CLOSED_CRITERION] = DateCriterion.deadline(CLOSED_CRITERION, "Request received before the programme "
                                                        "closed", bound)
    return Rule(CLOSED_RULE, label, "not_eligible", source=source, when=Not(Ref(CLOSED_CRITERION)))


def _parse_version(r: Reader, policy_id: str, ctx: ParseContext) -> Version:
    r.only({"id", "title", "summary", "effective_from", "effective_until", "sources", "criteria",
            "outcomes", "otherwise", "dependants", "simulation", "closes"},
           {"id", "effective_from", "sources", "criteria", "outcomes"})
    vid = _check_id(r, "id", "version")
    start = _parse_date(r, "effective_from")
    until = _parse_date(r, "effective_until") if r.get("effective_until") is not None else None
    if until is not None and until < start:
        raise r.error("effective_until", f"version {vid!r} ends ({until}) before it starts ({start})")
    sources = []
    for line, s in r.items("sources"):
        sr = Reader(r.path, s, f"a source of version {vid!r}", line)
        sr.only({"id", "title", "url", "says"}, {"id"})
        if not (sr.get("url") or sr.get("title")):
            raise sr.error(None, "a source needs a url or a title")
        sources.append(Source(sr.text("id"), sr.text("title", ""), sr.text("url", ""), sr.text("says", "")))
    if not sources:
        raise r.error("sources", f"version {vid!r} must cite at least one source")
    source_ids = {s.id for s in sources}
    crit_r = r.sub("criteria", f"criteria of version {vid!r}")
    criteria: dict[str, Criterion] = {}
    for cid, spec in crit_r.node.items():
        if not isinstance(cid, str) or not _ID.match(cid):
            raise crit_r.error(cid, f"criterion id {cid!r} must be lower case letters, digits, '_', '-'")
        cr = crit_r.sub(cid, f"criterion {cid!r}")
        ctype = cr.get("type")
        if ctype not in TYPES:
            raise cr.error("type" if "type" in cr.node else None,
                           f"unknown criterion type {ctype!r} (known: {', '.join(sorted(TYPES))})")
        src = cr.text("source", "")
        if src and src not in source_ids:
            raise cr.error("source", f"source {src!r} is not among this version's sources")
        criteria[cid] = TYPES[ctype].parse(cid, cr, ctx)
    closes = _parse_closes(r, vid, source_ids, criteria) if r.get("closes") is not None else None
    rules = [closes] if closes else []
    for line, node in r.items("outcomes"):
        rules.append(_parse_rule(Reader(r.path, node, f"an outcome of version {vid!r}", line),
                                 criteria, source_ids, True, ctx))
    if len(rules) == (1 if closes else 0):
        raise r.error("outcomes", f"version {vid!r} needs at least one outcome rule")
    if "otherwise" in r.node:
        otherwise = _parse_rule(r.sub("otherwise", "otherwise"), criteria, source_ids, False, ctx)
    else:
        otherwise = Rule("not_eligible", "Not eligible", "not_eligible")
    seen: dict[str, int] = {}
    for rule in [*rules, otherwise]:
        if rule.id in seen:
            raise r.error("outcomes", f"outcome id {rule.id!r} is used twice in version {vid!r}"
                          + (" (it is reserved for 'closes')" if rule.id == CLOSED_RULE else ""))
        seen[rule.id] = 1
    used = set().union(*(rule.when.refs() for rule in rules))
    for cid in criteria:
        if cid not in used:
            raise crit_r.error(cid, f"criterion {cid!r} is not used by any outcome rule")
    cats, dep_note = [], ""
    if "dependants" in r.node:
        dr = r.sub("dependants", f"dependants of version {vid!r}")
        dr.only({"categories", "note", "age_on"}, {"categories"})
        dep_note = dr.text("note", "")
        age_on = _age_on(dr, "age_on", ctx, (RECEIVED,))
        for line, node in dr.items("categories"):
            cats.append(_parse_category(Reader(r.path, node, "a dependant category", line), source_ids, ctx, age_on))
        ids = [c.id for c in cats]
        for c in cats:
            if ids.count(c.id) > 1:
                raise dr.error("categories", f"dependant category id {c.id!r} is used twice")
    assume, sim_note = {}, ""
    if "simulation" in r.node:
        sr = r.sub("simulation", f"simulation of version {vid!r}")
        sr.only({"assume", "note"})
        sim_note = sr.text("note", "")
        if sr.get("assume") is not None:
            ar = sr.sub("assume", "simulation assumptions")
            facts = ctx.vocabulary.terms("facts")
            for key in ar.node:
                if key not in facts:
                    raise ar.error(key, f"assumption about {key!r}, which is not a declared fact "
                                        f"(declared: {', '.join(sorted(facts))})")
            assume = dict(ar.node)
    return Version(vid, r.text("title", vid), start, until, sources, criteria, rules, otherwise, cats,
                   dep_note, r.text("summary", ""), assume, sim_note, policy_id, closes)


def parse_policy(data: object, path: str | Path, shared: Vocabulary | None = None) -> Policy:
    path = str(path)
    r = Reader(path, data, "the policy file")
    r.only({"id", "title", "jurisdiction", "description", "versions", "vocabulary", "timezone"},
           {"title", "versions"})
    stem = Path(path).stem
    pid = r.text("id", stem)
    if pid != stem:
        raise r.error("id", f"policy id {pid!r} must match the file name {stem!r}")
    if not _ID.match(pid):
        raise r.error("id", f"policy id {pid!r} must be lower case letters, digits, '_', '-' or '.'")
    vocabulary = shared or vocab.shared()
    if r.get("vocabulary") is not None:
        vocabulary = vocabulary.extended(path, r.get("vocabulary"))
    zone: tzinfo = timezone.utc
    if "timezone" in r.node:
        name = r.text("timezone")
        try:
            zone = ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise r.error("timezone", f"unknown time zone {name!r} (use an IANA name such as "
                                      "Pacific/Auckland)") from None
    ctx = ParseContext(vocabulary)
    versions = [_parse_version(Reader(path, node, "a version", line), pid, ctx) for line, node in r.items("versions")]
    if not versions:
        raise r.error("versions", "a policy needs at least one version")
    lines = {v.id: line for (line, _), v in zip(r.items("versions"), versions)}
    ids = [v.id for v in versions]
    for v in versions:
        if ids.count(v.id) > 1:
            raise PolicyFileError(path, lines[v.id], f"version id {v.id!r} is used twice")
    ordered = sorted(versions, key=lambda v: v.effective_from)
    for prev, nxt in zip(ordered, ordered[1:]):
        if prev.effective_until is None or prev.effective_until >= nxt.effective_from:
            raise PolicyFileError(path, lines[nxt.id],
                                  f"version {nxt.id!r} (from {nxt.effective_from}) overlaps version "
                                  f"{prev.id!r} (from {prev.effective_from} until "
                                  f"{prev.effective_until or 'open-ended'})")
    return Policy(pid, r.text("title"), r.text("jurisdiction", ""), r.text("description", ""), ordered, path,
                  vocabulary, zone)


def load_policy(path: str | Path, text: str | None = None) -> Policy:
    return parse_policy(load_yaml(path, text), path)


DATA_DIR = Path(__file__).resolve().parent.parent / "data"


VOCABULARY_FILE = "vocabulary.yaml"


def policy_paths(directory: Path | None = None) -> list[Path]:
    return sorted(p for p in (directory or DATA_DIR).glob("*.yaml") if p.name != VOCABULARY_FILE)


_CACHE: dict[str, tuple[tuple[float, float], Policy]] = {}


def _stamp(path: Path) -> tuple[float, float]:
    # a policy is parsed against the shared vocabulary, so either file changing reloads it
    return path.stat().st_mtime, vocab.SHARED_PATH.stat().st_mtime


def load_policy_cached(path: str | Path) -> Policy:
    path = Path(path)
    stamp = _stamp(path)
    hit = _CACHE.get(str(path))
    if hit and hit[0] == stamp:
        return hit[1]
    policy = load_policy(path)
    _CACHE[str(path)] = (stamp, policy)
    return policy


def get_policy(policy_id: str, directory: Path | None = None) -> Policy:
    """Load a policy by id from the data directory (cached until the file changes)."""
    path = (directory or DATA_DIR) / f"{policy_id}.yaml"
    if not path.exists() or path.name == VOCABULARY_FILE:
        known = ", ".join(p.stem for p in policy_paths(directory))
        raise KeyError(f"unknown policy {policy_id!r} (known: {known})")
    return load_policy_cached(path)


def all_policies(directory: Path | None = None) -> list[Policy]:
    return [get_policy(p.stem, directory) for p in policy_paths(directory)]


def resolve(spec: str, directory: Path | None = None) -> tuple[Policy, Version | None]:
    """'nz-bamyan-2012' or 'nz-bamyan-2012@2012-10' -> (policy, version or None)."""
    pid, _, vid = spec.partition("@")
    policy = get_policy(pid, directory)
    return policy, (policy.version(vid) if vid else None)
