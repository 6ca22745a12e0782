"""Applications (cases): one principal, their family, and the employment they claim."""

import uuid

from django.conf import settings
from django.db import models

from resettle.people.models import Person


class Status(models.TextChoices):
    RECEIVED = "received"
    VERIFYING = "verifying", "Verifying employment"
    ASSESSING = "assessing", "Assessing eligibility"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting second approver"
    APPROVED = "approved"
    DECLINED = "declined"
    RECONSIDERATION = "reconsideration"
    WITHDRAWN = "withdrawn"
    RELOCATING = "relocating"
    ARRIVED = "arrived"


class Channel(models.TextChoices):
    WEB = "web"
    EMAIL = "email"
    PAPER = "paper"
    IMPORT = "import"


class Relationship(models.TextChoices):
    PRINCIPAL = "principal"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    OTHER = "other"


class Application(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="Safe to give to the applicant.")
    external_id = models.CharField(max_length=100, blank=True, help_text="Id in the file or form it came from.")
    pathway = models.CharField(max_length=60, help_text="Policy id, e.g. nz-afghan-2021.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    received_on = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IMPORT)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_applications")
    batch = models.ForeignKey("records.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["external_id"], condition=~models.Q(external_id=""), name="application_external_id_unique"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def principal(self) -> "Member":
        return self.members.get(relationship=Relationship.PRINCIPAL)


class Member(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relationship = models.CharField(max_length=10, choices=Relationship.choices)
    dependent = models.BooleanField(null=True, blank=True, help_text="Financially dependent on the principal; unknown if blank.")
    marital_status = models.CharField(max_length=20, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the application as given.")

    class Meta:
        ordering = ["position"]
        constraints = [
            # The database itself refuses a second principal: no code path can create one.
            models.UniqueConstraint(fields=["application"], condition=models.Q(relationship="principal"),
                                    name="one_principal_per_application"),
            models.UniqueConstraint(fields=["application", "person"], name="member_once_per_application"),
        ]

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} on {self.application}"


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class ClaimedEmployment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="claimed_employment")
    employer = models.CharField(max_length=40)
    unit = models.CharField(max_length=40)
    role = models.CharField(max_length=40)
    location = models.CharField(max_length=40)
    raw_employer = models.CharField(max_length=200, blank=True)
    raw_unit = models.CharField(max_length=200, blank=True)
    raw_role = models.CharField(max_length=200, blank=True)
    raw_location = models.CharField(max_length=200, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    verification_status = models.CharField(max_length=12, choices=VerificationStatus.choices,
                                           default=VerificationStatus.UNVERIFIED)
    verified_on = models.DateField(null=True, blank=True)
    verified_record = models.ForeignKey("records.EmploymentRecord", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name_plural = "claimed employment"

    def __str__(self) -> str:
        return f"{self.role} at {self.unit} ({self.application})"
