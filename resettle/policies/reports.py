"""What the eligibility pages may show: the panel on a case, and the analysts' simulation.

Every rule about who sees what lives here, so views only read requests and render.
The simulation page is for aggregate readers: no names, no ids, no references, and every
exact count below the threshold is withheld (as on the figures page), in tables and chart.
"""

from __future__ import annotations

import base64
import math
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db.models import Prefetch, prefetch_related_objects

from resettle.accounts import roles
from resettle.accounts.permissions import can, require
from resettle.applications.aggregates import suppress_small
from resettle.applications.models import Application, Relationship
from resettle.audit.services import record_event

from . import engine
from .engine.simulate import FAMILY_COLUMNS, Comparison, Estimate, SimulationResult, chart
from .models import Evaluation, Outcome
from .selectors import policy_summaries

THRESHOLD = 5


# --- the case panel --------------------------------------------------------------------------

def may_see_eligibility(user) -> bool:
    return can(user, roles.ELIGIBILITY_EVALUATE) or can(user, roles.DECIDE)


@dataclass(frozen=True)
class EvaluationView:
    id: str
    policy_id: str
    version_id: str
    reference_date: date
    outcome: str
    outcome_label: str
    kind: str
    actor: str
    created_at: object
    result: dict
    version_title: str
    # None: the role may not see family members; [] : there are none
    members: list[dict] | None
    members_evidence: bool
    # the outcome granted and, when unknown, those still possible, each with offers and
    # parameters as labels (params_display)
    outcomes: list[dict]
    possible: list[dict]
    # members referred for discretion, with the category that sent them (None: role may not
    # see family members), and how many there are (shown to every role)
    referred: list[dict] | None
    referred_count: int
    received_at: str


@dataclass(frozen=True)
class EligibilityPanel:
    current: EvaluationView | None
    history: list[EvaluationView]
    can_evaluate: bool


def _version_title(policy_id: str, version_id: str) -> str:
    try:
        return engine.get_policy(policy_id).version(version_id).title
    except (KeyError, LookupError):  # a version since removed from the data files
        return ""


def _outcome_label(code: str) -> str:
    return Outcome(code).label if code in Outcome.values else code


def _with_labels(rules: list[dict]) -> list[dict]:
    return [{**r, "outcome_label": _outcome_label(r.get("outcome", "")),
             "offer_labels": r.get("offer_labels") or r.get("offers") or [],
             "params_display": r.get("params_display") or []} for r in rules]


def _view(user, e: Evaluation) -> EvaluationView:
    result = e.criteria or {}
    members = referred = None
    if can(user, roles.PERSON_FAMILY):
        members = list(result.get("members") or [])
        referred = [{**m, "relationship_label": Relationship(m["relationship"]).label
                     if m.get("relationship") in Relationship.values else m.get("relationship", "")}
                    for m in result.get("referred_members") or []]
    outcomes = list(result.get("outcomes") or [])
    if not outcomes and e.outcome != Outcome.UNKNOWN and result.get("rule_id"):
        # evaluations stored before outcomes were recorded as a list
        outcomes = [{"rule_id": result["rule_id"], "outcome": e.outcome, "label": result.get("label", ""),
                     "offers": result.get("offers", []), "choice": result.get("choice", "")}]
    received_at = result.get("received_at") or ""
    return EvaluationView(
        id=str(e.pk), policy_id=e.policy_id, version_id=e.version_id, reference_date=e.reference_date,
        outcome=e.outcome, outcome_label=Outcome(e.outcome).label if e.outcome in Outcome.values else e.outcome,
        kind=e.get_kind_display(), actor=e.actor.username if e.actor_id else "system", created_at=e.created_at,
        result=result, version_title=_version_title(e.policy_id, e.version_id), members=members,
        # ages are worked out from birth dates, which are identity data
        members_evidence=can(user, roles.PERSON_IDENTITY),
        outcomes=_with_labels(outcomes), possible=_with_labels(list(result.get("possible") or [])),
        referred=referred, referred_count=int(result.get("dependants_referred") or 0),
        received_at=received_at.replace("T", " ")[:16] if received_at else "",
    )


def evaluation_view(user, evaluation: Evaluation | EvaluationView) -> EvaluationView | None:
    """One stored evaluation as ``policies/_panel.html`` shows it (for the decision screens):
    None for a role that neither evaluates nor decides; family members only for roles that
    see them. The caller has already let the user open the case."""
    if isinstance(evaluation, EvaluationView):
        return evaluation
    if evaluation is None or not may_see_eligibility(user):
        return None
    return _view(user, evaluation)


def case_evaluations(application: Application) -> list[Evaluation]:
    """Every evaluation of the case, oldest first, with who made it and what superseded it: read
    once for a page that shows them in two panels (kept in the row's prefetch cache)."""
    prefetch_related_objects([application], Prefetch(
        "evaluations", queryset=Evaluation.objects.select_related("actor", "superseded_by").order_by("created_at")))
    return list(application.evaluations.all())


def current_of(rows: list[Evaluation]) -> Evaluation | None:
    """The evaluation in force: the latest that nothing superseded (policies.selectors.current_evaluation)."""
    return next((e for e in reversed(rows) if e.is_current), None)


def eligibility_panel(user, application: Application) -> EligibilityPanel | None:
    """The eligibility panel for a case the user has already been allowed to open; None for a
    role that neither evaluates nor decides. The stored evidence holds canonical values,
    dates and record references only (see facts.situation_for): never a name."""
    if not may_see_eligibility(user):
        return None
    rows = case_evaluations(application)
    current = current_of(rows)
    return EligibilityPanel(
        current=_view(user, current) if current else None,
        history=[_view(user, e) for e in reversed(rows) if e is not current],
        can_evaluate=can(user, roles.ELIGIBILITY_EVALUATE),
    )


# --- the policies list -----------------------------------------------------------------------

def policies_listing(user) -> list[dict]:
    if not (can(user, roles.REPORTS_AGGREGATE) or can(user, roles.ELIGIBILITY_EVALUATE)):
        require(user, roles.REPORTS_AGGREGATE)
    out = []
    for p in engine.all_policies():
        out.append({"id": p.id, "title": p.title, "jurisdiction": p.jurisdiction, "description": p.description,
                    "versions": [{"id": v.id, "title": v.title, "effective_from": v.effective_from,
                                  "effective_until": v.effective_until, "criteria": len(v.criteria),
                                  "sources": list(v.sources)} for v in p.versions]})
    return out


def version_choices() -> list[tuple[str, str]]:
    """'policy' (the version in force, or the latest) and every 'policy@version'."""
    choices, seen = [], set()
    for s in policy_summaries():
        if s["policy"] not in seen:
            seen.add(s["policy"])
            choices.append((s["policy"], f"{s['policy']} — {s['title']} (version in force / latest)"))
        choices.append((f"{s['policy']}@{s['version']}",
                        f"{s['policy']}@{s['version']} — {s['version_title']} (from {s['effective_from']})"))
    return choices


# --- the simulation page ---------------------------------------------------------------------

def _suppressed_grid(cells: dict[tuple, int]) -> dict[tuple, int | None]:
    keyed = {"\x1f".join(map(str, k)): v for k, v in cells.items()}
    shown = suppress_small(keyed, threshold=THRESHOLD)
    return {k: shown["\x1f".join(map(str, k))] for k in cells}


def _breakdown_table(rows: list[dict], by: str, labels: list[str]) -> dict:
    cells = {(str(r[by]), label): int(r.get(label, 0)) for r in rows for label in labels}
    shown = _suppressed_grid(cells)
    # no row totals: with a withheld cell beside shown ones, a total would give it back
    rows_out = [{"key": str(r[by]), "cells": [shown[(str(r[by]), label)] for label in labels]} for r in rows]
    return {"by": by, "labels": labels, "rows": rows_out}


def _estimate_rows(sim: dict) -> list[dict]:
    out = []
    for e in sim["estimates"]:
        small = e["definite"] + e["possible"] < THRESHOLD
        row = {"rule_id": e["rule_id"], "label": e["label"], "outcome": e["outcome"], "offers": ", ".join(e["offers"]),
               "withheld": small,
               "definite": None if small or 0 < e["definite"] < THRESHOLD else e["definite"],
               "possible": None if small or 0 < e["possible"] < THRESHOLD else e["possible"]}
        for k in ("principals", "applicants", "dependants", "people"):
            lo, mid, hi = e[k]
            row[k] = None if small else {"low": round(lo), "median": round(mid), "high": round(hi)}
        out.append(row)
    return out


def _side(sim: dict) -> dict:
    labels = list(sim["counts"])
    counts = suppress_small({k: int(v) for k, v in sim["counts"].items()}, threshold=THRESHOLD)
    family = []
    if sim.get("family"):
        cells = {(r["category"], k): int(r[k]) for r in sim["family"] for k in FAMILY_COLUMNS}
        shown = _suppressed_grid(cells)
        family = [{"category": r["category"], "cells": [shown[(r["category"], k)] for k in FAMILY_COLUMNS]}
                  for r in sim["family"]]
    return {"policy": sim["policy"], "version": sim["version"], "reference_date": sim["reference_date"],
            "family": family,
            "candidates": sim["candidates"] if sim["candidates"] >= THRESHOLD else None,
            "counts": [(label, counts[label]) for label in labels], "estimates": _estimate_rows(sim),
            "breakdowns": [_breakdown_table(rows, by, labels) for by, rows in sim["breakdowns"].items()],
            "assumptions": sim["assumptions"], "notes": sim["notes"]}


def _as_result(sim: dict) -> SimulationResult:
    """Rebuild a result from its dict with small year counts blanked (NaN: a gap in the line),
    so the chart cannot show what the tables withhold."""
    years = []
    for r in sim["breakdowns"].get("year", []):
        years.append({k: (v if k == "year" or not (0 < v < THRESHOLD) else math.nan) for k, v in r.items()})
    breakdowns = {"year": years}
    return SimulationResult(**{**sim, "breakdowns": breakdowns,
                               "estimates": [Estimate(**{**e, "definite": 0, "possible": 0}) for e in sim["estimates"]
                                             if e["definite"] + e["possible"] >= THRESHOLD]})


def _chart_uri(result: SimulationResult | Comparison) -> str:
    with tempfile.TemporaryDirectory(prefix="resettle-chart-") as tmp:
        path = chart(result, Path(tmp) / "chart.png")
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def simulation_report(user, *, policy: str, compare_with: str | None = None, on: date | None = None,
                      prior_dependants: float | None = None, draws: int = 4000) -> dict:
    """Run the simulation (or comparison) over the stored records and applications and keep
    only what an aggregate reader may see."""
    require(user, roles.REPORTS_AGGREGATE)
    from .simulation import run

    out = run(policy=policy, compare_with=compare_with, on=on, prior_dependants=prior_dependants, draws=draws)
    record_event(actor=user, action="reports.simulation_viewed", details={
        "policy": policy, "compare_with": compare_with or "", "on": on.isoformat() if on else "",
        "prior_dependants": prior_dependants})
    populations = []
    for name, res in out["results"].items():
        if compare_with:
            left, right = _side(res["left"]), _side(res["right"])
            cross = _suppressed_grid({(c["left"], c["right"]): c["count"] for c in res["crosstab"]})
            changes = [{"left": lft, "right": rgt, "count": n, "changed": lft != rgt}
                       for (lft, rgt), n in cross.items()]
            comparison = Comparison(_as_result(res["left"]), _as_result(res["right"]), [], 0, [])
            populations.append({"name": name, "sides": [left, right], "changes": changes,
                                "changed": res["changed"] if res["changed"] >= THRESHOLD or not res["changed"] else None,
                                "chart": _chart_uri(comparison)})
        else:
            populations.append({"name": name, "sides": [_side(res)], "changes": None, "changed": None,
                                "chart": _chart_uri(_as_result(res))})
    return {"populations": populations, "threshold": THRESHOLD}
