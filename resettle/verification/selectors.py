"""Reads for the verifier: what verification needs and nothing more (no contacts, no family)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q

from resettle.accounts.access import scope_cases
from resettle.accounts.permissions import require
from resettle.accounts.roles import VERIFY
from resettle.applications.models import Application, ClaimedEmployment, VerificationStatus
from resettle.audit.services import record_event
from resettle.matching import DEFAULT_THRESHOLD
from resettle.verification.models import CandidateMatch, DuplicateLink, VerificationDecision


def verifier_queue(*, user, include_done: bool = False):
    """Applications waiting for the Defence Force, most promising first. No names here: a list of
    names is exactly what leaks; names appear one case at a time, each view audited."""
    require(user, VERIFY)
    unverified = ClaimedEmployment.objects.filter(application=OuterRef("pk"),
                                                  verification_status=VerificationStatus.UNVERIFIED)
    # A record this application matches is also matched by another one (a namesake, or a
    # relative claiming a relative's service): the verifier must decide between them.
    own_records = CandidateMatch.objects.filter(application=OuterRef(OuterRef("pk")),
                                                probability__gte=DEFAULT_THRESHOLD).values("record")
    contested = (CandidateMatch.objects.filter(record__in=own_records, probability__gte=DEFAULT_THRESHOLD)
                 .exclude(application=OuterRef("pk")))
    # The verifier's queue is the cases in the verifier's stages (resettle.accounts.access).
    qs = scope_cases(user, Application.objects.all()).annotate(
        top_probability=Max("candidates__probability"),
        candidate_count=Count("candidates", filter=Q(candidates__probability__gte=DEFAULT_THRESHOLD)),
        waiting=Exists(unverified),
        contested=Exists(contested),
        possible_duplicate=Exists(DuplicateLink.objects.filter(application=OuterRef("pk"))),
    )
    if not include_done:
        qs = qs.filter(waiting=True, status__in=["received", "verification", "reconsideration"])
    return qs.order_by("-top_probability", "received_on").prefetch_related("claimed_employment")


@dataclass
class CandidateView:
    candidate: CandidateMatch
    record: object
    contributions: list[dict]
    competitors: list[dict] = field(default_factory=list)  # other applications matching this record


@dataclass
class VerificationCase:
    application: Application
    principal: object
    claims: list
    candidates: list[CandidateView]
    decisions: list
    duplicates: list


def _person_summary(person) -> dict:
    birth = person.birth()
    return {"full_name": person.full_name, "father_name": person.father_name,
            "grandfather_name": person.grandfather_name, "birth": str(birth) if birth else ""}


def _other_application(user, other: Application, probability: float, explanation: str, reason: str) -> dict:
    """Another application shown beside this case (a competing claim, a possible duplicate): its
    principal's identity, which is an audited view, and the pair's reasons."""
    person = other.principal.person
    record_event(actor=user, action="person.viewed", target=person, reason=reason,
                 details={"application": str(other.pk), "fields": "identity"})
    return {"application": other, "probability": probability, "principal": _person_summary(person),
            "contributions": json.loads(explanation or "[]")}


def verification_case(*, user, application: Application, reason: str = "verification") -> VerificationCase:
    require(user, VERIFY, target=application)
    principal = application.principal.person
    candidates = []
    for c in CandidateMatch.objects.filter(application=application).select_related("record", "record__source", "record__batch"):
        competing = [
            _other_application(user, other.application, other.probability, other.explanation,
                               f"{reason}: competing claim")
            for other in (CandidateMatch.objects.filter(record=c.record, probability__gte=DEFAULT_THRESHOLD)
                          .exclude(application=application).select_related("application"))
        ]
        candidates.append(CandidateView(candidate=c, record=c.record, contributions=json.loads(c.explanation or "[]"),
                                        competitors=competing))
    duplicates = [
        {"kind": link.kind, **_other_application(user, link.other, link.probability, link.explanation,
                                                 f"{reason}: possible duplicate")}
        for link in DuplicateLink.objects.filter(application=application).select_related("other").order_by("-probability")
    ]
    record_event(actor=user, action="person.viewed", target=principal, reason=reason,
                 details={"application": str(application.pk), "fields": "identity",
                          "records_shown": len(candidates)})
    return VerificationCase(
        application=application,
        principal=_person_summary(principal),
        claims=list(application.claimed_employment.select_related("verified_record")),
        candidates=candidates,
        decisions=list(VerificationDecision.objects.filter(application=application).select_related("decided_by", "record")),
        duplicates=duplicates,
    )
