"""Writes: evaluating an application under a policy version, and recording assessed facts."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from resettle.accounts.roles import DECIDE, ELIGIBILITY_EVALUATE
from resettle.applications.models import Application
from resettle.applications.services import require_case_access
from resettle.audit.services import record_event

from . import engine
from .engine.criteria import AttributeCriterion
from .facts import digest, situation_for
from .models import AssessedFact, Evaluation, Kind


class PolicyError(ValueError):
    """The application cannot be evaluated as asked (unknown policy, no version in force...)."""


def assessable_fields() -> set[str]:
    """Facts a decision maker may record: every attribute some shipped policy asks about."""
    return {c.field_name for p in engine.all_policies() for v in p.versions
            for c in v.criteria.values() if isinstance(c, AttributeCriterion)}


def evaluate_application(*, application: Application, actor, policy_id: str | None = None, on: date | None = None,
                         kind: str | None = None, reason: str = "") -> Evaluation:
    """Evaluate and store the result with the policy version used.

    ``on`` chooses the version in force on that date (default: the day the application was
    received); criteria are always applied at the received date. A previous evaluation is
    kept and linked, never changed, so a reconsideration under new evidence or a newer
    version leaves the earlier decision readable as it was. A person needs the evaluate
    capability and the case in their scope; actor None is the system itself (commands, tasks).
    """
    if actor is not None:
        # Before the transaction, so the audit entry of a refusal is not rolled back with it.
        require_case_access(actor, application, ELIGIBILITY_EVALUATE)
    with transaction.atomic():
        return _evaluate(application, actor, policy_id, on, kind, reason)


def _evaluate(application, actor, policy_id, on, kind, reason) -> Evaluation:
    pid = policy_id or application.pathway
    try:
        policy = engine.get_policy(pid)
    except KeyError as exc:
        raise PolicyError(str(exc.args[0])) from None
    when = on or application.received_on
    try:
        version = policy.version_on(when)
    except LookupError as exc:
        raise PolicyError(str(exc)) from None
    situation = situation_for(application)
    try:
        result = engine.evaluate(policy, situation, version)
    except engine.SituationError as exc:
        raise PolicyError(f"application {application.reference}: {exc}") from None
    previous = (Evaluation.objects.select_for_update(of=("self",))
                .filter(application=application, superseded_by__isnull=True).order_by("-created_at").first())
    if kind is None:
        kind = Kind.INITIAL if previous is None else Kind.REEVALUATION
    evaluation = Evaluation.objects.create(
        application=application, policy_id=policy.id, version_id=version.id,
        reference_date=situation["reference_date"], outcome=result.outcome, rule_id=result.rule_id,
        kind=kind, criteria=result.to_dict(), facts_sha256=digest(situation), supersedes=previous, actor=actor,
    )
    record_event(actor=actor, action="policy.evaluated", target=evaluation, reason=reason, details={
        "application_id": str(application.pk), "policy_id": policy.id, "version_id": version.id,
        "outcome": result.outcome, "rule_id": result.rule_id, "kind": kind,
        "supersedes": str(previous.pk) if previous else None,
        "criteria": {c.id: c.status for c in result.criteria},
        "dependants": result.dependants, "dependants_unknown": result.dependants_unknown,
    })
    return evaluation


def record_assessed_fact(*, application: Application, actor, field: str, value: object, reason: str = "") -> AssessedFact:
    """Record a decision maker's finding (e.g. at_risk = true). Later rows win; none change."""
    if actor is not None:
        require_case_access(actor, application, DECIDE)
    with transaction.atomic():
        return _record_fact(application, actor, field, value, reason)


def _record_fact(application, actor, field, value, reason) -> AssessedFact:
    allowed = assessable_fields()
    if field not in allowed:
        raise PolicyError(f"unknown fact {field!r} (known: {', '.join(sorted(allowed))})")
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip().lower()
        if not text or len(text) > 60:
            raise PolicyError(f"fact {field!r}: value must be true, false or a short canonical word")
    fact = AssessedFact.objects.create(application=application, field=field, value=text, recorded_by=actor)
    record_event(actor=actor, action="policy.fact_recorded", target=application, reason=reason,
                 details={"field": field, "value": text if text in ("true", "false") else "(set)"})
    return fact
