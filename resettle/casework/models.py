"""What happens to a case: its moves between stages, decisions, requests for information,
changes of circumstances, household versions, notes and documents.

Rows here are history: a decision is superseded, never edited; a household change adds a
version. Text that names or describes people is sealed (EncryptedTextField).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from resettle.applications.models import Status as Stage
from resettle.core.fields import EncryptedTextField


class StatusChange(models.Model):
    """One move of a case between stages. Written only by case_transition, in the transaction
    that moves the case; processing-time clocks are queries over these rows."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="status_changes")
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    action = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=10, default="staff", help_text="staff, portal, api or system")
    at = models.DateTimeField(db_index=True)
    reason = models.TextField(blank=True)
    # Time the case spent at from_stage, so clocks are an ordered index scan, not a window query.
    seconds_in_from_stage = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"]), models.Index(fields=["to_stage", "at"]),
                   models.Index(fields=["from_stage", "seconds_in_from_stage"])]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_stage or '-'} -> {self.to_stage}"


class DecisionOutcome(models.TextChoices):
    APPROVE = "approve", "Approve"
    DECLINE = "decline", "Decline"


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", "Proposed, awaiting a second decision maker"
    CONFIRMED = "confirmed", "Confirmed"
    RETURNED = "returned", "Sent back by the second decision maker"
    SUPERSEDED = "superseded", "Superseded by a later decision"


class Decision(models.Model):
    """A decision on a case (or, after approval, on one new household member), proposed by one
    decision maker and confirmed by a second. The database refuses a confirmation by the
    proposer, whatever code path writes it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="decisions")
    member = models.ForeignKey("applications.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="decisions", help_text="Set for a decision on one member added later.")
    outcome = models.CharField(max_length=10, choices=DecisionOutcome.choices)
    state = models.CharField(max_length=12, choices=DecisionState.choices, default=DecisionState.PROPOSED)
    evaluation = models.ForeignKey("policies.Evaluation", on_delete=models.PROTECT, related_name="decisions")
    policy_id = models.CharField(max_length=60)
    version_id = models.CharField(max_length=40)
    criteria_cited = models.JSONField(default=list, help_text="[{id, status, label}] the decision rests on.")
    reasons = models.TextField(help_text="In words the applicant can read.")
    reconsideration_info = models.TextField(blank=True, help_text="For a decline: how to ask for reconsideration.")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, help_text="The second decision maker's note (why sent back).")
    supersedes = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by")

    class Meta:
        ordering = ["proposed_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(confirmed_by=F("proposed_by")), name="decision_confirmer_is_not_proposer"),
            models.CheckConstraint(condition=Q(state="proposed") | Q(state="returned") | Q(confirmed_by__isnull=False),
                                   name="decision_confirmed_has_confirmer"),
            models.CheckConstraint(condition=~Q(outcome="decline") | ~Q(reasons=""), name="decision_decline_has_reasons"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.state}) on {self.application_id}"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"
    LAPSED = "lapsed", "Lapsed (deadline passed)"
    CANCELLED = "cancelled", "Cancelled"


class InformationRequest(models.Model):
    """A question put to the applicant (or a referee). A lapse sends the case to the
    "requests lapsed" queue for a person to act on; nothing is declined by a timer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="information_requests")
    question = EncryptedTextField(help_text="What is asked, in words the applicant can read.")
    addressed_to = models.CharField(max_length=20, default="applicant", help_text="applicant or referee")
    deadline = models.DateField()
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    answer = EncryptedTextField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_via = models.CharField(max_length=10, blank=True, help_text="portal or staff")
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    lapsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["deadline", "created_at"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"request on {self.application_id} due {self.deadline}"


class ChangeKind(models.TextChoices):
    MARRIAGE = "marriage", "Marriage"
    BIRTH = "birth", "Birth"
    DEATH = "death", "Death"
    TURNED_18 = "turned_18", "Dependant turned 18"
    TURNED_25 = "turned_25", "Dependant turned 25"
    DIVORCE = "divorce", "Divorce"
    OTHER = "other", "Other"


class ChangeStatus(models.TextChoices):
    REPORTED = "reported", "Reported, awaiting a caseworker"
    ACCEPTED = "accepted", "Accepted: household updated"
    REJECTED = "rejected", "Not accepted"


class CircumstanceChange(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="circumstance_changes")
    kind = models.CharField(max_length=12, choices=ChangeKind.choices)
    details = EncryptedTextField()
    effective_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.REPORTED)
    reported_at = models.DateTimeField()
    reported_via = models.CharField(max_length=10, default="staff")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    member = models.ForeignKey("applications.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               help_text="The member added or affected.")

    class Meta:
        ordering = ["reported_at"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.application_id}"


class HouseholdVersion(models.Model):
    """Who was in the household from which date, and why it changed (numbered per case)."""

    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="household_versions")
    number = models.PositiveIntegerField()
    valid_from = models.DateField()
    members = models.JSONField(help_text="[{member, person, relationship, dependent}] - ids only, no names.")
    reason = models.CharField(max_length=200)
    change = models.ForeignKey(CircumstanceChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="household_version_once")]


class Note(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]


class DocumentKind(models.TextChoices):
    TAZKIRA = "tazkira", "Tazkira scan"
    PASSPORT = "passport", "Passport"
    HR_LETTER = "hr_letter", "HR or employment letter"
    RECOMMENDATION = "recommendation", "Recommendation letter"
    MARRIAGE = "marriage", "Marriage certificate"
    BIRTH = "birth", "Birth certificate"
    DECISION_LETTER = "decision_letter", "Decision letter"
    OTHER = "other", "Other"


class Document(models.Model):
    """A file on a case, sealed with AES-GCM in the data folder (outside the web root). The
    file name is sealed too: "tazkira_Hussaini.jpg" names a person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    file_name = EncryptedTextField()
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=12, default="not_scanned",
                                   help_text="not_scanned, clean or infected (set by the scanner hook)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    uploaded_via = models.CharField(max_length=10, default="staff")
    uploaded_at = models.DateTimeField()
    request = models.ForeignKey(InformationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT, related_name="letters")
    language = models.CharField(max_length=10, blank=True, help_text="For letters: en, fa-af or ps.")

    class Meta:
        ordering = ["uploaded_at"]


class CaseLink(models.Model):
    """Two applications a caseworker has linked: the same person (one then merged into the
    other, both histories kept) or related households (to travel together)."""

    KINDS = [("same_person", "Same person (merged)"), ("related", "Related household")]
    id = models.BigAutoField(primary_key=True)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="links")
    other = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KINDS)
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "other", "kind"], name="case_link_once"),
                       models.CheckConstraint(condition=~Q(application=F("other")), name="case_link_not_self")]
