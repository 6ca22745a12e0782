"""The one place the portal calls the case lifecycle (resettle/casework) for the applicant.

Everything the applicant does to a submitted case (answer a request, upload a document, report a
change, withdraw, ask for reconsideration) goes through casework's services with actor=None,
which means "the applicant, through the portal". Casework's refusals carry English staff
wording; the portal shows its own translated words instead (see views), so they are caught here
as one type."""

from __future__ import annotations

import datetime as dt

from resettle.casework.documents import DocumentRefused
from resettle.casework.lifecycle import TransitionRefused
from resettle.casework.selectors import open_information_requests
from resettle.casework.services import (case_transition, check_transition, circumstance_change_report,
                                        document_upload, information_request_answer)

_REFUSALS = (TransitionRefused, DocumentRefused)


class Refused(Exception):
    """Casework refused what the applicant sent (closed request, bad file, closed case)."""


def open_requests(application) -> list:
    """Questions put to the applicant (not to a referee), with their deadline; no staff names."""
    return [r for r in open_information_requests(application) if r.addressed_to == "applicant"]


def answer(*, application, request_id: str, text: str, files: list) -> None:
    request = next((r for r in open_requests(application) if str(r.pk) == request_id), None)
    if request is None:  # not this applicant's, or no longer open: the same answer either way
        raise Refused("no such open request")
    try:
        information_request_answer(request=request, text=text, files=files, actor=None)
    except _REFUSALS as exc:
        raise Refused(str(exc)) from exc


def upload(*, application, upload, kind: str) -> None:
    try:
        document_upload(application=application, upload=upload, kind=kind, actor=None)
    except _REFUSALS as exc:
        raise Refused(str(exc)) from exc


def report_change(*, application, kind: str, details: str, effective_on: dt.date | None) -> None:
    try:
        circumstance_change_report(application=application, kind=kind, details=details,
                                   effective_on=effective_on, actor=None)
    except _REFUSALS as exc:
        raise Refused(str(exc)) from exc


# What the applicant may do to the case itself, in the order the page offers them.
APPLICANT_ACTIONS = ("request_reconsideration", "withdraw")


def applicant_actions(application) -> list[str]:
    """The applicant-allowed moves open at the case's stage now."""
    allowed = []
    for action in APPLICANT_ACTIONS:
        try:
            check_transition(application=application, action=action, actor=None)
        except _REFUSALS:
            continue
        allowed.append(action)
    return allowed


def act(*, application, action: str) -> None:
    """Withdraw, or ask for reconsideration. The reason is fixed: what the applicant types belongs
    in a document or a change report (sealed), not in the plain audit trail."""
    if action not in applicant_actions(application):
        raise Refused("not open at this stage")
    try:
        case_transition(application=application, action=action, actor=None,
                        reason="asked by the applicant through the portal")
    except _REFUSALS as exc:
        raise Refused(str(exc)) from exc
