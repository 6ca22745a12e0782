"""Read-only admin views of relocation data: every change goes through the services (and their
audit events) on the coordinator screens."""

from django.contrib import admin

from resettle.accounts import roles
from resettle.core.admin import CapabilityAdmin
from resettle.relocation.models import ArrivalPoint, Flight, Milestone, ReceptionCentre, Tranche, TrancheCase


@admin.register(ArrivalPoint)
class ArrivalPointAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("name", "location")


@admin.register(ReceptionCentre)
class ReceptionCentreAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("name", "location", "capacity")


@admin.register(Tranche)
class TrancheAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("name", "arrival_point", "plan_status", "planned_at", "closed")


@admin.register(Flight)
class FlightAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("code", "date", "origin", "destination", "aircraft", "seats", "tranche")


@admin.register(TrancheCase)
class TrancheCaseAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("application", "tranche", "risk_level", "planned", "held", "pinned_flight")


@admin.register(Milestone)
class MilestoneAdmin(CapabilityAdmin):
    view_capability = roles.RELOCATION_MANAGE
    list_display = ("application", "kind", "on")
