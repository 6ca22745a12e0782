"""Casework rows in the admin: read-only (every change goes through the services, which check
the actor and write the audit event), and only for cases the user may reach."""

from django.contrib import admin

from resettle.accounts import roles
from resettle.applications.selectors import case_scope
from resettle.casework.models import Decision, StatusChange
from resettle.core.admin import CapabilityAdmin


class _CaseScoped(CapabilityAdmin):
    view_capability = roles.CASE_VIEW

    def scope(self, request, queryset):
        return queryset.filter(application__in=case_scope(request.user).values("pk"))


@admin.register(StatusChange)
class StatusChangeAdmin(_CaseScoped):
    list_display = ("application", "from_stage", "to_stage", "action", "actor", "via", "at")
    list_filter = ("to_stage", "action")


@admin.register(Decision)
class DecisionAdmin(_CaseScoped):
    view_capability = (roles.DECIDE, roles.APPROVE)
    list_display = ("application", "outcome", "state", "policy_id", "version_id", "proposed_by", "confirmed_by")
    list_filter = ("state", "outcome")
    exclude = ("reasons", "review_note")
