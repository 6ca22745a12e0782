"""{% casework_panel case %} and {% case_timeline case %}: the case page (an applications view)
shows casework without importing it, as it does eligibility."""

from django import template

from resettle.accounts import roles
from resettle.accounts.permissions import can
from resettle.applications.selectors import case_members, opened_application
from resettle.casework import forms, selectors
from resettle.casework.models import ChangeStatus, DecisionState

register = template.Library()


@register.inclusion_tag("casework/_panel.html", takes_context=True)
def casework_panel(context, case):
    request = context["request"]
    user = request.user
    application = opened_application(user, case, context.get("application"))
    from resettle.policies.reports import case_evaluations, current_of
    from resettle.policies.services import assessable_fields

    # Each row set is read once and shared by the parts of the page that show it. The current
    # evaluation is for proposing a decision: a role that does not decide does not read it here.
    may_decide = can(user, roles.DECIDE)
    evaluation = current_of(case_evaluations(application)) if may_decide else None
    rows = _rows(application)
    decisions = rows.decisions
    pending = [d for d in decisions if d.state == DecisionState.PROPOSED]
    members = case_members(application)
    members_added = [m for m in members if m.added_on is not None]
    decided_members = {d.member_id for d in decisions if d.member_id and d.state in (DecisionState.CONFIRMED, DecisionState.PROPOSED)}
    may_edit = can(user, roles.CASE_EDIT)
    may_work = any(can(user, c) for c in (roles.CASE_EDIT, roles.DECIDE, roles.VERIFY))
    # links and flagged duplicates are shown only to those who work on the case (and edit it)
    links = list(application.links.select_related("other")) if may_work and "links" in rows.present else []
    return {
        "case": case, "application": application, "user": user, "csrf_token": context.get("csrf_token"),
        "actions": selectors.available_actions(user, application),
        "may_decide": may_decide, "may_approve": can(user, roles.APPROVE),
        "may_edit": may_edit, "may_identity": can(user, roles.PERSON_IDENTITY), "may_work": may_work,
        "decisions": decisions, "pending": pending,
        "propose_form": forms.ProposeForm(criteria_choices=selectors.criteria_choices(application, evaluation))
        if may_decide else None, "evaluation": evaluation,
        "undecided_members": [m for m in members_added if m.pk not in decided_members],
        "requests": rows.requests, "changes": rows.changes, "reported": ChangeStatus.REPORTED,
        "documents": rows.documents,
        "households": list(application.household_versions.order_by("number")),
        "members": members,
        "links": links,
        "duplicates": _flagged_duplicates(user, application, linked={link.other_id for link in links})
        if may_edit and may_work and "duplicates" in rows.present else [],
        "assigned": list(application.assigned_to.values_list("username", flat=True))
        if "assigned" in rows.present else [],
        "fact_form": _fact_form_parts(assessable_fields()) if may_decide else None,
        "request_form": forms.RequestForm(), "change_form": forms.ChangeReportForm(), "note_form": forms.NoteForm(),
        "document_form": forms.DocumentForm(), "assign_form": forms.AssignForm(), "link_form": forms.LinkForm(),
        "letter_languages": forms.LetterForm.base_fields["language"].choices,
    }


def _fact_form_parts(fields) -> tuple:
    """The fact form around its member choice: the fields before and after it are the same HTML
    on every case (so form_as_p keeps it), while the member choice, different on each case, is
    written by the template from the form's own member field (its label and help text, the third
    part). Rendered whole, the form cost a decision maker's case page about 5 ms of widget
    templates on every case. The view validates with the whole FactForm."""
    before, after = forms.FactForm(fields=fields), forms.FactForm(fields=fields)
    for name in ("member", "reason"):
        del before.fields[name]
    for name in ("field", "value", "member"):
        del after.fields[name]
    return before, after, forms.FactForm.base_fields["member"]


def _flagged_duplicates(user, application, *, linked: set):
    """Applications the matcher thinks come from the same person, for a caseworker to merge or
    link (only those the user may reach; not already linked)."""
    from resettle.applications.selectors import case_scope
    from resettle.verification.models import DuplicateLink

    rows = list(DuplicateLink.objects.filter(application=application).exclude(other_id__in=linked)
                .select_related("other").order_by("-probability"))
    if rows:  # most cases have none: the scope is asked only about the few flagged
        reachable = set(case_scope(user).filter(pk__in=[r.other_id for r in rows]).values_list("pk", flat=True))
        rows = [r for r in rows if r.other_id in reachable]
    return [{"other": r.other, "probability": r.probability, "kind": r.kind} for r in rows]


@register.inclusion_tag("casework/_timeline.html", takes_context=True)
def case_timeline(context, case):
    user = context["request"].user
    application = opened_application(user, case, context.get("application"))
    return {"entries": selectors.timeline(application, rows=_rows(application))}


def _rows(application):
    """The panel and the timeline show the same rows: read them once for the page. Kept on the
    row the page opened for this request, so nothing outlives the request."""
    rows = getattr(application, "_case_page_rows", None)
    if rows is None:
        rows = application._case_page_rows = selectors.case_rows(application)
    return rows

