"""Writes for verification: computing candidates and duplicates, and the verifier's decisions."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from resettle.accounts.permissions import require
from resettle.accounts.access import require_case_access
from resettle.accounts.roles import VERIFY
from resettle.applications.models import Application, ClaimedEmployment, Member, Relationship, Status, VerificationStatus
from resettle.audit.services import record_event
from resettle.matching import Index, RecordIn, dedupe
from resettle.records.models import EmploymentRecord, ImportBatch
from resettle.verification.inputs import applicant_input, record_as_applicant, record_input
from resettle.verification.models import CandidateMatch, DuplicateLink, Outcome, VerificationDecision
from resettle.verification.signals import claim_decided

SHOW_AT_LEAST = 0.01  # candidates below 1% are noise to a verifier
CANDIDATES_KEPT = 5

_index_lock = threading.Lock()
_index_cache: dict = {"key": None, "index": None}


def _records_version() -> tuple:
    latest = ImportBatch.objects.filter(kind=ImportBatch.KIND_RECORDS).aggregate(m=Max("pk"), t=Max("imported_at"))
    return (EmploymentRecord.objects.count(), latest["m"], latest["t"])


def records_opened() -> tuple[tuple, list[RecordIn], dict[str, str]]:
    """Every employment record decrypted once, with the version it was read at and each record's
    current person group: the index and the grouping after an import both start from this, so
    200,000 records are opened once, not once per consumer."""
    key = _records_version()
    records: list[RecordIn] = []
    groups: dict[str, str] = {}
    for r in EmploymentRecord.objects.order_by("pk").iterator(chunk_size=2000):
        records.append(record_input(r))
        groups[records[-1].record_id] = r.person_group
    return key, records, groups


def record_index(progress: Callable | None = None, *, opened: tuple | None = None) -> Index:
    """All employment records, decrypted into an in-memory index, rebuilt when an import lands.

    The index lives only in this process's memory: blocking and scoring need the names, and the
    database must never hold them in clear. `opened` (from `records_opened`) saves reading them
    again when the caller has just done so."""
    with _index_lock:
        if _index_cache["key"] != (opened[0] if opened else _records_version()):
            key, records, _ = opened or records_opened()
            index = Index(list(records), progress=progress)
            _calibrate(index)
            _index_cache.update(key=key, index=index)
        return _index_cache["index"]


CALIBRATION_SAMPLE = 2000


def _calibrate(index: Index) -> None:
    """Estimate the model's weights from this caseload, as the benchmark does: a sample of the
    applications, scored against the records. Smoothing towards the documented priors keeps a
    small caseload close to them."""
    from resettle.matching.features import prepare_applicant

    applications = Application.objects.exclude(status=Status.WITHDRAWN).order_by("?")[:CALIBRATION_SAMPLE]
    sample = []
    for application in applications.iterator(chunk_size=200):
        try:
            sample.append(prepare_applicant(applicant_input(application)))
        except (ValueError, StopIteration):  # an unparseable date or no principal: not evidence
            continue
    if sample and index.items:
        index.calibrate(sample)


def _store_candidates(application: Application, candidates) -> list[CandidateMatch]:
    CandidateMatch.objects.filter(application=application).delete()
    rows = []
    for rank, c in enumerate((c for c in candidates if c.probability >= SHOW_AT_LEAST), start=1):
        if rank > CANDIDATES_KEPT:
            break
        rows.append(CandidateMatch(
            application=application, record_id=c.record_id, rank=rank, probability=c.probability,
            log2_odds=c.log2_odds,
            weights={x.field: [x.level, round(x.weight, 3)] for x in c.contributions},
            explanation=_explanation_json(c.contributions),
        ))
    for row in rows:
        row.save()
    return rows


@transaction.atomic
def candidates_refresh(*, application: Application, index: Index | None = None) -> list[CandidateMatch]:
    index = index or record_index()
    rows = _store_candidates(application, index.candidates(applicant_input(application), limit=CANDIDATES_KEPT))
    record_event(actor=None, action="verification.candidates_computed", target=application,
                 details={"candidates": len(rows), "top": round(rows[0].probability, 4) if rows else None})
    return rows


def candidates_refresh_all(*, applications: Iterable[Application] | None = None, index: Index | None = None,
                           progress: Callable[[int], None] | None = None) -> int:
    """Recompute candidates for every application (or those given), one short transaction each."""
    index = index or record_index()
    count = 0
    for application in applications if applications is not None else Application.objects.order_by("created_at"):
        candidates_refresh(application=application, index=index)
        count += 1
        if progress:
            progress(1)
    return count


def duplicates_refresh(*, threshold: float | None = None) -> int:
    """Find applications from one person (different spellings, web and e-mail), and people who
    appear in two applications (a dependant listed twice). Each link carries the pair's own
    probability and the reasons, as a candidate record does; applications joined only through
    a third are reached from that one's page.

    The pairs are found before the transaction that replaces the links opens: on SQLite that
    transaction holds the only write lock, and pages that audit a view wait for it."""
    applications = list(Application.objects.exclude(status=Status.WITHDRAWN))
    kwargs = {"threshold": threshold} if threshold is not None else {}
    pairs = dedupe([applicant_input(a) for a in applications], explain=True, **kwargs).pairs if applications else ()
    links = []
    for pair in pairs:
        explanation = _explanation_json(pair.contributions)
        for a, b in ((pair.applicant_id, pair.other_id), (pair.other_id, pair.applicant_id)):
            links.append(DuplicateLink(application_id=a, other_id=b, probability=pair.probability,
                                       kind="principal", explanation=explanation))
    # The same person (name, father's name and birth date) on two applications, in any role.
    seen: dict[tuple, list] = {}
    for m in Member.objects.select_related("person"):
        p = m.person
        if p.full_name_index and p.father_name_index:
            seen.setdefault((p.full_name_index, p.father_name_index, p.birth_date), []).append(m)
    member_links: dict[tuple, DuplicateLink] = {}
    for members in seen.values():
        for x in members:
            for y in members:
                if x.application_id == y.application_id or x.relationship == y.relationship == Relationship.PRINCIPAL:
                    continue  # two principals are the matcher's to judge, with a probability (above)
                text = (f"the same name, father's name and birth date: {x.get_relationship_display().lower()} "
                        f"in this application, {y.get_relationship_display().lower()} in the other")
                member_links.setdefault((x.application_id, y.application_id), DuplicateLink(
                    application_id=x.application_id, other_id=y.application_id, kind="member", probability=1.0,
                    explanation=json.dumps([{"field": "member", "level": "exact", "weight": 0.0, "text": text}],
                                           ensure_ascii=False)))
    links += member_links.values()
    with transaction.atomic():
        DuplicateLink.objects.all().delete()
        DuplicateLink.objects.bulk_create(links, batch_size=500)
        record_event(actor=None, action="verification.duplicates_computed", details={"links": len(links)})
    return len(links)


def _explanation_json(contributions) -> str:
    return json.dumps([{"field": x.field, "level": x.level, "weight": x.weight, "text": x.text} for x in contributions],
                      ensure_ascii=False)


def records_group_refresh(*, progress: Callable | None = None, workers: int = 1, opened: tuple | None = None) -> int:
    """Group the employment records into people with the de-duplication model (a person's
    rotations, re-hires, the same person in two sources); each record's person_group becomes the
    id of its group's first record. Returns the number of people. One process by default: the
    task worker calls it; `resettle group-records` may use every core. `opened` (from
    `records_opened`) saves decrypting the records again."""
    _, records, groups = opened or records_opened()
    if not records:
        return 0
    clusters = dedupe([record_as_applicant(r) for r in records], progress=progress, workers=workers).clusters
    changed = [EmploymentRecord(pk=pk, person_group=clusters[pk]) for pk, group in groups.items()
               if group != clusters[pk]]
    EmploymentRecord.objects.bulk_update(changed, ["person_group"], batch_size=1000)
    people = len(set(clusters.values()))
    record_event(actor=None, action="records.grouped", details={"records": len(records), "people": people,
                                                                "changed": len(changed)})
    return people


def records_refresh(*, progress: Callable | None = None) -> tuple[int, int]:
    """What a records import changes, from one reading of the records: the index, every
    application's candidates and duplicates (a verifier waits for those, so they come first), then
    the records' grouping into people. Returns (applications matched, people)."""
    opened = records_opened()
    index = record_index(opened=opened)
    matched = candidates_refresh_all(index=index, progress=progress)
    duplicates_refresh()
    return matched, records_group_refresh(opened=opened)


class VerificationError(Exception):
    pass


# Verification happens before a decision, or when a case is looked at again; never on a decided case.
VERIFIABLE_STAGES = ("received", "verification", "assessment", "reconsideration")


def verification_decide(*, actor, application: Application, record: EmploymentRecord | None, outcome: str,
                        reason: str, claim: ClaimedEmployment | None = None,
                        revision: bool = False) -> VerificationDecision:
    """A Defence Force verifier confirms or rejects that the applicant is the person in a record.

    A record already confirmed for another application cannot be confirmed again: a namesake or a
    relative claiming a relative's service would otherwise take someone else's place (the database
    refuses it too, so two verifiers at once cannot both succeed). A claim already decided is
    changed only as an explicit revision with its reason, never silently overwritten; the same
    decision sent twice (a double submit) records one."""
    # Checked before the transaction opens, so the audit entry of a refusal is not rolled back with it.
    require_case_access(actor, application, VERIFY)
    try:
        with transaction.atomic():
            decision = _decide(actor, application, record, outcome, reason, claim, revision)
    except IntegrityError:
        raise VerificationError("record already confirmed for another application; reject that confirmation first") from None
    claim_decided.send(sender=VerificationDecision, application=application, actor=actor)
    return decision


def _decide(actor, application, record, outcome, reason, claim, revision) -> VerificationDecision:
    if outcome not in Outcome.values:
        raise VerificationError(f"outcome must be one of {', '.join(Outcome.values)}")
    if not reason.strip():
        raise VerificationError("give a reason: it is what a reviewer or the applicant's appeal will read")
    fresh = Application.objects.select_for_update().get(pk=application.pk)
    if fresh.status not in VERIFIABLE_STAGES:
        raise VerificationError(f"the case is at stage '{fresh.get_status_display()}': employment is verified "
                                "before a decision, or again in a reconsideration")
    claim = claim or application.claimed_employment.order_by("start_date").first()
    if claim is not None:
        claim = ClaimedEmployment.objects.select_for_update().get(pk=claim.pk)
        same = (claim.verification_status == outcome
                and (outcome == Outcome.REJECTED or claim.verified_record_id == getattr(record, "pk", None)))
        if same:
            raise VerificationError(f"already recorded: this claim is {claim.get_verification_status_display().lower()}"
                                    " (nothing changed)")
        if claim.verification_status != VerificationStatus.UNVERIFIED and not revision:
            raise VerificationError(f"this claim is already {claim.get_verification_status_display().lower()}: "
                                    "to change it, use Revise and give the reason")
    candidate = CandidateMatch.objects.filter(application=application, record=record).first() if record else None
    if outcome == Outcome.CONFIRMED:
        if record is None:
            raise VerificationError("a confirmation names the record that proves the employment")
        taken = (ClaimedEmployment.objects.filter(verified_record=record, verification_status=VerificationStatus.CONFIRMED)
                 .exclude(application=application).select_related("application").first())
        if taken:
            raise VerificationError(
                f"record already confirmed for application {taken.application.reference}; reject that confirmation first")
    decision = VerificationDecision.objects.create(
        application=application, claim=claim, record=record, outcome=outcome, reason=reason.strip(),
        probability=candidate.probability if candidate else None, decided_by=actor)
    if claim is not None:
        if outcome == Outcome.CONFIRMED:
            claim.verification_status, claim.verified_record = VerificationStatus.CONFIRMED, record
            claim.verified_on = timezone.localdate()
        elif claim.verified_record_id in (None, getattr(record, "pk", None)):
            claim.verification_status, claim.verified_record = VerificationStatus.REJECTED, None
            claim.verified_on = timezone.localdate()
        claim.save(update_fields=["verification_status", "verified_record", "verified_on"])
    record_event(actor=actor, action=f"verification.{outcome}", target=application, reason=reason.strip(),
                 details={"record": str(record.pk) if record else None, "decision": str(decision.pk),
                          "revision": revision,
                          "probability": round(candidate.probability, 4) if candidate else None})
    return decision

