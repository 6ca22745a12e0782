"""Reads of HR record imports. Lists show provenance and counts only; the names in the
records are read through the verification screens, which audit each view."""

from __future__ import annotations

from django.db.models import QuerySet

from resettle.accounts import roles
from resettle.accounts.permissions import can, require
from resettle.records.models import ImportBatch


def import_batches(user, *, kind: str | None = None) -> QuerySet[ImportBatch]:
    """Import history: record imports for those who import or verify records, application
    imports for those who import applications."""
    kinds = set()
    if can(user, roles.RECORDS_VIEW) or can(user, roles.RECORDS_IMPORT):
        kinds.add(ImportBatch.KIND_RECORDS)
    if can(user, roles.APPLICATIONS_IMPORT):
        kinds.add(ImportBatch.KIND_APPLICATIONS)
    if not kinds:
        require(user, roles.RECORDS_VIEW)  # refuses, and audits the refusal
    qs = ImportBatch.objects.select_related("source", "imported_by").filter(kind__in=kinds)
    return (qs.filter(kind=kind) if kind else qs).order_by("-imported_at")
