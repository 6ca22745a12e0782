"""Relocation: tranches of approved cases, their flights and manifests, boarding, arrival and the
milestones after it, per person.

The case's stage (approved -> relocation -> arrived -> closed) lives on Application.status and
moves only through resettle.casework.services.case_transition; these models hold the substance
of those moves: who is on which flight, who boarded, who arrived, who became a resident.
"""

import uuid

from django.conf import settings
from django.db import models


class ArrivalPoint(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="e.g. Whenuapai Airbase")
    location = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return self.name


class ReceptionCentre(models.Model):
    name = models.CharField(max_length=100, unique=True, help_text="e.g. Mangere Refugee Resettlement Centre")
    location = models.CharField(max_length=100, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="People it can house at once.")

    def __str__(self) -> str:
        return self.name


class RiskLevel(models.TextChoices):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"
    SEVERE = "severe"


class Tranche(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    arrival_point = models.ForeignKey(ArrivalPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="tranches")
    reception_centre = models.ForeignKey(ReceptionCentre, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="tranches")
    security_check_required = models.BooleanField(
        default=True, help_text="The pathway's policy asks for a completed security check of every adult before travel.")
    closed = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The last plan, as the optimiser reported it.
    plan_method = models.CharField(max_length=10, blank=True)
    plan_status = models.CharField(max_length=12, blank=True)
    plan_objective = models.FloatField(null=True, blank=True)
    plan_bound = models.FloatField(null=True, blank=True)
    plan_seconds = models.FloatField(null=True, blank=True)
    plan_problems = models.JSONField(default=list, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def plan_gap(self) -> float | None:
        if self.plan_bound is None or self.plan_objective is None:
            return None
        return 0.0 if self.plan_bound <= 0 else max(0.0, (self.plan_bound - self.plan_objective) / self.plan_bound)


class Flight(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tranche = models.ForeignKey(Tranche, on_delete=models.CASCADE, related_name="flights")
    code = models.CharField(max_length=30, help_text="e.g. RNZAF 7001")
    date = models.DateField()
    origin = models.CharField(max_length=60)
    destination = models.CharField(max_length=60)
    aircraft = models.CharField(max_length=60, help_text="e.g. C-130H Hercules, chartered A330")
    seats = models.PositiveIntegerField(help_text="Seats for passengers (infants on a lap take none).")
    arrival_point = models.ForeignKey(ArrivalPoint, null=True, blank=True, on_delete=models.PROTECT, related_name="flights")
    departed_at = models.DateTimeField(null=True, blank=True, help_text="Boarding closed.")
    arrived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["date", "code"]
        constraints = [models.UniqueConstraint(fields=["tranche", "code"], name="flight_code_once_per_tranche")]

    def __str__(self) -> str:
        return f"{self.code} {self.date}"


class TrancheCase(models.Model):
    """One household (an approved application) in a tranche, with what the planner needs."""
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tranche = models.ForeignKey(Tranche, on_delete=models.CASCADE, related_name="cases")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="tranche_cases")
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.MODERATE)
    medical_need = models.BooleanField(default=False)
    approved_on = models.DateField(null=True, blank=True)
    ready_from = models.DateField(null=True, blank=True, help_text="Not on any flight before this date.")
    split_allowed = models.BooleanField(default=False, help_text="A coordinator allowed the family to fly on several flights.")
    pinned_flight = models.ForeignKey(Flight, null=True, blank=True, on_delete=models.SET_NULL, related_name="pinned_cases")
    held = models.BooleanField(default=False)
    hold_reason = models.CharField(max_length=200, blank=True)
    link_group = models.PositiveIntegerField(null=True, blank=True, help_text="Households with the same number fly together.")
    planned = models.BooleanField(default=False)
    left_reason = models.TextField(blank=True, help_text="Why the last plan left this household for a later flight.")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [models.UniqueConstraint(fields=["tranche", "application"], name="case_once_per_tranche")]

    def __str__(self) -> str:
        return f"{self.application} in {self.tranche}"


class TravelDocument(models.TextChoices):
    NONE = "", "None yet"
    PASSPORT = "passport", "Passport"
    EMERGENCY = "emergency", "Emergency travel document"


class SecurityCheck(models.TextChoices):
    PENDING = "pending"
    CLEARED = "cleared"
    REFUSED = "refused"


class Readiness(models.Model):
    """What a person needs before a seat is offered: the decision (the case's stage), a travel
    document, and where the policy asks, a completed security check."""
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tranche_case = models.ForeignKey(TrancheCase, on_delete=models.CASCADE, related_name="readiness")
    member = models.ForeignKey("applications.Member", on_delete=models.CASCADE, related_name="+")
    travel_document = models.CharField(max_length=10, choices=TravelDocument.choices, blank=True, default="")
    security_check = models.CharField(max_length=10, choices=SecurityCheck.choices, default=SecurityCheck.PENDING)
    own_seat = models.BooleanField(default=False, help_text="An infant who gets a seat of their own instead of a lap.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tranche_case", "member"], name="readiness_once_per_member")]


class Boarding(models.TextChoices):
    PLANNED = "planned", "Not recorded"
    BOARDED = "boarded"
    NO_SHOW = "no_show", "No-show"
    OFFLOADED = "offloaded"


class ManifestEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="entries")
    tranche_case = models.ForeignKey(TrancheCase, on_delete=models.PROTECT, related_name="entries")
    member = models.ForeignKey("applications.Member", on_delete=models.PROTECT, related_name="+")
    lap_infant = models.BooleanField(default=False)
    boarding = models.CharField(max_length=10, choices=Boarding.choices, default=Boarding.PLANNED)
    boarding_recorded_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tranche_case__added_at", "member__position"]
        constraints = [models.UniqueConstraint(fields=["flight", "member"], name="member_once_per_flight")]


class MilestoneKind(models.TextChoices):
    ARRIVED = "arrived"
    RESIDENCE = "residence_granted", "Residence granted"
    CITIZENSHIP = "citizenship", "Citizenship"


# The order a person's journey runs in; the case closes when everyone who arrived reached the last.
MILESTONE_ORDER = [MilestoneKind.ARRIVED, MilestoneKind.RESIDENCE, MilestoneKind.CITIZENSHIP]


class Milestone(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="milestones")
    member = models.ForeignKey("applications.Member", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=MilestoneKind.choices)
    on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on"]
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="milestone_once_per_member")]
