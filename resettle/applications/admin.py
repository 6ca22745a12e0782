from django.contrib import admin

from resettle.accounts import roles
from resettle.applications.models import Application, ClaimedEmployment, Member
from resettle.applications.selectors import case_scope
from resettle.core.admin import CapabilityAdmin


@admin.register(Application)
class ApplicationAdmin(CapabilityAdmin):
    view_capability = roles.CASE_VIEW
    list_display = ("reference", "status", "pathway", "received_on", "team")
    list_filter = ("status", "pathway")
    search_fields = ("reference",)
    exclude = ("assigned_to",)

    def scope(self, request, queryset):
        return queryset.filter(pk__in=case_scope(request.user).values("pk"))


@admin.register(ClaimedEmployment)
class ClaimedEmploymentAdmin(CapabilityAdmin):
    view_capability = roles.CASE_VIEW
    list_display = ("application", "employer", "unit", "role", "verification_status")

    def scope(self, request, queryset):
        return queryset.filter(application__in=case_scope(request.user).values("pk"))


@admin.register(Member)
class MemberAdmin(CapabilityAdmin):
    view_capability = roles.PERSON_FAMILY
    list_display = ("application", "relationship", "position")

    def scope(self, request, queryset):
        return queryset.filter(application__in=case_scope(request.user).values("pk"))

from resettle.applications import admin_people  # noqa: E402,F401  (registers Person, documents, contacts)
