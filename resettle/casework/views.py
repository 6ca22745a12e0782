"""Casework screens: queues, the dashboard of clocks, and the forms on the case page.

Views parse the form, call one service and say what happened: every success and every refusal
becomes a message on the page it returns to (a refused move never reloads silently).
"""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from resettle.accounts import roles
from resettle.accounts.models import Team
from resettle.accounts.permissions import require
from resettle.applications.models import Application, Member
from resettle.applications.selectors import get_application
from resettle.applications.services import MemberIn
from resettle.audit.services import record_event
from resettle.casework import documents as document_store
from resettle.casework import forms, selectors, services
from resettle.casework.models import CircumstanceChange, Decision, Document, InformationRequest
from resettle.core.locking import ConcurrentEditError
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn

_ERRORS = (services.TransitionRefused, ConcurrentEditError, document_store.DocumentRefused, ValueError)


def _back(application_id):
    return redirect("applications:detail", application_id=application_id)


def case_action(view):
    """POST only; the case must be one the user may open; refusals become messages."""

    @require_POST
    @wraps(view)
    def wrapper(request, application_id):
        application = get_application(request.user, application_id)
        try:
            text = view(request, application)
        except services.TransitionForbidden as exc:
            messages.error(request, f"Refused: {exc}")
        except _ERRORS as exc:
            messages.error(request, f"Not done: {exc}")
        else:
            if text:
                messages.success(request, text)
        return _back(application.pk)

    return wrapper


def _cleaned(form) -> dict:
    """The form's data, or a refusal naming each field and what is wrong with it."""
    if not form.is_valid():
        raise ValueError("; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()))
    return form.cleaned_data


def _on_case(model, pk, application, what: str):
    found = model.objects.filter(pk=pk, application=application).first()
    if found is None:
        raise ValueError(f"no such {what} on this case")
    return found


@case_action
def transition(request, application):
    d = _cleaned(forms.TransitionForm(request.POST))
    change = services.case_transition(application=application, action=d["action"], actor=request.user,
                                      reason=d["reason"], expected_version=d["version"])
    return f"{application.reference} moved to '{change.get_to_stage_display()}'."


@case_action
def propose(request, application):
    d = _cleaned(forms.ProposeForm(request.POST, criteria_choices=selectors.criteria_choices(application)))
    member = Member.objects.filter(pk=d["member"], application=application).first() if d["member"] else None
    decision = services.decision_propose(application=application, actor=request.user, outcome=d["outcome"],
                                         reasons=d["reasons"], criteria_ids=d["criteria"],
                                         reconsideration_info=d["reconsideration_info"], member=member,
                                         expected_version=d["version"])
    return f"Proposed: {decision.get_outcome_display().lower()}. A second decision maker must now confirm it."


@case_action
def review(request, application):
    d = _cleaned(forms.ReviewForm(request.POST))
    decision = _on_case(Decision, d["decision"], application, "decision")
    if d["verdict"] == "confirm":
        decision = services.decision_confirm(decision=decision, actor=request.user, note=d["note"])
        return f"Confirmed: {decision.get_outcome_display().lower()}."
    services.decision_return(decision=decision, actor=request.user, note=d["note"])
    return "Sent back for assessment."


@case_action
def request_create(request, application):
    d = _cleaned(forms.RequestForm(request.POST))
    r = services.information_request_create(application=application, actor=request.user, question=d["question"],
                                            deadline=d["deadline"], addressed_to=d["addressed_to"])
    return f"Request for information sent; deadline {r.deadline:%Y-%m-%d}."


@case_action
def request_answer(request, application):
    d = _cleaned(forms.AnswerForm(request.POST))
    r = _on_case(InformationRequest, d["request"], application, "request")
    services.information_request_answer(request=r, text=d["answer"], actor=request.user)
    return "Answer recorded."


@case_action
def change_report(request, application):
    d = _cleaned(forms.ChangeReportForm(request.POST))
    services.circumstance_change_report(application=application, kind=d["kind"], details=d["details"],
                                        effective_on=d["effective_on"], actor=request.user)
    return "Change of circumstances recorded; it waits in the changes queue."


@case_action
def change_handle(request, application):
    d = _cleaned(forms.ChangeHandleForm(request.POST))
    change = _on_case(CircumstanceChange, d["change"], application, "change")
    if d["verdict"] == "reject":
        services.circumstance_change_reject(change=change, actor=request.user, reason=d["reason"])
        return "Change not accepted."
    new_member = member = None
    if d["full_name"]:
        birth = parse_birth_date(d["birth_date"]) if d["birth_date"] else None
        new_member = MemberIn(person=PersonIn(full_name=d["full_name"], father_name=d["father_name"], birth_date=birth,
                                              gender=d["gender"] or "unknown"),
                              relationship=d["relationship"] or "spouse", dependent=True)
    if d["member"]:
        member = Member.objects.filter(pk=d["member"], application=application).first()
    services.circumstance_change_accept(change=change, actor=request.user, new_member=new_member, member=member,
                                        reason=d["reason"])
    return "Change accepted: the household has a new version."


@case_action
def note_add(request, application):
    d = _cleaned(forms.NoteForm(request.POST))
    services.note_add(application=application, actor=request.user, text=d["text"])
    return "Note added."


@case_action
def document_add(request, application):
    d = _cleaned(forms.DocumentForm(request.POST, request.FILES))
    doc = services.document_upload(application=application, upload=d["file"],
                                   kind=d["kind"], actor=request.user)
    return f"Document stored ({doc.size:,} bytes, sealed)."


@case_action
def letter(request, application):
    d = _cleaned(forms.LetterForm(request.POST))
    decision = _on_case(Decision, d["decision"], application, "decision")
    services.letter_generate(decision=decision, actor=request.user, language=d["language"])
    return "Letter generated and stored with the case's documents."


@case_action
def assign(request, application):
    d = _cleaned(forms.AssignForm(request.POST))
    names = [n.strip() for n in d["users"].split(",") if n.strip()]
    users = list(get_user_model().objects.filter(username__in=names, is_active=True))
    missing = set(names) - {u.username for u in users}
    if missing:
        raise ValueError(f"no active user {', '.join(sorted(missing))}")
    team = None
    if d["team"]:
        team = Team.objects.filter(name=d["team"]).first()
        if team is None:
            raise ValueError(f"no team {d['team']!r}")
    services.case_assign(application=application, actor=request.user, users=users, team=team, reason=d["reason"])
    return "Assignment saved."


@case_action
def link(request, application):
    d = _cleaned(forms.LinkForm(request.POST))
    other = Application.objects.filter(reference__iexact=d["other_reference"].strip()).first()
    if other is None:
        raise ValueError("no case with that reference that you may open")
    other = get_application(request.user, other.pk)
    services.case_link(application=application, other=other, actor=request.user, kind=d["kind"], reason=d["reason"])
    return "Cases linked." if d["kind"] == "related" else f"{other.reference} merged into this case (both histories kept)."


@case_action
def fact(request, application):
    from resettle.policies.services import assessable_fields, member_fields, record_assessed_fact

    d = _cleaned(forms.FactForm(request.POST, fields=assessable_fields(), members=application.members.all()))
    member = None
    if d["field"] in member_fields():
        if not d["member"]:
            raise ValueError(f"{d['field'].replace('_', ' ')} is about one family member: choose the member")
        member = _on_case(Member, d["member"], application, "member")
    record_assessed_fact(application=application, actor=request.user, field=d["field"], value=d["value"],
                         reason=d["reason"], member=member)
    return f"Recorded: {d['field'].replace('_', ' ')} = {d['value']}. Evaluate again before deciding."


def document_download(request, application_id, document_id):
    application = get_application(request.user, application_id)
    require(request.user, roles.PERSON_IDENTITY, target=application)
    doc = Document.objects.filter(pk=document_id, application=application).first()
    if doc is None:
        raise Http404("no such document")
    data = document_store.read(doc)
    record_event(actor=request.user, action="document.downloaded", target=application,
                 details={"document": str(doc.pk), "kind": doc.kind})
    response = HttpResponse(data, content_type=doc.content_type)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(doc.content_type, "bin")
    # The stored name may name the person: the download gets a neutral one.
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-{doc.kind}-{str(doc.pk)[:8]}.{extension}"'
    response["Cache-Control"] = "no-store"
    return response


def queues(request):
    available = selectors.queues_for(request.user)
    if not available:
        raise PermissionDenied("Your role works from no case queue.")
    key = request.GET.get("q") or available[0].key
    if key not in {q.key for q in available}:
        raise PermissionDenied("That queue is not one your role works from.")
    sort = request.GET.get("sort", "waiting")
    cases = selectors.queue(request.user, key, pathway=request.GET.get("pathway", ""),
                            team=request.GET.get("team", ""), sort=sort)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "casework/queues.html", {
        "tabs": [(q, n) for q, n in zip(available, selectors.queue_counts(request.user).values())],
        "current": selectors.QUEUES[key], "page": page, "sort": sort, "now": dt.datetime.now(dt.timezone.utc)})
