"""Applications (cases): one principal, their family, and the employment they claim."""

import uuid

from django.conf import settings
from django.db import models

from resettle.core.fields import EncryptedTextField
from resettle.people.models import Person


class Status(models.TextChoices):
    """The case's stage. Only resettle.casework.services.case_transition writes it (the moves
    between stages are declared in resettle.casework.lifecycle)."""

    RECEIVED = "received", "Received"
    VERIFICATION = "verification", "Verifying employment"
    ASSESSMENT = "assessment", "Assessing eligibility"
    DECISION_PROPOSED = "decision_proposed", "Decision proposed, awaiting second decision maker"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    RECONSIDERATION = "reconsideration", "Reconsideration requested"
    RELOCATION = "relocation", "Relocation"
    ARRIVED = "arrived", "Arrived"
    CLOSED = "closed", "Closed"
    WITHDRAWN = "withdrawn", "Withdrawn"


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
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED, editable=False)
    status_since = models.DateTimeField(null=True, blank=True, editable=False,
                                        help_text="When the case reached its stage (queues sort by waiting time).")
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged",
                                     help_text="Set when a caseworker merged this application into another.")
    received_on = models.DateField()
    received_at = models.DateTimeField(null=True, blank=True,
                                       help_text="The moment it was received, where known (a deadline at 11.59pm NZ time).")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.IMPORT)
    team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="applications")
    assigned_to = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="assigned_applications")
    batch = models.ForeignKey("records.ImportBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="applications")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["status", "status_since"])]
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
    # A household changes (a death, a divorce): the member stays on the case's history, out of its household.
    left_household_on = models.DateField(null=True, blank=True)
    added_on = models.DateField(null=True, blank=True, help_text="Set when added after intake (change of circumstances).")

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
    # Names people and says what they did: sealed like any identifying field.
    referee = EncryptedTextField(help_text="Who can vouch for this work, and how to reach them.")
    details = EncryptedTextField(help_text="The applicant's own words about the work.")

    class Meta:
        verbose_name_plural = "claimed employment"
        constraints = [
            # One HR record proves one person's service: two verifiers confirming it for two
            # applications at once cannot both succeed, whatever code path writes.
            models.UniqueConstraint(fields=["verified_record"], condition=models.Q(verification_status="confirmed"),
                                    name="record_confirmed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.role} at {self.unit} ({self.application})"
