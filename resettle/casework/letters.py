"""The decision letter's content, taken from the decision, handed to resettle.letters to render."""

from __future__ import annotations

from django.utils import timezone

from resettle.casework.models import Decision, DecisionOutcome


def letter_context(decision: Decision) -> dict:
    from resettle.people.models import Person

    application = decision.application
    member = decision.member or application.members.select_related("person").get(relationship="principal")
    person: Person = member.person
    confirmed = timezone.localtime(decision.confirmed_at or decision.proposed_at)
    params = []
    # The policies app already words each parameter for people (params_display): use its labels.
    for outcome in (decision.evaluation.criteria or {}).get("outcomes", []) or []:
        for p in outcome.get("params_display") or []:
            params.append({"label": str(p.get("label", "")), "value": str(p.get("text") or p.get("value", ""))})
    return {
        "reference": application.reference,
        "applicant_name": person.full_name,
        "decided_on": confirmed.date(),
        "timezone": timezone.get_current_timezone_name(),
        "outcome": "approved" if decision.outcome == DecisionOutcome.APPROVE else "declined",
        "policy_title": decision.policy_id, "policy_version": decision.version_id,
        "criteria": [{"criterion": c.get("label") or c.get("id"), "outcome": c.get("status", ""), "evidence": ""}
                     for c in decision.criteria_cited],
        "reasons": decision.reasons,
        "params": params,
        "reconsideration": decision.reconsideration_info,
    }


def letter_pdf(decision: Decision, language: str) -> tuple[str, bytes]:
    from resettle.letters.render import render_decision_letter

    data = render_decision_letter(language=language, context=letter_context(decision))
    return f"decision-{decision.application.reference}-{language}.pdf", data
