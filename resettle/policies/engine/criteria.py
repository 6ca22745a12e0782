"""Criterion types. Each is defined once, over a PeriodTable, and explains itself from the
same arrays it computed, so the reasons a decision maker reads are the computation itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from . import tri, vocab
from .dates import MISSING, ONGOING, RECEIVED, DateExpr, parse_date_expr, parse_instant
from .service import merged_length
from .table import PeriodTable
from .vocab import Vocabulary
from .yamlmarks import Reader

# an attribute value meaning "not recorded": a criterion selecting on it is unknown for the term
UNKNOWN_ATTR = "unknown"
# min_service units: (days or calendar months, how many per unit)
_UNITS = {"days": ("days", 1), "weeks": ("days", 7), "months": ("months", 1), "years": ("months", 12)}


@dataclass
class ParseContext:
    """What a criterion may refer to: the vocabulary in force for its policy file."""

    vocabulary: Vocabulary

    @property
    def date_names(self) -> frozenset[str]:
        return frozenset(self.vocabulary.terms("dates"))


def _iso(ordinal: int) -> str:
    if ordinal == MISSING:
        return "?"
    if ordinal == ONGOING:
        return "ongoing"
    return date.fromordinal(int(ordinal)).isoformat()


def _resolve(expr: DateExpr, table: PeriodTable, per_period: bool = True) -> np.ndarray | int:
    """The expression's date per period (or per group); MISSING where its base date is not
    recorded, so the condition reading it is unknown."""
    if not expr.relative:
        return expr.absolute.toordinal()
    base = table.named_date(expr.base)
    if per_period and table.group is not None:
        base = base[table.group]
    uniq, inverse = np.unique(base, return_inverse=True)
    resolved = np.array([MISSING if r == MISSING else expr.resolve(date.fromordinal(int(r))).toordinal()
                         for r in uniq], dtype=np.int64)
    return resolved[inverse]


@dataclass
class Values:
    """A criterion's result per group, with the per-period parts it was built from."""

    group: np.ndarray
    period: np.ndarray | None = None
    parts: list[np.ndarray] = field(default_factory=list)
    service: tuple[np.ndarray, np.ndarray] | None = None


@dataclass
class Explanation:
    evidence: list[str]
    missing: list[str]


# --- conditions on one employment period -------------------------------------------------

class FieldCondition:
    """A period's employer, unit, role or location is (not) one of a set of terms. Terms in
    ``undetermined`` cannot tell (a contractor whose client is not recorded, asked whether it
    is a US Government contractor): such a period is unknown, like a blank field."""

    def __init__(self, name: str, allowed: frozenset[str], exclude: bool,
                 undetermined: frozenset[str] = frozenset(), shown: str = ""):
        self.name, self.allowed, self.exclude = name, allowed, exclude
        self.undetermined, self.shown = undetermined, shown

    def evaluate(self, table: PeriodTable) -> np.ndarray:
        col = table.field(self.name)
        hit, known = col.isin(self.allowed)
        if self.undetermined:
            open_, _ = col.isin(self.undetermined)
            known = known & ~open_
        return tri.from_bool(~hit if self.exclude else hit, known)

    def describe(self) -> str:
        if self.shown:
            return self.shown
        verb = "not one of" if self.exclude else "one of"
        return f"{self.name} {verb} {', '.join(sorted(self.allowed))}"

    def explain(self, table: PeriodTable, i: int, value: int) -> str:
        v = table.field(self.name).value(i)
        if value == tri.UNKNOWN:
            if v is not None:
                return f"{self.name} {v} does not say enough (needs {self.describe()})"
            return f"{self.name} not recorded (needs {self.describe()})"
        return f"{self.name} {v} {'meets' if value == tri.YES else 'fails'}: {self.describe()}"


class AlternativesCondition:
    """The period matches at least one of several sets of field conditions, e.g. employed by
    US forces, or by ISAF, or by a contractor other than ISAF's."""

    def __init__(self, alternatives: list[list[FieldCondition]]):
        self.name = "any_of"
        self.alternatives = alternatives

    def evaluate(self, table: PeriodTable) -> np.ndarray:
        n = table.n_periods
        return tri.any_of([tri.all_of([c.evaluate(table) for c in alt], n) for alt in self.alternatives], n)

    def describe(self) -> str:
        return "either " + " or ".join("(" + "; ".join(c.describe() for c in alt) + ")" for alt in self.alternatives)

    def explain(self, table: PeriodTable, i: int, value: int) -> str:
        if value == tri.YES:
            for alt in self.alternatives:
                parts = [c.evaluate(table)[i] for c in alt]
                if min(parts) == tri.YES:
                    return "matches (" + "; ".join(c.describe() for c in alt) + ")"
        if value == tri.UNKNOWN:
            return f"not enough recorded to tell whether it matches {self.describe()}"
        return f"matches none of {self.describe()}"


class VerificationCondition:
    # No "unless rejected" mode: it would treat pending verification as met, and a later
    # rejection would reverse a definite answer.
    MODES = ("required", "any")

    def __init__(self, mode: str):
        self.name = "verification"
        self.mode = mode

    def evaluate(self, table: PeriodTable) -> np.ndarray:
        col = table.verification
        confirmed, _ = col.isin(frozenset({"confirmed"}))
        rejected, _ = col.isin(frozenset({"rejected"}))
        if self.mode == "any":
            return np.full(len(col), tri.YES, dtype=np.int8)
        return np.where(confirmed, tri.YES, np.where(rejected, tri.NO, tri.UNKNOWN)).astype(np.int8)

    def describe(self) -> str:
        return {"required": "employment confirmed by the employer",
                "any": "claimed employment, verified or not"}[self.mode]

    def explain(self, table: PeriodTable, i: int, value: int) -> str:
        status = table.verification.value(i) or "unverified"
        by = (table.extra.get("verified_by") or [None] * (i + 1))[i]
        on = (table.extra.get("verified_on") or [None] * (i + 1))[i]
        detail = "".join([f" by {by}" if by else "", f" on {on}" if on else ""])
        if value == tri.UNKNOWN:
            return f"verification pending (needs {self.describe()})"
        return f"verification {status}{detail}"


class DateCondition:
    KINDS = {
        "employed_on": "employed on",
        "started_on_or_before": "started on or before",
        "started_on_or_after": "started on or after",
        "ended_on_or_after": "still employed on or after",
        "ended_on_or_before": "left on or before",
    }

    def __init__(self, kind: str, expr: DateExpr):
        self.name, self.kind, self.expr = kind, kind, expr

    def evaluate(self, table: PeriodTable) -> np.ndarray:
        d = _resolve(self.expr, table)
        start, end = table.start, table.end
        s_known, e_known = start != MISSING, end != MISSING
        if not np.isscalar(d):
            d_known = d != MISSING
            s_known, e_known = s_known & d_known, e_known & d_known
        if self.kind == "employed_on":
            return np.minimum(tri.from_bool(start <= d, s_known), tri.from_bool(end >= d, e_known))
        if self.kind == "started_on_or_before":
            return tri.from_bool(start <= d, s_known)
        if self.kind == "started_on_or_after":
            return tri.from_bool(start >= d, s_known)
        if self.kind == "ended_on_or_after":
            return tri.from_bool(end >= d, e_known)
        return tri.from_bool(end <= d, e_known)

    def describe(self) -> str:
        return f"{self.KINDS[self.kind]} {self.expr}"

    def explain(self, table: PeriodTable, i: int, value: int) -> str:
        d = _resolve(self.expr, table)
        d = int(d if np.isscalar(d) else d[i])
        span = f"{_iso(table.start[i])} to {_iso(table.end[i])}"
        if d == MISSING:
            return f"{self.expr.base} not recorded (needs {self.describe()})"
        if value == tri.UNKNOWN:
            return f"dates {span} incomplete (needs {self.KINDS[self.kind]} {_iso(d)})"
        return f"dates {span} {'meet' if value == tri.YES else 'fail'}: {self.KINDS[self.kind]} {_iso(d)}"


# --- criteria ------------------------------------------------------------------------------

class Criterion:
    type: str = ""
    id: str
    label: str

    def evaluate(self, table: PeriodTable) -> Values:
        raise NotImplementedError

    def explain(self, table: PeriodTable, values: Values, g: int = 0) -> Explanation:
        raise NotImplementedError


class EmploymentCriterion(Criterion):
    """Some claimed employment period meets every condition (or, with ``min_service``, the
    matching periods add up to enough service)."""

    type = "employment"
    KEYS = {"type", "label", "source", "verification", "min_service", "service_window", "any_of",
            *vocab.EMPLOYMENT_FIELDS, *DateCondition.KINDS}

    def __init__(self, id: str, label: str, conditions: list, min_service: tuple[str, float] | None,
                 min_service_text: str, window: tuple[DateExpr | None, DateExpr | None] = (None, None)):
        self.id, self.label, self.conditions = id, label, conditions
        self.min_service, self.min_service_text = min_service, min_service_text
        self.window = window

    @property
    def min_service_days(self) -> float | None:  # kept for readers of the old attribute
        return None if self.min_service is None else self.min_service[1]

    @staticmethod
    def _select(cid: str, fname: str, spec: dict, r: Reader, ctx: ParseContext) -> FieldCondition:
        """``employer: {kind: contractor, contractor_of: [us]}``: the terms whose attributes
        match. A term without the attribute does not match; a term that declares it ``unknown``
        (a contractor whose client is not recorded) cannot tell, so its periods are unknown."""
        terms = ctx.vocabulary.field_terms(fname)
        declared = ctx.vocabulary.attributes(fname)
        allowed, undetermined = set(terms), set()
        shown = []
        for attr, want in spec.items():
            if attr not in declared:
                raise r.error(fname, f"{fname} of criterion {cid!r}: unknown attribute {attr!r} "
                                     f"(declared: {', '.join(sorted(declared)) or 'none'}; or use in / not_in)")
            want = [want] if isinstance(want, (str, int)) and not isinstance(want, bool) else want
            if not isinstance(want, list) or not want:
                raise r.error(fname, f"{fname} {attr} of criterion {cid!r} must be a word or a list of words")
            want = {str(w).strip().lower() for w in want}
            for w in want:
                if w not in declared[attr] or w == UNKNOWN_ATTR:
                    raise r.error(fname, f"{fname} {attr} {w!r} in criterion {cid!r} is not declared by any "
                                         f"{fname} (known: {', '.join(sorted(declared[attr]))})")
            for tid, term in terms.items():
                if term.attrs.get(attr) == UNKNOWN_ATTR:
                    undetermined.add(tid)
                elif term.attrs.get(attr) not in want:
                    allowed.discard(tid)
            shown.append(f"{attr} {' or '.join(sorted(want))}")
        undetermined &= allowed
        return FieldCondition(fname, frozenset(allowed - undetermined), False, frozenset(undetermined),
                              f"{fname} whose {' and '.join(shown)}")

    @classmethod
    def _field_conditions(cls, cid: str, r: Reader, ctx: ParseContext) -> list:
        conds: list = []
        for fname in vocab.EMPLOYMENT_FIELDS:
            if fname not in r.node:
                continue
            known = ctx.vocabulary.field_terms(fname)
            spec = r.get(fname)
            exclude = False
            if isinstance(spec, dict):
                if not ({"in", "not_in"} & set(spec)):
                    conds.append(cls._select(cid, fname, spec, r, ctx))
                    continue
                sr = r.sub(fname, f"{fname} of criterion {cid!r}")
                sr.only({"in", "not_in"})
                if len(spec) != 1:
                    raise r.error(fname, f"{fname} of criterion {cid!r} needs exactly one of 'in' or 'not_in'")
                exclude = "not_in" in spec
                spec = spec["not_in" if exclude else "in"]
            if isinstance(spec, str):
                spec = [spec]
            if not isinstance(spec, list) or not spec:
                raise r.error(fname, f"{fname} of criterion {cid!r} must be a non-empty list of values")
            for v in spec:
                if v not in known:
                    raise r.error(fname, f"unknown {fname} {v!r} in criterion {cid!r} "
                                         f"(known: {', '.join(sorted(known))}; a policy file may declare "
                                         "more under 'vocabulary')")
            conds.append(FieldCondition(fname, frozenset(spec), exclude))
        return conds

    @classmethod
    def parse(cls, cid: str, r: Reader, ctx: ParseContext) -> EmploymentCriterion:
        r.only(cls.KEYS, {"type"})
        conds = cls._field_conditions(cid, r, ctx)
        if "any_of" in r.node:
            alternatives = []
            for line, node in r.items("any_of"):
                ar = Reader(r.path, node, f"an alternative in any_of of criterion {cid!r}", line)
                ar.only(set(vocab.EMPLOYMENT_FIELDS))
                sub = cls._field_conditions(cid, ar, ctx)
                if not sub:
                    raise ar.error(None, f"an alternative in any_of of criterion {cid!r} needs a field condition")
                alternatives.append(sub)
            if len(alternatives) < 2:
                raise r.error("any_of", f"any_of of criterion {cid!r} needs at least two alternatives")
            conds.append(AlternativesCondition(alternatives))
        for kind in DateCondition.KINDS:
            if kind in r.node:
                try:
                    conds.append(DateCondition(kind, parse_date_expr(r.get(kind), ctx.date_names)))
                except ValueError as exc:
                    raise r.error(kind, f"{kind} of criterion {cid!r}: {exc}") from None
        mode = r.text("verification", "required")
        if mode not in VerificationCondition.MODES:
            raise r.error("verification", f"verification of criterion {cid!r} must be one of "
                                          f"{', '.join(VerificationCondition.MODES)}, not {mode!r}")
        conds.append(VerificationCondition(mode))
        need, text, window = None, "", (None, None)
        if "min_service" in r.node:
            sr = r.sub("min_service", f"min_service of criterion {cid!r}")
            sr.only(set(_UNITS))
            if len(sr.node) != 1:
                raise r.error("min_service", "min_service needs exactly one of days, weeks, months, years")
            unit, n = next(iter(sr.node.items()))
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise sr.error(unit, f"min_service {unit} must be a positive whole number, not {n!r}")
            measure, per = _UNITS[unit]
            need, text = (measure, float(n * per)), f"{n} {unit if n != 1 else unit.rstrip('s')}"
        if "service_window" in r.node:
            if need is None:
                raise r.error("service_window", f"service_window of criterion {cid!r} needs min_service")
            wr = r.sub("service_window", f"service_window of criterion {cid!r}")
            wr.only({"from", "until"})
            bounds = []
            for key in ("from", "until"):
                if key not in wr.node:
                    bounds.append(None)
                    continue
                try:
                    bounds.append(parse_date_expr(wr.get(key), ctx.date_names))
                except ValueError as exc:
                    raise wr.error(key, f"service_window {key} of criterion {cid!r}: {exc}") from None
            if bounds == [None, None]:
                raise r.error("service_window", "service_window needs from and/or until")
            window = (bounds[0], bounds[1])
        return cls(cid, r.text("label", cid), conds, need, text, window)

    def _clipped(self, table: PeriodTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Start and end of each period inside the counting window (ongoing = up to the
        received date), and whether both are known."""
        ref = table.period_reference()
        end = np.where(table.end == ONGOING, ref, table.end)
        start = table.start
        known = (start != MISSING) & (table.end != MISSING)
        lo, hi = self.window
        if lo is not None:
            d = _resolve(lo, table)
            start = np.maximum(start, d)
            if not np.isscalar(d):
                known &= d != MISSING
        if hi is not None:
            d = _resolve(hi, table)
            end = np.minimum(end, d)
            if not np.isscalar(d):
                known &= d != MISSING
        return start, end, known

    def evaluate(self, table: PeriodTable) -> Values:
        parts = [c.evaluate(table) for c in self.conditions]
        period = tri.all_of(parts, table.n_periods)
        if self.min_service is None:
            return Values(table.group_any(period), period, parts)
        months = self.min_service[0] == "months"
        start, end, known = self._clipped(table)
        inside = known & (start <= end)
        definite_rows = (period == tri.YES) & inside
        possible_rows = (period >= tri.UNKNOWN) & inside
        definite = self._total(table, definite_rows, start, end, months)
        possible = self._total(table, possible_rows, start, end, months)
        # a possibly qualifying period with a date missing could be any length
        open_ended = table.group_any(np.where((period >= tri.UNKNOWN) & ~known, tri.YES, tri.NO).astype(np.int8))
        possible = np.where(open_ended == tri.YES, np.inf, possible)
        need = self.min_service[1] - 1e-9
        group = np.where(definite >= need, tri.YES,
                         np.where(possible >= need, tri.UNKNOWN, tri.NO)).astype(np.int8)
        return Values(group, period, parts, (definite, possible))

    @staticmethod
    def _total(table: PeriodTable, rows: np.ndarray, start, end, months: bool) -> np.ndarray:
        if table.group is None:
            out = np.zeros(table.n_groups, dtype=np.float64)
            idx = np.flatnonzero(rows)
            out[idx] = merged_length(start[idx], end[idx], None, len(idx), months=months)
            return out
        idx = np.flatnonzero(rows)
        return merged_length(start[idx], end[idx], table.group[idx], table.n_groups, months=months)

    def describe(self) -> str:
        text = "; ".join(c.describe() for c in self.conditions)
        if self.min_service is not None:
            text += f"; at least {self.min_service_text} of such service in total (overlaps counted once"
            lo, hi = self.window
            if lo is not None or hi is not None:
                text += f", counted from {lo or 'the start'} to {hi or 'the end'}"
            text += ")"
        return text

    def _period_text(self, table: PeriodTable, i: int) -> str:
        def v(name: str) -> str:
            return table.field(name).value(i) or "?"

        return (f"employed by {v('employer')} ({v('unit')}) as {v('role')} in {v('location')}, "
                f"{_iso(table.start[i])} to {_iso(table.end[i])}")

    def explain(self, table: PeriodTable, values: Values, g: int = 0) -> Explanation:
        rows = np.arange(table.n_periods) if table.group is None else np.flatnonzero(table.group == g)
        if table.group is None:
            rows = rows[rows == g]
        if len(rows) == 0:
            return Explanation(["no employment claimed"], [])
        status = int(values.group[g])
        evidence, missing = [], []
        for i in rows:
            pv = int(values.period[i])
            notes = [c.explain(table, i, int(p[i])) for c, p in zip(self.conditions, values.parts)]
            if pv == tri.YES:
                evidence.append(f"{self._period_text(table, i)}; "
                                + "; ".join(n for n in notes if n.startswith("verification")))
            elif pv == tri.UNKNOWN:
                gaps = [n for c, p, n in zip(self.conditions, values.parts, notes) if p[i] == tri.UNKNOWN]
                evidence.append(f"{self._period_text(table, i)}: might qualify")
                missing.extend(gaps)
            elif status != tri.YES:
                fails = [n for c, p, n in zip(self.conditions, values.parts, notes) if p[i] == tri.NO]
                evidence.append(f"{self._period_text(table, i)} does not qualify: {fails[0]}")
        if values.service is not None:
            d, p = values.service[0][g], values.service[1][g]
            unit = "months" if self.min_service[0] == "months" else "days"

            def amount(x: float) -> str:
                return "?" if np.isinf(x) else (f"{x:.1f}".rstrip("0").rstrip(".") if unit == "months" else str(int(x)))

            lo, hi = self.window
            where = "" if lo is None and hi is None else f" between {lo or 'the start'} and {hi or 'the end'}"
            evidence.append(f"qualifying service{where}, overlaps counted once: {amount(d)} {unit} confirmed"
                            + ("" if p == d else f", up to {amount(p)} {unit} possible")
                            + f"; needs {self.min_service_text}")
            if status == tri.UNKNOWN and not missing:
                missing.append("start or end dates of service")
        return Explanation(evidence, sorted(set(missing)))


class AttributeCriterion(Criterion):
    """A fact about the principal recorded by a caseworker (nationality, dismissed, at_risk…)."""

    type = "attribute"
    KEYS = {"type", "label", "source", "field", "in", "not_in", "equals"}

    def __init__(self, id: str, label: str, field_name: str, allowed: frozenset[str], exclude: bool, shown: str):
        self.id, self.label, self.field_name = id, label, field_name
        self.allowed, self.exclude, self.shown = allowed, exclude, shown

    @classmethod
    def parse(cls, cid: str, r: Reader, ctx: ParseContext) -> AttributeCriterion:
        r.only(cls.KEYS, {"type", "field"})
        ops = [k for k in ("in", "not_in", "equals") if k in r.node]
        if len(ops) != 1:
            raise r.error(None, f"attribute criterion {cid!r} needs exactly one of in, not_in, equals")
        op = ops[0]
        raw = r.get(op)
        values = raw if isinstance(raw, list) else [raw]
        if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
            raise r.error(op, f"{op} of criterion {cid!r} must be a value or list of values")
        norm = frozenset(("true" if v else "false") if isinstance(v, bool) else str(v).strip().lower() for v in values)
        shown = f"{'not ' if op == 'not_in' else ''}{' or '.join(sorted(norm))}"
        field_name = r.text("field", required=True)
        facts = ctx.vocabulary.terms("facts")
        if field_name not in facts:
            raise r.error("field", f"criterion {cid!r} reads fact {field_name!r}, which is not declared "
                                   f"(declare it under vocabulary: facts:, with a label; declared: "
                                   f"{', '.join(sorted(facts)) or 'none'})")
        kind = ctx.vocabulary.fact_values(field_name)
        allowed = {"true", "false"} if kind == "boolean" else kind if isinstance(kind, frozenset) else None
        if allowed is not None:
            for v in sorted(norm - allowed):
                raise r.error(op, f"fact {field_name!r} is {'true or false' if kind == 'boolean' else 'one of ' + ', '.join(sorted(allowed))}, "
                                  f"never {v!r} (criterion {cid!r})")
        return cls(cid, r.text("label", cid), field_name, norm, op == "not_in", shown)

    def evaluate(self, table: PeriodTable) -> Values:
        hit, known = table.attribute(self.field_name).isin(self.allowed)
        return Values(tri.from_bool(~hit if self.exclude else hit, known))

    def describe(self) -> str:
        return f"{self.field_name} is {self.shown}"

    def explain(self, table: PeriodTable, values: Values, g: int = 0) -> Explanation:
        v = table.attribute(self.field_name).value(g)
        if v is None:
            return Explanation([], [f"{self.field_name} not recorded (needs {self.describe()})"])
        return Explanation([f"{self.field_name}: {v}"], [])


class DateCriterion(Criterion):
    """A situation's date falls in a window: when the request was received (by default), or a
    named date such as ``petition_filed``. A bound may be a calendar date, read in the
    policy's time zone, or a moment (``2021-08-25T23:59:00+12:00``): a request received at a
    known time is compared exactly; one known only by its day is unknown on the bound's own day.
    """

    type = "date"
    KEYS = {"type", "label", "source", "date", "on_or_after", "on_or_before", "before", "after"}

    def __init__(self, id: str, label: str, date_name: str, bounds: dict[str, date | datetime]):
        self.id, self.label, self.date_name, self.bounds = id, label, date_name, bounds

    @classmethod
    def parse(cls, cid: str, r: Reader, ctx: ParseContext) -> DateCriterion:
        r.only(cls.KEYS, {"type"})
        name = r.text("date", RECEIVED)
        if name == "reference_date":
            name = RECEIVED
        if name != RECEIVED and name not in ctx.date_names:
            raise r.error("date", f"unknown date {name!r} in criterion {cid!r} "
                                  f"(known: {', '.join(sorted({RECEIVED, *ctx.date_names}))})")
        bounds: dict[str, date | datetime] = {}
        for key in ("on_or_after", "on_or_before", "before", "after"):
            if key in r.node:
                try:
                    value = parse_instant(r.get(key))
                except ValueError as exc:
                    raise r.error(key, f"{key} of criterion {cid!r}: {exc}") from None
                if isinstance(value, datetime) and name != RECEIVED:
                    raise r.error(key, f"{key} of criterion {cid!r}: only the received date has a time of day")
                bounds[key] = value
        if not bounds:
            raise r.error(None, f"date criterion {cid!r} needs on_or_after, on_or_before, before or after")
        return cls(cid, r.text("label", cid), name, bounds)

    @classmethod
    def deadline(cls, cid: str, label: str, last: date | datetime) -> DateCriterion:
        key = "before" if isinstance(last, datetime) else "on_or_before"
        return cls(cid, label, RECEIVED, {key: last})

    @staticmethod
    def _one(key: str, bound: date | datetime, day: np.ndarray, moment: np.ndarray | None, zone) -> np.ndarray:
        if isinstance(bound, datetime):
            local = bound.astimezone(zone)
            bday = local.date().toordinal()
            if key == "before":
                # on the bound's own day only the time tells, unless the bound is at midnight
                same_day = tri.NO if local.time() == local.time().min else tri.UNKNOWN
                by_day = np.where(day < bday, tri.YES, np.where(day > bday, tri.NO, same_day))
            else:
                by_day = np.where(day > bday, tri.YES, np.where(day < bday, tri.NO, tri.UNKNOWN))
            by_day = by_day.astype(np.int8)
            if moment is None:
                return by_day
            exact = (moment < bound.timestamp()) if key == "before" else (moment > bound.timestamp())
            return np.where(np.isnan(moment), by_day, np.where(exact, tri.YES, tri.NO)).astype(np.int8)
        b = bound.toordinal()
        ok = {"on_or_after": day >= b, "on_or_before": day <= b, "before": day < b, "after": day > b}[key]
        return tri.from_bool(ok)

    def evaluate(self, table: PeriodTable) -> Values:
        day = table.named_date(self.date_name)
        moment = table.received_ts if self.date_name == RECEIVED else None
        known = day != MISSING
        out = np.full(table.n_groups, tri.YES, dtype=np.int8)
        for key, bound in self.bounds.items():
            np.minimum(out, self._one(key, bound, day, moment, table.zone), out=out)
        out[~known] = tri.UNKNOWN
        return Values(out)

    def _bound_text(self) -> str:
        words = {"on_or_after": "on or after", "on_or_before": "on or before", "before": "before", "after": "after"}
        return " and ".join(f"{words[k]} {v.isoformat() if isinstance(v, date) and not isinstance(v, datetime) else v.isoformat(' ', 'minutes')}"
                            for k, v in self.bounds.items())

    def describe(self) -> str:
        what = "received" if self.date_name == RECEIVED else self.date_name
        return f"{what} {self._bound_text()}"

    def explain(self, table: PeriodTable, values: Values, g: int = 0) -> Explanation:
        day = int(table.named_date(self.date_name)[g])
        if day == MISSING:
            return Explanation([], [f"{self.date_name} not recorded (needs {self.describe()})"])
        when = _iso(day)
        if self.date_name == RECEIVED and table.received_ts is not None and not np.isnan(table.received_ts[g]):
            moment = datetime.fromtimestamp(float(table.received_ts[g]), table.zone)
            when = f"{moment.isoformat(' ', 'minutes')} ({table.zone})"
        evidence = [f"{'received' if self.date_name == RECEIVED else self.date_name} {when}; needs {self._bound_text()}"]
        if values.group[g] == tri.UNKNOWN:
            return Explanation(evidence, [f"the time of day the request was received (needs {self._bound_text()})"])
        return Explanation(evidence, [])


TYPES: dict[str, type[Criterion]] = {
    c.type: c for c in (EmploymentCriterion, AttributeCriterion, DateCriterion)
}
# the first step's name for a received-date window
TYPES["reference_date"] = DateCriterion
