"""The case lifecycle: every stage a case can be at and every move between them, in one table.

A plain declared table rather than django-fsm: the moves are few, each needs a capability and a
precondition that reads other apps' data (claims verified, evaluation current, two decision
makers), and a table a reviewer can read top to bottom (like cla_backend's event registry) is
easier to check than transitions spread over model methods. `check_table()` runs at start-up.
`resettle.casework.services.case_transition` is the only code that writes `Application.status`.

Stages: received -> verification -> assessment -> decision_proposed -> approved | declined;
approved -> relocation -> arrived -> closed; declined -> reconsideration -> assessment again
(or closed); withdrawn from any open stage. A proposed decision sent back by the second
decision maker returns to assessment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from resettle.accounts import roles
from resettle.applications.models import Status as Stage

OPEN_STAGES = frozenset(Stage.values) - {Stage.CLOSED, Stage.WITHDRAWN}
TERMINAL_STAGES = frozenset({Stage.CLOSED, Stage.WITHDRAWN})


class TransitionRefused(Exception):
    """A move that may not happen now: the message says why in words a caseworker can act on."""


class TransitionForbidden(TransitionRefused, PermissionDenied):
    """The actor's role may not make this move (also a PermissionDenied, so views answer 403)."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    capabilities: tuple[str, ...]  # any one of them allows the move
    label: str
    applicant_may: bool = False  # the applicant through the portal (actor None)
    via_decision: bool = False  # only through decision_propose / decision_confirm / decision_return
    stops_clock: bool = False  # the case waits on someone outside the department
    needs: tuple[str, ...] = ()  # names of precondition checks in resettle.casework.services.CHECKS


def _t(action, sources, target, capabilities, label, **kw) -> Transition:
    sources = frozenset([sources] if isinstance(sources, str) else sources)
    return Transition(action, sources, target, tuple(capabilities), label, **kw)


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    _t("start_verification", Stage.RECEIVED, Stage.VERIFICATION, [roles.CASE_EDIT],
       "Send for employment verification", needs=("has_claims",)),
    _t("start_assessment", [Stage.RECEIVED, Stage.VERIFICATION], Stage.ASSESSMENT, [roles.VERIFY, roles.CASE_EDIT],
       "Verification finished: assess eligibility", needs=("claims_decided",)),
    _t("propose_decision", Stage.ASSESSMENT, Stage.DECISION_PROPOSED, [roles.DECIDE],
       "Propose a decision", via_decision=True, needs=("claims_decided", "evaluation_current")),
    _t("approve", Stage.DECISION_PROPOSED, Stage.APPROVED, [roles.APPROVE],
       "Confirm the proposed approval", via_decision=True, needs=("second_person",)),
    _t("decline", Stage.DECISION_PROPOSED, Stage.DECLINED, [roles.APPROVE],
       "Confirm the proposed decline", via_decision=True, needs=("second_person",)),
    _t("return_decision", Stage.DECISION_PROPOSED, Stage.ASSESSMENT, [roles.APPROVE],
       "Send the proposal back for assessment", via_decision=True, needs=("second_person",)),
    _t("request_reconsideration", Stage.DECLINED, Stage.RECONSIDERATION, [roles.CASE_EDIT, roles.DECIDE],
       "Open a reconsideration", applicant_may=True),
    _t("reassess", Stage.RECONSIDERATION, Stage.ASSESSMENT, [roles.DECIDE, roles.CASE_EDIT],
       "Re-assess (new evidence or policy version)"),
    _t("start_relocation", Stage.APPROVED, Stage.RELOCATION, [roles.RELOCATION_MANAGE],
       "Start relocation"),
    _t("record_arrival", Stage.RELOCATION, Stage.ARRIVED, [roles.RELOCATION_MANAGE], "Record arrival"),
    _t("close", [Stage.ARRIVED, Stage.DECLINED], Stage.CLOSED, [roles.RELOCATION_MANAGE, roles.CASE_EDIT],
       "Close the case"),
    _t("withdraw", OPEN_STAGES - {Stage.ARRIVED}, Stage.WITHDRAWN, [roles.CASE_EDIT], "Withdraw",
       applicant_may=True),
]}

# Who may close what: an arrived case is closed by relocation, a declined one by a caseworker.
CLOSE_CAPABILITY = {Stage.ARRIVED: roles.RELOCATION_MANAGE, Stage.DECLINED: roles.CASE_EDIT}

# The stage in plain words for the applicant, and what they must do next (no staff names, no scores).
APPLICANT_TEXT: dict[str, tuple[str, str]] = {
    Stage.RECEIVED: ("We have received your application.", "Nothing for now. We will contact you if we need more."),
    Stage.VERIFICATION: ("We are checking your employment with the Defence Force.",
                         "Answer any request for information below before its deadline."),
    Stage.ASSESSMENT: ("We are assessing your application against the policy.",
                       "Answer any request for information below before its deadline."),
    Stage.DECISION_PROPOSED: ("A decision is being reviewed.", "Nothing for now."),
    Stage.APPROVED: ("Your application has been approved.", "We will contact you about travel."),
    Stage.DECLINED: ("Your application has been declined.",
                     "Read your decision letter. You may ask for reconsideration, with any new evidence."),
    Stage.RECONSIDERATION: ("We are reconsidering your application.", "Send any new evidence you have."),
    Stage.RELOCATION: ("Your travel is being arranged.", "Keep your travel documents ready."),
    Stage.ARRIVED: ("You have arrived.", "Nothing for now."),
    Stage.CLOSED: ("Your case is closed.", "Nothing."),
    Stage.WITHDRAWN: ("Your application was withdrawn.", "Nothing."),
}


def capability_for(transition: Transition, stage: str, held: frozenset[str]) -> str | None:
    """The capability among `held` that allows this move from `stage`, or None. Closing needs a
    different capability by where the case closes from (CLOSE_CAPABILITY)."""
    if transition.action == "close" and stage in CLOSE_CAPABILITY:
        needed = CLOSE_CAPABILITY[stage]
        return needed if needed in held else None
    return next((c for c in transition.capabilities if c in held), None)


def available(stage: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if stage in t.sources]


def transition_for(stage: str, action: str) -> Transition:
    t = TRANSITIONS.get(action)
    if t is None:
        raise TransitionRefused(f"unknown action {action!r}")
    if stage not in t.sources:
        raise TransitionRefused(f"a case at stage '{Stage(stage).label}' cannot be moved by '{t.label}'")
    return t


def check_table(checks: dict[str, Callable] | None = None) -> None:
    stages = set(Stage.values)
    for t in TRANSITIONS.values():
        if not t.sources <= stages or t.target not in stages:
            raise RuntimeError(f"transition {t.action}: unknown stage")
        if t.sources & TERMINAL_STAGES:
            raise RuntimeError(f"transition {t.action} leaves a terminal stage")
        if not t.capabilities:
            raise RuntimeError(f"transition {t.action} names no capability")
        if checks is not None and set(t.needs) - set(checks):
            raise RuntimeError(f"transition {t.action} needs unknown checks {set(t.needs) - set(checks)}")
    missing = stages - set(APPLICANT_TEXT)
    if missing:
        raise RuntimeError(f"no applicant text for {missing}")
