"""Requests for data leaving the system, each one a row someone must answer for."""

import uuid

from django.conf import settings
from django.db import models


class ExportKind(models.TextChoices):
    APPLICATIONS = "applications", "Applications (one row per family member)"
    RECORDS = "records", "Employment records"


class ExportStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting a second person's approval"
    APPROVED = "approved"
    DELIVERED = "delivered", "Delivered (rendered once; request again for another copy)"


class ExportRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=ExportKind.choices)
    identified = models.BooleanField(default=False, help_text="Carries names, birth dates and document numbers.")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=ExportStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="export_requests")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="export_approvals")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True, help_text="Of the file handed out: identifies a leaked copy.")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database itself refuses a self-approved request, whatever code path writes it.
            models.CheckConstraint(condition=~models.Q(approved_by=models.F("requested_by")),
                                   name="export_approver_is_not_requester"),
        ]

    def __str__(self) -> str:
        return f"export {str(self.id)[:8]} ({self.kind}{', identified' if self.identified else ''})"
