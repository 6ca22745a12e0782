from django.conf import settings
from django.db import models


class Team(models.Model):
    """A caseworking team; staff see the cases of their teams unless their role sees all."""

    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    teams = models.ManyToManyField(Team, blank=True, related_name="members")
    is_demo = models.BooleanField(default=False, help_text="Created by `resettle demo-data`; never for real work.")

    def __str__(self) -> str:
        return f"profile of {self.user}"


class StaffChange(models.Model):
    """A change to a staff account that one administrator may not make alone.

    Granting a role that sees applicants' identities, and resetting the password or deleting
    the second-factor device of an account that has one, would let a single administrator sign
    in as someone who reads cases. Such a change waits here until a second administrator, who
    is neither the requester nor the account's holder, approves it (the database refuses the
    requester as approver). A new password is kept only as its hash.
    """

    GRANT_ROLES, SET_PASSWORD, DELETE_DEVICE = "grant_roles", "set_password", "delete_device"
    KINDS = [(GRANT_ROLES, "Grant roles that see identities"), (SET_PASSWORD, "Reset password"),
             (DELETE_DEVICE, "Delete second-factor device")]
    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"

    kind = models.CharField(max_length=20, choices=KINDS)
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_changes")
    roles = models.JSONField(default=list, blank=True, help_text="The account's whole role set once approved.")
    password_hash = models.CharField(max_length=256, blank=True)
    device_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, default=PENDING,
                              choices=[(PENDING, "Awaiting a second administrator"), (APPROVED, "Approved"),
                                       (REJECTED, "Rejected")])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(decided_by=models.F("requested_by")),
                                   name="staff_change_decided_by_another"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.target_id} ({self.status})"
