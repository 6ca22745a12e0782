"""Every change to a case's progress: moves between stages, decisions by two people,
requests for information, changes of circumstances, notes, documents, assignment and links.

One function per change. Each checks the actor before its transaction opens (so the audit entry
of a refusal is not rolled back with it), then writes its rows and its audit event together.
`case_transition` is the only writer of `Application.status`; the moves it allows are the table
in resettle.casework.lifecycle. actor=None means the applicant, through the portal.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from resettle.accounts import roles
from resettle.accounts.access import require_case_access
from resettle.accounts.permissions import can, capabilities_of
from resettle.applications.models import Application, Member, Relationship, VerificationStatus
from resettle.applications.models import Status as Stage
from resettle.applications.services import MemberIn, member_add
from resettle.audit.services import record_event
from resettle.casework import documents as document_store
from resettle.casework import lifecycle
from resettle.casework.lifecycle import TransitionForbidden, TransitionRefused
from resettle.casework.models import (
    CaseLink,
    ChangeKind,
    ChangeStatus,
    CircumstanceChange,
    Decision,
    DecisionOutcome,
    DecisionState,
    Document,
    HouseholdVersion,
    InformationRequest,
    Note,
    RequestStatus,
    StatusChange,
)
from resettle.core.locking import ConcurrentEditError, claim_version
from resettle.policies.selectors import current_evaluation

_clock: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("casework_clock", default=None)


def _now() -> dt.datetime:
    return _clock.get() or timezone.now()


@contextlib.contextmanager
def backdated(at: dt.datetime):
    """Write casework rows as of `at`: for bringing over a case's history from another system,
    and for the demo world. Screens and the API never use it; the audit log keeps real times."""
    token = _clock.set(at)
    try:
        yield
    finally:
        _clock.reset(token)


# The UK scheme gives 42 days to answer a request for information (domain-sources.md, ARAP).
REQUEST_DAYS = 42
RECONSIDERATION_TEXT = (
    "You may ask for this decision to be reconsidered, for example if you have new evidence of your "
    "employment or your circumstances. Reply through the applicant portal with your reference, or write "
    "to us quoting it. A decision maker who did not take this decision will look at it again.")


# --- preconditions -----------------------------------------------------------------------------

def _has_claims(application: Application) -> str | None:
    if not application.claimed_employment.exists():
        return "no employment is claimed on this case: there is nothing to verify; assess it directly"
    return None


def _claims_decided(application: Application) -> str | None:
    pending = application.claimed_employment.filter(verification_status=VerificationStatus.UNVERIFIED).count()
    if pending:
        return (f"{pending} claimed employment still unverified: a Defence Force verifier must confirm or "
                "reject each one first")
    return None


def _evaluation_current(application: Application) -> str | None:
    evaluation = current_evaluation(application)
    if evaluation is None:
        return "the case has not been evaluated under its policy: evaluate it first"
    if _changed_since(application, evaluation.created_at):
        return "the facts changed since the last evaluation (a verification, a fact or the household): evaluate again"
    return None


def _changed_since(application: Application, when: dt.datetime) -> bool:
    """Anything an evaluation reads written after it: a verification decision, an assessed fact
    or a household change. (Compared by time, not by a digest of the facts, because a policy
    reads only the facts it declares: the policies app decides that, not casework.)"""
    from resettle.policies.models import AssessedFact
    from resettle.verification.models import VerificationDecision

    return (VerificationDecision.objects.filter(application=application, decided_at__gt=when).exists()
            or AssessedFact.objects.filter(application=application, recorded_at__gt=when).exists()
            or HouseholdVersion.objects.filter(application=application, number__gt=1, created_at__gt=when).exists())


CHECKS: dict[str, Callable[[Application], str | None]] = {
    "has_claims": _has_claims,
    "claims_decided": _claims_decided,
    "evaluation_current": _evaluation_current,
    "second_person": lambda application: None,  # checked against the decision, in decision_confirm
}
lifecycle.check_table(CHECKS)


def _refuse(actor, application, action: str, message: str, *, forbidden: bool = False):
    # A move the role may not make is probing worth knowing about, like any other refusal.
    record_event(actor=actor, action="access.denied" if forbidden else "case.transition_refused", target=application,
                 details={"action": action, "stage": application.status, "why": message[:200]})
    raise (TransitionForbidden if forbidden else TransitionRefused)(message)


def check_transition(*, application: Application, action: str, actor) -> lifecycle.Transition:
    """Who may and what must hold, without moving anything (screens use it to offer buttons)."""
    transition = lifecycle.TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(f"unknown action {action!r}")
    # Who may comes first: a role that may never make this move is told so, whatever the stage.
    if actor is None:
        if not transition.applicant_may:
            raise TransitionForbidden(f"'{transition.label}' is for staff only")
    else:
        capability = lifecycle.capability_for(transition, application.status, capabilities_of(actor))
        if capability is None:
            raise TransitionForbidden(f"your role may not '{transition.label}'")
        require_case_access(actor, application, capability)
    lifecycle.transition_for(application.status, action)
    for name in transition.needs:
        problem = CHECKS[name](application)
        if problem:
            raise TransitionRefused(problem)
    return transition


def case_transition(*, application: Application, action: str, actor, reason: str = "",
                    expected_version: int | None = None, via: str | None = None,
                    _from_decision: bool = False) -> StatusChange:
    """Move a case to its next stage, or refuse with a reason a caseworker can act on."""
    try:
        transition = check_transition(application=application, action=action, actor=actor)
    except TransitionRefused as exc:
        _refuse(actor, application, action, str(exc), forbidden=isinstance(exc, TransitionForbidden))
    except PermissionDenied:
        raise
    if transition.via_decision and not _from_decision:
        _refuse(actor, application, action, "decisions are proposed and confirmed on the decision form")
    with transaction.atomic():
        return _move(application, transition, actor, reason, expected_version, via)


def _move(application, transition, actor, reason, expected_version, via) -> StatusChange:
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if fresh.status not in transition.sources:
        raise TransitionRefused(f"the case moved on to '{fresh.get_status_display()}' meanwhile: reload")
    claim_version(fresh, expected_version if expected_version is not None else fresh.version)
    now = _now()
    since = fresh.status_since
    change = StatusChange.objects.create(
        application=fresh, from_stage=fresh.status, to_stage=transition.target, action=transition.action,
        actor=actor, via=via or ("portal" if actor is None else "staff"), at=now, reason=reason,
        seconds_in_from_stage=int((now - since).total_seconds()) if since else None)
    fresh.status, fresh.status_since = transition.target, now
    fresh.save(update_fields=["status", "status_since"])
    record_event(actor=actor, action="case.transition", target=fresh, reason=reason,
                 details={"action": transition.action, "from": change.from_stage, "to": change.to_stage,
                          "via": change.via})
    application.status, application.status_since, application.version = fresh.status, now, fresh.version
    return change


def case_received(*, application: Application, actor=None, at: dt.datetime | None = None, via: str = "staff") -> StatusChange:
    """The first row of every case's history (written when a case is created or imported). A case
    imported from a file was received on its received_on date, not when the file was loaded: the
    clocks count from receipt."""
    if at is None:
        at = _now()
        received = dt.datetime.combine(application.received_on, dt.time(12), tzinfo=timezone.get_current_timezone())
        at = min(at, received)
    change = StatusChange.objects.create(application=application, from_stage="", to_stage=Stage.RECEIVED,
                                         action="receive", actor=actor, via=via, at=at)
    Application.objects.filter(pk=application.pk).update(status_since=at)
    application.status_since = at
    household_snapshot(application=application, actor=actor, reason="received", valid_from=application.received_on)
    return change


def on_application_created(sender, *, application, actor, via, **kwargs) -> None:
    case_received(application=application, actor=actor, via=via)


def on_claim_decided(sender, *, application, actor, **kwargs) -> None:
    """Verification joins the lifecycle: the last claim decided moves a case in verification on
    to assessment, as the verifier who decided it."""
    application.refresh_from_db()
    if application.status != Stage.VERIFICATION or _claims_decided(application):
        return
    try:
        case_transition(application=application, action="start_assessment", actor=actor,
                        reason="every claimed employment verified")
    except (TransitionRefused, PermissionDenied):
        pass  # the case stays in verification; the verifier's page shows its stage


# --- decisions -----------------------------------------------------------------------------------

class DecisionError(TransitionRefused):
    pass


def _cited(evaluation, criteria_ids: Iterable[str] | None) -> list[dict]:
    rows = (evaluation.criteria or {}).get("criteria", [])
    chosen = set(criteria_ids or [])
    return [{"id": c.get("id"), "status": c.get("status"), "label": c.get("label") or c.get("description") or c.get("id")}
            for c in rows if not chosen or c.get("id") in chosen]


def decision_propose(*, application: Application, actor, outcome: str, reasons: str,
                     criteria_ids: Iterable[str] | None = None, reconsideration_info: str = "",
                     member: Member | None = None, expected_version: int | None = None) -> Decision:
    """A decision maker proposes approve or decline, resting on the current evaluation. For a case
    it moves to `decision_proposed`; for a member added after approval the case stays where it is."""
    if outcome not in DecisionOutcome.values:
        raise DecisionError(f"outcome must be {' or '.join(DecisionOutcome.values)}")
    if outcome == DecisionOutcome.DECLINE and not reasons.strip():
        raise DecisionError("a decline states its reasons: they are what the applicant and any reconsideration read")
    if member is None:
        check_transition(application=application, action="propose_decision", actor=actor)
    else:
        require_case_access(actor, application, roles.DECIDE)
        if member.application_id != application.pk:
            raise DecisionError("that member is not on this case")
        if application.status not in (Stage.APPROVED, Stage.RELOCATION):
            raise DecisionError("a member is decided alone only after the case is approved; otherwise the case decision covers them")
        if Decision.objects.filter(member=member, state=DecisionState.PROPOSED).exists():
            raise DecisionError("a decision on this member is already awaiting confirmation")
        problem = _evaluation_current(application)
        if problem:
            raise DecisionError(problem)
    evaluation = current_evaluation(application)
    with transaction.atomic():
        if member is None and Decision.objects.select_for_update().filter(
                application=application, member=None, state=DecisionState.PROPOSED).exists():
            raise DecisionError("a decision is already awaiting confirmation")
        decision = Decision.objects.create(
            application=application, member=member, outcome=outcome, evaluation=evaluation,
            policy_id=evaluation.policy_id, version_id=evaluation.version_id,
            criteria_cited=_cited(evaluation, criteria_ids), reasons=reasons.strip(),
            reconsideration_info=(reconsideration_info.strip() or RECONSIDERATION_TEXT)
            if outcome == DecisionOutcome.DECLINE else "",
            proposed_by=actor, proposed_at=_now())
        record_event(actor=actor, action="decision.proposed", target=application,
                     details={"decision": str(decision.pk), "outcome": outcome, "member": str(member.pk) if member else None,
                              "evaluation": str(evaluation.pk), "policy": f"{evaluation.policy_id}@{evaluation.version_id}"})
        if member is None:
            _move(application, lifecycle.TRANSITIONS["propose_decision"], actor,
                  f"{outcome} proposed", expected_version, None)
    return decision


def _check_reviewer(decision: Decision, actor, action: str) -> None:
    require_case_access(actor, decision.application, roles.APPROVE)
    if decision.state != DecisionState.PROPOSED:
        raise DecisionError(f"this decision is {decision.get_state_display().lower()}, not awaiting confirmation")
    if decision.proposed_by_id == getattr(actor, "pk", None):
        _refuse(actor, decision.application, action,
                "a decision needs a second decision maker: you proposed this one, so someone else must confirm it",
                forbidden=True)


def decision_confirm(*, decision: Decision, actor, note: str = "") -> Decision:
    """The second decision maker confirms. The case becomes approved or declined (or, for a
    member decided alone, the member's decision takes effect) and earlier decisions are superseded."""
    _check_reviewer(decision, actor, "confirm_decision")
    application = decision.application
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.state != DecisionState.PROPOSED:
            raise DecisionError("this decision was handled meanwhile: reload")
        earlier = Decision.objects.filter(application=application, member=decision.member,
                                          state=DecisionState.CONFIRMED)
        superseded = earlier.order_by("-confirmed_at").first()
        earlier.update(state=DecisionState.SUPERSEDED)
        locked.state, locked.confirmed_by, locked.confirmed_at = DecisionState.CONFIRMED, actor, _now()
        locked.review_note, locked.supersedes = note.strip(), superseded
        locked.save(update_fields=["state", "confirmed_by", "confirmed_at", "review_note", "supersedes"])
        record_event(actor=actor, action="decision.confirmed", target=application,
                     details={"decision": str(locked.pk), "outcome": locked.outcome,
                              "member": str(locked.member_id) if locked.member_id else None,
                              "supersedes": str(superseded.pk) if superseded else None})
        if locked.member_id is None:
            action = "approve" if locked.outcome == DecisionOutcome.APPROVE else "decline"
            _move(application, lifecycle.TRANSITIONS[action], actor, note or f"{locked.outcome} confirmed", None, None)
    return locked


def decision_return(*, decision: Decision, actor, note: str) -> Decision:
    """The second decision maker sends a proposal back for more assessment, saying why."""
    if not note.strip():
        raise DecisionError("say why the proposal goes back: the proposer needs to know what to look at")
    _check_reviewer(decision, actor, "return_decision")
    with transaction.atomic():
        locked = Decision.objects.select_for_update().get(pk=decision.pk)
        if locked.state != DecisionState.PROPOSED:
            raise DecisionError("this decision was handled meanwhile: reload")
        locked.state, locked.review_note = DecisionState.RETURNED, note.strip()
        locked.save(update_fields=["state", "review_note"])
        record_event(actor=actor, action="decision.returned", target=locked.application, reason=note.strip(),
                     details={"decision": str(locked.pk)})
        if locked.member_id is None:
            _move(locked.application, lifecycle.TRANSITIONS["return_decision"], actor, note.strip(), None, None)
    return locked


# --- requests for information --------------------------------------------------------------------

def _require_caseworker(actor, application) -> None:
    capability = next((c for c in (roles.CASE_EDIT, roles.DECIDE, roles.VERIFY) if can(actor, c)), roles.CASE_EDIT)
    require_case_access(actor, application, capability)


def information_request_create(*, application: Application, actor, question: str,
                               deadline: dt.date | None = None, addressed_to: str = "applicant") -> InformationRequest:
    if not question.strip():
        raise TransitionRefused("write the question the applicant must answer")
    _require_caseworker(actor, application)
    if application.status in lifecycle.TERMINAL_STAGES:
        raise TransitionRefused("this case is closed")
    today = timezone.localdate(_now())
    deadline = deadline or today + dt.timedelta(days=REQUEST_DAYS)
    if deadline < today:
        raise TransitionRefused("the deadline is in the past")
    with transaction.atomic():
        request = InformationRequest(application=application, question=question.strip()[:4000], deadline=deadline,
                                     addressed_to=addressed_to, created_by=actor, created_at=_now())
        request.save()
        record_event(actor=actor, action="information_request.created", target=application,
                     details={"request": str(request.pk), "deadline": deadline.isoformat(), "to": addressed_to})
    return request


def information_request_answer(*, request: InformationRequest, text: str, files: Iterable = (), actor=None) -> InformationRequest:
    """The applicant (portal, actor None) or a caseworker on their behalf answers. A lapsed
    request can still be answered: lapsing only queues the case for a person to look at."""
    if actor is not None:
        _require_caseworker(actor, request.application)
    if request.status in (RequestStatus.ANSWERED, RequestStatus.CANCELLED):
        raise TransitionRefused("this request is no longer open")
    if not text.strip() and not list(files):
        raise TransitionRefused("write an answer or attach a document")
    files = list(files)
    with transaction.atomic():
        locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
        locked.answer, locked.status = text.strip()[:8000], RequestStatus.ANSWERED
        locked.answered_at, locked.answered_via = _now(), "portal" if actor is None else "staff"
        locked.save(update_fields=["answer", "status", "answered_at", "answered_via"])
        for upload in files:
            _store_document(application=locked.application, upload=upload, kind="other", actor=actor, request=locked)
        record_event(actor=actor, action="information_request.answered", target=locked.application,
                     details={"request": str(locked.pk), "documents": len(files), "via": locked.answered_via})
    return locked


def information_requests_lapse(*, today: dt.date | None = None, remind_days: int = 7) -> tuple[int, int]:
    """Mark requests past their deadline as lapsed (they go to the lapsed queue) and count a
    reminder on those due within `remind_days`. Run by `resettle casework-clock` and the worker."""
    today = today or timezone.localdate(_now())
    now = _now()
    lapsed = reminded = 0
    with transaction.atomic():
        for request in InformationRequest.objects.select_for_update().filter(status=RequestStatus.OPEN, deadline__lt=today):
            request.status, request.lapsed_at = RequestStatus.LAPSED, now
            request.save(update_fields=["status", "lapsed_at"])
            record_event(actor=None, action="information_request.lapsed", target=request.application,
                         details={"request": str(request.pk), "deadline": request.deadline.isoformat()})
            lapsed += 1
        due = InformationRequest.objects.select_for_update().filter(
            status=RequestStatus.OPEN, deadline__lte=today + dt.timedelta(days=remind_days), reminders_sent=0)
        for request in due:
            request.reminders_sent, request.last_reminder_at = request.reminders_sent + 1, now
            request.save(update_fields=["reminders_sent", "last_reminder_at"])
            record_event(actor=None, action="information_request.reminded", target=request.application,
                         details={"request": str(request.pk), "deadline": request.deadline.isoformat()})
            reminded += 1
    return lapsed, reminded


def information_request_cancel(*, request: InformationRequest, actor, reason: str) -> InformationRequest:
    _require_caseworker(actor, request.application)
    with transaction.atomic():
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status"])
        record_event(actor=actor, action="information_request.cancelled", target=request.application, reason=reason,
                     details={"request": str(request.pk)})
    return request


# --- household and changes of circumstances ------------------------------------------------------

def _household(application: Application, on: dt.date | None = None) -> list[dict]:
    members = application.members.all().order_by("position")
    return [{"member": str(m.pk), "person": str(m.person_id), "relationship": m.relationship, "dependent": m.dependent}
            for m in members if m.left_household_on is None or (on is not None and m.left_household_on > on)]


def household_snapshot(*, application: Application, actor, reason: str, valid_from: dt.date,
                       change: CircumstanceChange | None = None) -> HouseholdVersion:
    last = application.household_versions.order_by("-number").values_list("number", flat=True).first() or 0
    return HouseholdVersion.objects.create(application=application, number=last + 1, valid_from=valid_from,
                                           members=_household(application), reason=reason[:200], change=change,
                                           created_by=actor, created_at=_now())


def household_on(application: Application, on: dt.date) -> HouseholdVersion | None:
    """Who was in the household on a date."""
    return application.household_versions.filter(valid_from__lte=on).order_by("-valid_from", "-number").first()


def circumstance_change_report(*, application: Application, kind: str, details: str, actor=None,
                               effective_on: dt.date | None = None) -> CircumstanceChange:
    """Anyone may report a change at any stage, even after approval: it lands on the case for a
    caseworker (the applicant through the portal: actor None)."""
    if kind not in ChangeKind.values:
        raise TransitionRefused(f"kind must be one of {', '.join(ChangeKind.values)}")
    if actor is not None:
        _require_caseworker(actor, application)
    if application.status in lifecycle.TERMINAL_STAGES:
        raise TransitionRefused("this case is closed: a change of circumstances needs a new application")
    with transaction.atomic():
        change = CircumstanceChange(application=application, kind=kind, details=details.strip()[:4000],
                                    effective_on=effective_on, reported_at=_now(),
                                    reported_via="portal" if actor is None else "staff", reported_by=actor)
        change.save()
        record_event(actor=actor, action="circumstance_change.reported", target=application,
                     details={"change": str(change.pk), "kind": kind, "via": change.reported_via})
    return change


_JOINING = {ChangeKind.MARRIAGE: Relationship.SPOUSE, ChangeKind.BIRTH: Relationship.CHILD}
_LEAVING = {ChangeKind.DEATH, ChangeKind.DIVORCE}


def circumstance_change_accept(*, change: CircumstanceChange, actor, new_member: MemberIn | None = None,
                               member: Member | None = None, reason: str = "") -> CircumstanceChange:
    """A caseworker accepts a change: a member joins (marriage, birth) or leaves (death, divorce)
    the household, or a dependant's status changes (turned 18 / 25). The household gets a new
    version; the case's evaluation is then out of date, so an undecided case is re-evaluated at
    decision, and an approved case needs a decision on the new member alone (the rest of the case
    stands: in 2013 one interpreter's new wife waited a year because a record could not change)."""
    application = change.application
    require_case_access(actor, application, roles.CASE_EDIT)
    if change.status != ChangeStatus.REPORTED:
        raise TransitionRefused("this change was already handled")
    effective = change.effective_on or timezone.localdate(_now())
    with transaction.atomic():
        if change.kind in _JOINING:
            if new_member is None:
                raise TransitionRefused("give the new member's details")
            if new_member.relationship == Relationship.PRINCIPAL:
                raise TransitionRefused("a new member cannot be the principal")
            member = member_add(application=application, data=new_member, actor=actor, added_on=effective)
        elif change.kind in _LEAVING or change.kind in (ChangeKind.TURNED_18, ChangeKind.TURNED_25):
            if member is None or member.application_id != application.pk:
                raise TransitionRefused("choose the member this change is about")
            if member.relationship == Relationship.PRINCIPAL and change.kind in _LEAVING:
                raise TransitionRefused("the principal cannot leave the case; withdraw it instead")
            if change.kind in _LEAVING:
                member.left_household_on = effective
                member.save(update_fields=["left_household_on"])
            else:
                member.dependent = None  # to be assessed again: adult children are dependent case by case
                member.save(update_fields=["dependent"])
        change.status, change.handled_by, change.handled_at, change.member = (
            ChangeStatus.ACCEPTED, actor, _now(), member)
        change.save(update_fields=["status", "handled_by", "handled_at", "member"])
        version = household_snapshot(application=application, actor=actor, valid_from=effective, change=change,
                                      reason=f"{change.get_kind_display()}: {reason}".strip(": "))
        record_event(actor=actor, action="circumstance_change.accepted", target=application, reason=reason,
                     details={"change": str(change.pk), "kind": change.kind, "household_version": version.number,
                              "member": str(member.pk) if member else None})
    return change


def circumstance_change_reject(*, change: CircumstanceChange, actor, reason: str) -> CircumstanceChange:
    require_case_access(actor, change.application, roles.CASE_EDIT)
    if not reason.strip():
        raise TransitionRefused("say why the change is not accepted")
    with transaction.atomic():
        change.status, change.handled_by, change.handled_at = ChangeStatus.REJECTED, actor, _now()
        change.save(update_fields=["status", "handled_by", "handled_at"])
        record_event(actor=actor, action="circumstance_change.rejected", target=change.application, reason=reason,
                     details={"change": str(change.pk)})
    return change


# --- notes, documents, assignment, links -------------------------------------------------------

def note_add(*, application: Application, actor, text: str) -> Note:
    if not text.strip():
        raise TransitionRefused("the note is empty")
    _require_caseworker(actor, application)
    with transaction.atomic():
        note = Note(application=application, text=text.strip()[:8000], author=actor, at=_now())
        note.save()
        record_event(actor=actor, action="note.added", target=application, details={"note": str(note.pk)})
    return note


def _store_document(*, application, upload, kind, actor, request=None, decision=None, language="") -> Document:
    stored = document_store.check_and_read(upload)
    doc = Document(application=application, kind=kind, file_name=stored.name, content_type=stored.content_type,
                   size=stored.size, sha256=stored.sha256, uploaded_by=actor,
                   uploaded_via="portal" if actor is None else ("system" if decision else "staff"),
                   uploaded_at=_now(), request=request, decision=decision, language=language)
    doc.save()
    document_store.write(doc, stored.data)
    doc.scan_status = document_store.scanner().scan(stored.data)
    doc.save(update_fields=["scan_status"])
    record_event(actor=actor, action="document.uploaded", target=application,
                 details={"document": str(doc.pk), "kind": kind, "size": stored.size, "type": stored.content_type,
                          "sha256": stored.sha256, "scan": doc.scan_status})
    return doc


def document_upload(*, application: Application, upload, kind: str, actor=None) -> Document:
    """Staff or the applicant (actor None) attach a file; type sniffed from its bytes, size
    limited, sealed at rest outside the web root."""
    from resettle.casework.models import DocumentKind

    if kind not in DocumentKind.values or kind == DocumentKind.DECISION_LETTER:
        raise TransitionRefused(f"kind must be one of the document kinds, not {kind!r}")
    if actor is not None:
        _require_caseworker(actor, application)
    with transaction.atomic():
        return _store_document(application=application, upload=upload, kind=kind, actor=actor)


def case_assign(*, application: Application, actor, users: Iterable = (), team=None, reason: str = "") -> Application:
    """Give a case to people and a team. Caseworkers and decision makers assign."""
    capability = roles.CASE_EDIT if can(actor, roles.CASE_EDIT) else roles.DECIDE
    require_case_access(actor, application, capability)
    users = list(users)
    with transaction.atomic():
        if team is not None:
            Application.objects.filter(pk=application.pk).update(team=team)
            application.team = team
        application.assigned_to.set(users)
        record_event(actor=actor, action="case.assigned", target=application, reason=reason,
                     details={"users": [u.pk for u in users], "team": getattr(team, "pk", None)})
    return application


def case_link(*, application: Application, other: Application, actor, kind: str, reason: str = "") -> CaseLink:
    """Link two cases. "same_person" merges: the other application is withdrawn as a duplicate of
    this one (both histories stay on both cases); "related" households travel together."""
    if application.pk == other.pk:
        raise TransitionRefused("a case cannot be linked to itself")
    if kind not in dict(CaseLink.KINDS):
        raise TransitionRefused("kind must be same_person or related")
    require_case_access(actor, application, roles.CASE_EDIT)
    require_case_access(actor, other, roles.CASE_EDIT)
    if kind == "same_person":
        check_transition(application=other, action="withdraw", actor=actor)
    with transaction.atomic():
        link, _ = CaseLink.objects.get_or_create(application=application, other=other, kind=kind,
                                                 defaults={"reason": reason, "created_by": actor,
                                                           "created_at": _now()})
        CaseLink.objects.get_or_create(application=other, other=application, kind=kind,
                                       defaults={"reason": reason, "created_by": actor, "created_at": _now()})
        record_event(actor=actor, action="case.linked", target=application, reason=reason,
                     details={"other": str(other.pk), "kind": kind})
        if kind == "same_person":
            Application.objects.filter(pk=other.pk).update(duplicate_of=application)
            _move(other, lifecycle.TRANSITIONS["withdraw"], actor, f"merged into {application.reference}", None, None)
    return link


# --- letters ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LetterFile:
    document: Document
    data: bytes


def letter_generate(*, decision: Decision, actor, language: str = "en") -> Document:
    """Render the decision letter as PDF in the applicant's language, store it sealed on the case
    and audit it. Only a confirmed decision has a letter."""
    from resettle.casework.letters import letter_pdf

    if decision.state not in (DecisionState.CONFIRMED, DecisionState.SUPERSEDED):
        raise DecisionError("only a confirmed decision has a letter")
    capability = roles.DECIDE if can(actor, roles.DECIDE) else roles.CASE_EDIT
    require_case_access(actor, decision.application, capability)
    name, data = letter_pdf(decision, language)
    upload = document_store.InMemory(name=name, data=data, content_type="application/pdf")
    with transaction.atomic():
        doc = _store_document(application=decision.application, upload=upload, kind="decision_letter", actor=actor,
                              decision=decision, language=language)
        record_event(actor=actor, action="letter.generated", target=decision.application,
                     details={"decision": str(decision.pk), "document": str(doc.pk), "language": language,
                              "sha256": hashlib.sha256(data).hexdigest()})
    return doc


__all__ = [
    "CHECKS", "ConcurrentEditError", "DecisionError", "TransitionForbidden", "TransitionRefused", "case_assign",
    "case_link", "case_received", "case_transition", "check_transition", "circumstance_change_accept",
    "circumstance_change_reject", "circumstance_change_report", "decision_confirm", "decision_propose",
    "decision_return", "document_upload", "household_on", "household_snapshot", "information_request_answer",
    "information_request_cancel", "information_request_create", "information_requests_lapse", "letter_generate",
    "note_add",
]
