"""Stored policy evaluations and caseworker-assessed facts.

Both are append-only: a later policy version or new evidence adds a row, so an earlier
decision is never rewritten (as in 2014, when interpreters first declined were resettled).
"""

import uuid

from django.conf import settings
from django.db import models


class Outcome(models.TextChoices):
    OFFER = "offer"
    REFERRAL = "referral", "Referral for discretion"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    UNKNOWN = "unknown", "Unknown: evidence missing"


class Kind(models.TextChoices):
    INITIAL = "initial"
    REEVALUATION = "reevaluation", "Re-evaluation (new evidence)"
    RECONSIDERATION = "reconsideration"


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are never changed; add a new one instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} rows are never deleted")


class Evaluation(ImmutableModel):
    """One application evaluated under one policy version, with every criterion's status and
    evidence. A newer evaluation points back at the one it supersedes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="evaluations")
    policy_id = models.CharField(max_length=60)
    version_id = models.CharField(max_length=40)
    reference_date = models.DateField(help_text="Date the rules were applied to (normally when received).")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rule_id = models.CharField(max_length=60, blank=True, help_text="Outcome rule that applied; blank if unknown.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INITIAL)
    criteria = models.JSONField(help_text="Full result: criteria with status and evidence, members, offers, sources.")
    facts_sha256 = models.CharField(max_length=64, help_text="Digest of the facts used, to tell when they change.")
    supersedes = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="superseded_by")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self) -> str:
        return f"{self.policy_id}@{self.version_id}: {self.outcome} ({self.application_id})"

    @property
    def is_current(self) -> bool:
        return not hasattr(self, "superseded_by") or self.superseded_by is None


class AssessedFact(ImmutableModel):
    """A fact about the principal that no import holds and a decision maker assesses
    (at risk, dismissed, contribution...). The latest row per field is the one in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="assessed_facts")
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=60, help_text="true, false, or a canonical value such as 'afghan'.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [models.Index(fields=["application", "field", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.field}={self.value} ({self.application_id})"
