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

    # The stored result (``criteria``) is the engine's Result as JSON. Fields a decision may
    # cite: ``outcomes`` (granted outcome, each with rule_id, outcome, label, offers,
    # offer_labels, params, params_display), ``possible`` (same shape, when unknown),
    # ``referred_members`` (index, ref = application member id, relationship, category,
    # label, source, decided_by, decided_by_label) and ``dependants_referred``.
    @property
    def result(self) -> dict:
        return self.criteria or {}

    @property
    def outcomes(self) -> list[dict]:
        return list(self.result.get("outcomes") or [])

    @property
    def referred_members(self) -> list[dict]:
        return list(self.result.get("referred_members") or [])


class AssessedFact(ImmutableModel):
    """A fact that no import holds and a decision maker assesses: about the principal (at risk,
    wrote to the Minister, dismissed...) or, with ``member``, about one family member (has
    children of their own; included at discretion, which settles a member referred for
    discretion). The latest row per field (and member) is the one in force."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="assessed_facts")
    member = models.ForeignKey("applications.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assessed_facts", help_text="Blank: a fact about the principal.")
    field = models.CharField(max_length=60)
    value = models.CharField(max_length=60, help_text="true, false, or a canonical value such as 'afghan'.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        indexes = [models.Index(fields=["application", "field", "recorded_at"])]

    def __str__(self) -> str:
        who = f", member {self.member_id}" if self.member_id else ""
        return f"{self.field}={self.value} ({self.application_id}{who})"
