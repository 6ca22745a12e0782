from django.contrib import admin
from django.db.models import Q

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
    # The search box takes a name in any spelling or script; it is matched through the blind
    # indexes (name or father's name), never against plain text, and the search is audited
    # without the words searched for.
    search_fields = ("full_name_index",)
    search_help_text = ("Name in any spelling or script, father's name, or a tazkira, passport or phone number "
                        "(matched through the blind indexes).")

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        from resettle.audit.services import record_event
        from resettle.core.fields import digest
        from resettle.names.keys import name_key
        from resettle.people.selectors import match_rank, people_matching

        # Any spelling, either script, a document or phone number (resettle.people.search);
        # or the father's name as written in any spelling of its canonical key.
        matches = people_matching(search_term)
        father = digest("person.father", name_key, search_term)
        found = (queryset.filter(Q(pk__in=[m.person_id for m in matches]) | Q(father_name_index=father))
                 .annotate(match_level=match_rank(matches, "pk")).order_by("match_level", "created_at"))
        record_event(actor=request.user, action="person.searched", reason="admin",
                     details={"results": found.count()})
        return found, False


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    list_display = ("__str__", "kind")


@admin.register(ContactDetail)
class ContactDetailAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_CONTACT
    list_display = ("__str__", "kind")
