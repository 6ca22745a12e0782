from django.contrib import admin

from resettle.accounts import roles
from resettle.applications.selectors import case_scope
from resettle.core.admin import CapabilityAdmin
from resettle.people.models import ContactDetail, IdentityDocument, Person


class _OnVisibleCases(CapabilityAdmin):
    """People are visible only through a case the user may open; all read-only, because
    changes to identities go through the versioned, audited people services."""

    identifying = True
    person_path = "person__"

    def scope(self, request, queryset):
        cases = case_scope(request.user).values("pk")
        return queryset.filter(**{f"{self.person_path}memberships__application__in": cases}).distinct()


@admin.register(Person)
class PersonAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    person_path = ""
    list_display = ("__str__", "name_script", "gender", "created_at")  # never names in lists


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    list_display = ("__str__", "kind")


@admin.register(ContactDetail)
class ContactDetailAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_CONTACT
    list_display = ("__str__", "kind")
