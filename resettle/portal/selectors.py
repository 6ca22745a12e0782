"""What the applicant may see of their case: the stage in plain words, what to do next, and
open requests for information. Never another person's data, the matcher's output or staff names."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from resettle.portal import labels
from resettle.portal.models import Draft
from resettle.portal.services import payload

ANSWER_REQUESTS = _("Answer any question below before its deadline.")
NOTHING_TO_DO = _("Nothing for now. Keep your reference and secret safe; come back to see progress.")

# Stage codes of today's Application.status and of the case lifecycle (resettle/casework), both,
# so the page keeps working while the lifecycle lands.
STAGES = {
    "pending": (_("We have received your application and are registering it."), NOTHING_TO_DO),
    "received": (_("Received: your application is waiting to be checked."), NOTHING_TO_DO),
    "verifying": (_("We are checking your employment against the records."), NOTHING_TO_DO),
    "verification": (_("We are checking your employment against the records."), ANSWER_REQUESTS),
    "assessing": (_("We are deciding whether you and your family are eligible."), NOTHING_TO_DO),
    "assessment": (_("We are deciding whether you and your family are eligible."), ANSWER_REQUESTS),
    "awaiting_approval": (_("A decision is being prepared."), NOTHING_TO_DO),
    "decision_proposed": (_("A decision is being prepared."), NOTHING_TO_DO),
    "approved": (_("Approved."), _("We will contact you about travel. Keep your phone or email working.")),
    "declined": (_("Not approved."), _("You may ask for the decision to be looked at again.")),
    "reconsideration": (_("We are looking at your application again."), NOTHING_TO_DO),
    "relocating": (_("We are arranging your travel."), _("Follow the instructions we send you.")),
    "relocation": (_("We are arranging your travel."), _("Follow the instructions we send you.")),
    "arrived": (_("You have arrived."), _("Nothing more to do here.")),
    "closed": (_("This case is closed."), _("Nothing more to do here.")),
    "withdrawn": (_("This application was withdrawn."), _("Nothing more to do here.")),
}


@dataclass
class ApplicantView:
    reference: str
    stage: object
    next_step: object
    requests: list = field(default_factory=list)
    open: bool = True
    case_reference: str = ""  # the case's own reference, when it differs: what staff search by


def stage_words(status: str | None) -> tuple:
    return STAGES.get(status or "pending", STAGES["received"])


def applicant_view(draft: Draft) -> ApplicantView:
    application = draft.application
    if application is None:
        stage, next_step = stage_words("pending")
        return ApplicantView(reference=draft.reference, stage=stage, next_step=next_step, open=False)
    from resettle.portal import casework_bridge

    # The portal's own words per stage (casework's applicant text is English only).
    stage, next_step = stage_words(application.status)
    return ApplicantView(reference=draft.reference, stage=stage, next_step=next_step,
                         requests=casework_bridge.open_requests(application),
                         open=application.status not in ("withdrawn", "closed"),
                         case_reference="" if application.reference == draft.reference else application.reference)


def summary(draft: Draft) -> dict:
    """The draft as labelled rows for the review page: labels, never codes."""
    data = payload(draft)
    p = data["principal"]
    return {
        "principal": p,
        "principal_gender": labels.label("gender", p.get("gender", "")),
        "principal_calendar": labels.label("calendar", p.get("calendar", "")),
        "work": [claim_rows(e) for e in data["work"]],
        "members": [member_rows(m) for m in data["members"]],
    }


def claim_rows(e: dict) -> dict:
    return dict(e, labels={k: labels.label(k, e.get(k, "")) for k in ("employer", "unit", "role", "location")},
                calendar_label=labels.label("calendar", e.get("calendar", "")))


def member_rows(m: dict) -> dict:
    return dict(m, relationship_label=labels.label("relationship", m.get("relationship", "")),
                gender_label=labels.label("gender", m.get("gender", "")),
                dependent_label=labels.label("yes_no", m.get("dependent", "")),
                calendar_label=labels.label("calendar", m.get("calendar", "")))
