"""Reads for the exports page: a requester's own requests, and what awaits an approver."""

from __future__ import annotations

from dataclasses import dataclass

from resettle.accounts import roles
from resettle.accounts.permissions import can, require
from resettle.exports.models import ExportRequest, ExportStatus


@dataclass
class ExportsPage:
    can_request: bool
    can_approve: bool
    own: list[ExportRequest]
    awaiting: list[ExportRequest]  # others' identified requests this user may approve


def exports_page(user) -> ExportsPage:
    """Refused (and audited) for roles that may neither request nor approve exports."""
    can_request, can_approve = can(user, roles.EXPORT_REQUEST), can(user, roles.EXPORT_APPROVE)
    if not (can_request or can_approve):
        require(user, roles.EXPORT_REQUEST)
    own = list(ExportRequest.objects.filter(requested_by=user).select_related("approved_by")[:50]) if can_request else []
    awaiting = []
    if can_approve:
        awaiting = list(ExportRequest.objects.filter(status=ExportStatus.AWAITING_APPROVAL)
                        .exclude(requested_by=user).select_related("requested_by"))
    return ExportsPage(can_request=can_request, can_approve=can_approve, own=own, awaiting=awaiting)


def export_for(export_id) -> ExportRequest | None:
    """The export with this id, if any. What the user may do with it is the services' to decide
    (and to audit when they refuse)."""
    return ExportRequest.objects.select_related("requested_by", "approved_by").filter(pk=export_id).first()
