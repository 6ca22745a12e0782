"""{% casework_panel case %} and {% case_timeline case %}: the case page (an applications view)
shows casework without importing it, as it does eligibility."""

from django import template

from resettle.accounts import roles
from resettle.accounts.permissions import can
from resettle.applications.models import Member
from resettle.applications.selectors import get_application
from resettle.casework import forms, selectors
from resettle.casework.models import ChangeStatus, DecisionState

register = template.Library()


@register.inclusion_tag("casework/_panel.html", takes_context=True)
def casework_panel(context, case):
    request = context["request"]
    user = request.user
    application = get_application(user, case.id)
    from resettle.policies.selectors import current_evaluation
    from resettle.policies.services import assessable_fields

    evaluation = current_evaluation(application)
    criteria = selectors.criteria_choices(application)
    decisions = list(selectors.decisions(application))
    pending = [d for d in decisions if d.state == DecisionState.PROPOSED]
    members_added = [m for m in Member.objects.filter(application=application, added_on__isnull=False)]
    decided_members = {d.member_id for d in decisions if d.member_id and d.state in (DecisionState.CONFIRMED, DecisionState.PROPOSED)}
    return {
        "case": case, "application": application, "user": user, "csrf_token": context.get("csrf_token"),
        "actions": selectors.available_actions(user, application),
        "may_decide": can(user, roles.DECIDE), "may_approve": can(user, roles.APPROVE),
        "may_edit": can(user, roles.CASE_EDIT), "may_identity": can(user, roles.PERSON_IDENTITY),
        "may_work": any(can(user, c) for c in (roles.CASE_EDIT, roles.DECIDE, roles.VERIFY)),
        "decisions": decisions, "pending": pending,
        "propose_form": forms.ProposeForm(criteria_choices=criteria), "evaluation": evaluation,
        "undecided_members": [m for m in members_added if m.pk not in decided_members],
        "requests": list(application.information_requests.order_by("deadline")),
        "changes": list(application.circumstance_changes.order_by("reported_at")),
        "reported": ChangeStatus.REPORTED,
        "documents": list(application.documents.order_by("uploaded_at")),
        "households": list(application.household_versions.order_by("number")),
        "members": list(Member.objects.filter(application=application).order_by("position")),
        "links": list(application.links.select_related("other")),
        "duplicates": _flagged_duplicates(user, application),
        "assigned": list(application.assigned_to.values_list("username", flat=True)),
        "fact_form": forms.FactForm(fields=assessable_fields(), members=Member.objects.filter(application=application)
                                    .order_by("position")) if can(user, roles.DECIDE) else None,
        "request_form": forms.RequestForm(), "change_form": forms.ChangeReportForm(), "note_form": forms.NoteForm(),
        "document_form": forms.DocumentForm(), "assign_form": forms.AssignForm(), "link_form": forms.LinkForm(),
        "letter_languages": forms.LetterForm.base_fields["language"].choices,
    }


def _flagged_duplicates(user, application):
    """Applications the matcher thinks come from the same person, for a caseworker to merge or
    link (only those the user may reach; not already linked)."""
    from resettle.applications.selectors import case_scope
    from resettle.verification.models import DuplicateLink

    linked = set(application.links.values_list("other_id", flat=True))
    rows = (DuplicateLink.objects.filter(application=application, other__in=case_scope(user))
            .exclude(other_id__in=linked).select_related("other").order_by("-probability"))
    return [{"other": r.other, "probability": r.probability, "kind": r.kind} for r in rows]


@register.inclusion_tag("casework/_timeline.html", takes_context=True)
def case_timeline(context, case):
    user = context["request"].user
    application = get_application(user, case.id)
    return {"entries": selectors.timeline(application)}
