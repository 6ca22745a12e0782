"""Criterion types. Each is defined once, over a PeriodTable, and explains itself from the
same arrays it computed, so the reasons a decision maker reads are the computation itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from . import tri, vocab
from .dates import MISSING, ONGOING, DateExpr, parse_date_expr
from .table import PeriodTable
from .yamlmarks import Reader

_DAYS = {"days": 1, "weeks": 7, "months": 30, "years": 365}


def _iso(ordinal: int) -> str:
    if ordinal == MISSING:
        return "?"
    if ordinal == ONGOING:
        return "ongoing"
    return date.fromordinal(int(ordinal)).isoformat()


def _resolve(expr: DateExpr, reference: np.ndarray) -> np.ndarray | int:
    if not expr.relative:
        return expr.absolute.toordinal()
    uniq, inverse = np.unique(reference, return_inverse=True)
    resolved = np.array([expr.resolve(date.fromordinal(int(r))).toordinal() for r in uniq], dtype=np.int64)
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
    def __init__(self, name: str, allowed: frozenset[str], exclude: bool):
        self.name, self.allowed, self.exclude = name, allowed, exclude

    def evaluate(self, table: PeriodTable) -> np.ndarray:
        hit, known = table.field(self.name).isin(self.allowed)
        return tri.from_bool(~hit if self.exclude else hit, known)

    def describe(self) -> str:
        verb = "not one of" if self.exclude else "one of"
        return f"{self.name} {verb} {', '.join(sorted(self.allowed))}"

    def explain(self, table: PeriodTable, i: int, value: int) -> str:
        v = table.field(self.name).value(i)
        if value == tri.UNKNOWN:
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
        d = _resolve(self.expr, table.period_reference())
        start, end = table.start, table.end
        s_known, e_known = start != MISSING, end != MISSING
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
        d = _resolve(self.expr, table.period_reference()[i : i + 1])
        d = int(d if np.isscalar(d) else d[0])
        span = f"{_iso(table.start[i])} to {_iso(table.end[i])}"
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
    KEYS = {"type", "label", "source", "verification", "min_service", "any_of", *vocab.EMPLOYMENT_FIELDS,
            *DateCondition.KINDS}

    def __init__(self, id: str, label: str, conditions: list, min_service_days: int | None, min_service_text: str):
        self.id, self.label, self.conditions = id, label, conditions
        self.min_service_days, self.min_service_text = min_service_days, min_service_text

    @staticmethod
    def _field_conditions(cid: str, r: Reader) -> list:
        conds: list = []
        for fname, allowed_vocab in vocab.EMPLOYMENT_FIELDS.items():
            if fname not in r.node:
                continue
            spec = r.get(fname)
            exclude = False
            if isinstance(spec, dict):
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
                if v not in allowed_vocab:
                    raise r.error(fname, f"unknown {fname} {v!r} in criterion {cid!r} "
                                         f"(known: {', '.join(sorted(allowed_vocab))})")
            conds.append(FieldCondition(fname, frozenset(spec), exclude))
        return conds

    @classmethod
    def parse(cls, cid: str, r: Reader) -> EmploymentCriterion:
        r.only(cls.KEYS, {"type"})
        conds = cls._field_conditions(cid, r)
        if "any_of" in r.node:
            alternatives = []
            for line, node in r.items("any_of"):
                ar = Reader(r.path, node, f"an alternative in any_of of criterion {cid!r}", line)
                ar.only(set(vocab.EMPLOYMENT_FIELDS))
                sub = cls._field_conditions(cid, ar)
                if not sub:
                    raise ar.error(None, f"an alternative in any_of of criterion {cid!r} needs a field condition")
                alternatives.append(sub)
            if len(alternatives) < 2:
                raise r.error("any_of", f"any_of of criterion {cid!r} needs at least two alternatives")
            conds.append(AlternativesCondition(alternatives))
        for kind in DateCondition.KINDS:
            if kind in r.node:
                try:
                    conds.append(DateCondition(kind, parse_date_expr(r.get(kind))))
                except ValueError as exc:
                    raise r.error(kind, f"{kind} of criterion {cid!r}: {exc}") from None
        mode = r.text("verification", "required")
        if mode not in VerificationCondition.MODES:
            raise r.error("verification", f"verification of criterion {cid!r} must be one of "
                                          f"{', '.join(VerificationCondition.MODES)}, not {mode!r}")
        conds.append(VerificationCondition(mode))
        days, text = None, ""
        if "min_service" in r.node:
            sr = r.sub("min_service", f"min_service of criterion {cid!r}")
            sr.only(set(_DAYS))
            if len(sr.node) != 1:
                raise r.error("min_service", "min_service needs exactly one of days, weeks, months, years")
            unit, n = next(iter(sr.node.items()))
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise sr.error(unit, f"min_service {unit} must be a positive whole number, not {n!r}")
            days, text = n * _DAYS[unit], f"{n} {unit}"
        return cls(cid, r.text("label", cid), conds, days, text)

    def evaluate(self, table: PeriodTable) -> Values:
        parts = [c.evaluate(table) for c in self.conditions]
        period = tri.all_of(parts, table.n_periods)
        if self.min_service_days is None:
            return Values(table.group_any(period), period, parts)
        end = np.where(table.end == ONGOING, table.period_reference(), table.end)
        known = (table.start != MISSING) & (table.end != MISSING)
        dur = np.where(known, np.maximum(end - table.start + 1, 0), 0).astype(np.float64)
        definite = table.group_sum(np.where(period == tri.YES, dur, 0.0))
        possible = table.group_sum(np.where(period >= tri.UNKNOWN, np.where(known, dur, np.inf), 0.0))
        group = np.where(definite >= self.min_service_days, tri.YES,
                         np.where(possible >= self.min_service_days, tri.UNKNOWN, tri.NO)).astype(np.int8)
        return Values(group, period, parts, (definite, possible))

    def describe(self) -> str:
        text = "; ".join(c.describe() for c in self.conditions)
        if self.min_service_days:
            text += f"; at least {self.min_service_text} of such service in total"
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
            need = self.min_service_days
            evidence.append(f"qualifying service {int(d)} days confirmed"
                            + ("" if p == d else f", up to {'?' if np.isinf(p) else int(p)} days possible")
                            + f"; needs {self.min_service_text} ({need} days)")
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
    def parse(cls, cid: str, r: Reader) -> AttributeCriterion:
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


class ReferenceDateCriterion(Criterion):
    """The request's reference date (when it was received) falls in a window."""

    type = "reference_date"
    KEYS = {"type", "label", "source", "on_or_after", "on_or_before"}

    def __init__(self, id: str, label: str, after: date | None, before: date | None):
        self.id, self.label, self.after, self.before = id, label, after, before

    @classmethod
    def parse(cls, cid: str, r: Reader) -> ReferenceDateCriterion:
        r.only(cls.KEYS, {"type"})
        bounds = {}
        for key in ("on_or_after", "on_or_before"):
            if key in r.node:
                try:
                    expr = parse_date_expr(r.get(key))
                except ValueError as exc:
                    raise r.error(key, f"{key} of criterion {cid!r}: {exc}") from None
                if expr.relative:
                    raise r.error(key, f"{key} of criterion {cid!r} must be an absolute date")
                bounds[key] = expr.absolute
        if not bounds:
            raise r.error(None, f"reference_date criterion {cid!r} needs on_or_after and/or on_or_before")
        a, b = bounds.get("on_or_after"), bounds.get("on_or_before")
        if a and b and a > b:
            raise r.error("on_or_before", f"criterion {cid!r}: on_or_before {b} is before on_or_after {a}")
        return cls(cid, r.text("label", cid), a, b)

    def evaluate(self, table: PeriodTable) -> Values:
        ok = np.ones(table.n_groups, dtype=bool)
        if self.after:
            ok &= table.reference >= self.after.toordinal()
        if self.before:
            ok &= table.reference <= self.before.toordinal()
        return Values(tri.from_bool(ok))

    def describe(self) -> str:
        return f"received {self.after or '…'} to {self.before or '…'}"

    def explain(self, table: PeriodTable, values: Values, g: int = 0) -> Explanation:
        return Explanation([f"received {_iso(table.reference[g])}; window {self.after or '…'} to "
                            f"{self.before or '…'}"], [])


TYPES: dict[str, type[Criterion]] = {
    c.type: c for c in (EmploymentCriterion, AttributeCriterion, ReferenceDateCriterion)
}
