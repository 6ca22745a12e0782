"""Writes: evaluating an application under a policy version, and recording assessed facts."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from resettle.accounts.roles import DECIDE, ELIGIBILITY_EVALUATE
from resettle.applications.models import Application
from resettle.accounts.access import require_case_access
from resettle.audit.services import record_event

from . import engine
from .engine import vocab
from .facts import digest, situation_for
from .models import AssessedFact, Evaluation, Kind


class PolicyError(ValueError):
    """The application cannot be evaluated as asked (unknown policy, no version in force...)."""


def _fact_terms() -> tuple[dict, dict]:
    principal, member = {}, {}
    for p in engine.all_policies():
        principal.update(p.vocabulary.terms("facts"))
        member.update(p.vocabulary.terms("member_facts"))
    principal.update(vocab.shared().terms("facts"))
    member.update(vocab.shared().terms("member_facts"))
    return principal, member


def assessable_fields() -> dict[str, str]:
    """Facts a decision maker may record, field -> label: every fact a shipped policy or the
    shared vocabulary declares about the principal, and the facts about one family member
    (``member_fields()``; recorded with ``member=``), such as settling a member referred for
    discretion (``included_at_discretion``)."""
    principal, member = _fact_terms()
    return {**{k: t.label for k, t in sorted(principal.items())},
            **{k: f"Family member: {t.label}" for k, t in sorted(member.items())}}


def member_fields() -> frozenset[str]:
    """The assessable fields that are about one family member (need ``member=``)."""
    return frozenset(_fact_terms()[1])


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
    # facts recorded for another pathway are not this policy's to read
    declared = policy.vocabulary.terms("facts")
    situation["principal"] = {k: v for k, v in situation["principal"].items() if k == "employment" or k in declared}
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
        reference_date=date.fromisoformat(result.reference_date), outcome=result.outcome, rule_id=result.rule_id,
        kind=kind, criteria=result.to_dict(), facts_sha256=digest(situation), supersedes=previous, actor=actor,
    )
    record_event(actor=actor, action="policy.evaluated", target=evaluation, reason=reason, details={
        "application_id": str(application.pk), "policy_id": policy.id, "version_id": version.id,
        "outcome": result.outcome, "rule_id": result.rule_id, "kind": kind,
        "supersedes": str(previous.pk) if previous else None,
        "criteria": {c.id: c.status for c in result.criteria},
        "dependants": result.dependants, "dependants_unknown": result.dependants_unknown,
        "dependants_referred": result.dependants_referred,
        "params": result.params,
    })
    return evaluation


def record_assessed_fact(*, application: Application, actor, field: str, value: object, reason: str = "",
                         member=None) -> AssessedFact:
    """Record a decision maker's finding (e.g. at_risk = true; wrote_to_minister = true). Later
    rows win; none change. ``member`` (an application member, or its id) records a fact about
    that family member instead: has_children, or included_at_discretion to settle a member
    the evaluation referred for discretion."""
    if actor is not None:
        require_case_access(actor, application, DECIDE)
    with transaction.atomic():
        return _record_fact(application, actor, field, value, reason, member)


def _fact_text(field: str, value: object, kind) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value).strip().lower()
    if kind == "boolean" and text not in ("true", "false"):
        raise PolicyError(f"fact {field!r}: value must be true or false, not {value!r}")
    if isinstance(kind, frozenset) and text not in kind:
        raise PolicyError(f"fact {field!r}: value must be one of {', '.join(sorted(kind))}, not {value!r}")
    if not text or len(text) > 60:
        raise PolicyError(f"fact {field!r}: value must be true, false or a short canonical word")
    return text


def _record_fact(application, actor, field, value, reason, member) -> AssessedFact:
    principal_terms, member_terms = _fact_terms()
    if member is not None:
        if field not in member_terms:
            raise PolicyError(f"unknown fact about a family member {field!r} (known: {', '.join(sorted(member_terms))})")
        member_id = getattr(member, "pk", member)
        target = application.members.filter(pk=member_id).exclude(relationship="principal").first()
        if target is None:
            raise PolicyError(f"member {member_id} is not a family member on application {application.reference}")
        kind = member_terms[field].attrs.get("values", "boolean")
    else:
        if field in member_terms:
            raise PolicyError(f"fact {field!r} is about a family member: say which one (member=...)")
        if field not in principal_terms:
            raise PolicyError(f"unknown fact {field!r} (known: {', '.join(sorted(principal_terms))})")
        target = None
        kind = principal_terms[field].attrs.get("values", "boolean")
    kind = frozenset(kind) if isinstance(kind, list) else kind
    text = _fact_text(field, value, kind)
    fact = AssessedFact.objects.create(application=application, member=target, field=field, value=text,
                                       recorded_by=actor)
    details = {"field": field, "value": text if text in ("true", "false") else "(set)"}
    if target is not None:
        details["member_id"] = str(target.pk)
    record_event(actor=actor, action="policy.fact_recorded", target=application, reason=reason, details=details)
    return fact
