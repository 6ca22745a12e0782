"""The applicant portal's own rows: applications in progress, and attempt counters.

A draft is the applicant's form as they left it, sealed at rest like every identifying value.
It outlives submission: it is the record that the submission was received (stored before the
case is created, so a failure after that loses nothing) and the applicant's way back in.
"""

import uuid

from django.db import models

from resettle.core.fields import EncryptedTextField


class Step(models.TextChoices):
    PRINCIPAL = "principal"
    EMPLOYMENT = "employment"
    FAMILY = "family"
    REVIEW = "review"
    SUBMITTED = "submitted"


class Draft(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="Given to the applicant; not secret.")
    secret_hash = models.CharField(max_length=200, help_text="Password hash of the secret shown once; never the secret.")
    payload = EncryptedTextField(help_text="The form as JSON, sealed.")
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.PRINCIPAL)
    language = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="Set before the case is created.")
    application = models.OneToOneField("applications.Application", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="portal_draft")
    failure = models.CharField(max_length=200, blank=True, help_text="Why creating the case failed (no applicant data).")

    def __str__(self) -> str:
        return f"portal draft {self.reference}"


class AttemptCounter(models.Model):
    """Failed look-ups (and new drafts) per day, by a keyed digest of the address or reference,
    so the table holds neither."""

    key = models.CharField(max_length=64)
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "day"], name="portal_attempt_once_per_day")]
