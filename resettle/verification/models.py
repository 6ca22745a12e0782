"""Candidate records for each application, and the Defence Force's decisions on them.

Explanations name the people compared ("father's name GHOLAM ≈ Ghulam"), so they are sealed like
any other identifying field; probabilities and per-field weights are not identifying and stay
queryable for the verifier's queue.
"""

import uuid

from django.conf import settings
from django.db import models

from resettle.core.fields import EncryptedTextField


class CandidateMatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="candidates")
    record = models.ForeignKey("records.EmploymentRecord", on_delete=models.CASCADE, related_name="candidates")
    rank = models.PositiveSmallIntegerField()
    probability = models.FloatField()
    log2_odds = models.FloatField()
    weights = models.JSONField(default=dict, help_text="field -> [level, weight in bits]; no names.")
    explanation = EncryptedTextField(help_text="JSON list of {field, level, weight, text}.")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "rank"]
        constraints = [models.UniqueConstraint(fields=["application", "record"], name="candidate_once")]
        indexes = [models.Index(fields=["record", "probability"])]

    def __str__(self) -> str:
        return f"candidate {self.rank} for {self.application}"


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed: this person worked for us"
    REJECTED = "rejected", "Rejected: not this record"


class VerificationDecision(models.Model):
    """A verifier's decision on one claim against one record. Never edited: a change of mind is a
    new decision, so the history of who confirmed what stays whole."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="verification_decisions")
    claim = models.ForeignKey("applications.ClaimedEmployment", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="decisions")
    record = models.ForeignKey("records.EmploymentRecord", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="decisions")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField()
    probability = models.FloatField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"{self.outcome} for {self.application}"


class DuplicateLink(models.Model):
    """Two applications that seem to come from the same person (or share a family member).

    Derived data: duplicates_refresh recomputes every link, so rows may be dropped at will."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="duplicate_links")
    other = models.ForeignKey("applications.Application", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    kind = models.CharField(max_length=20, default="principal", help_text="principal, or member when a family member appears in both")
    # Why the two look like one person (names compared, so sealed like any identifying field).
    explanation = EncryptedTextField(blank=True, default="", help_text="JSON list of {field, level, weight, text}.")
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "other", "kind"], name="duplicate_once")]
