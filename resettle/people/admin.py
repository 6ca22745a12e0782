import secrets

from django.contrib import admin
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse

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


SEARCH_PARAM = "found"
_KEPT_SEARCHES = 10


@admin.register(Person)
class PersonAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    person_path = ""
    list_display = ("__str__", "name_script", "gender", "created_at")  # never names in lists
    # The search box takes a name in any spelling or script; it is matched through the blind
    # indexes (name or father's name), never against plain text, and the search is audited
    # without the words searched for. It is POSTed, never put in the URL: a name in a query
    # string lands in access logs, browser history and Referer headers. The results page is
    # addressed by a random token standing for the search, kept in the session.
    search_fields = ()
    change_list_template = "admin/people/person/change_list.html"

    def changelist_view(self, request, extra_context=None):
        self._refuse_unless(request, self.view_capability)
        if request.method == "POST" and "name_search" in request.POST:
            return self._search(request, request.POST.get("name_search", ""))
        token = request.GET.get(SEARCH_PARAM)
        if token is not None:
            request.GET = request.GET.copy()
            del request.GET[SEARCH_PARAM]  # not a field lookup for the change list
            request._person_search = request.session.get("person_searches", {}).get(token) or ["-", "-"]
        return super().changelist_view(request, extra_context)

    def _search(self, request, term: str):
        from resettle.audit.services import record_event
        from resettle.core.fields import digest
        from resettle.names.keys import name_key

        url = reverse("admin:people_person_changelist")
        if not term.strip():
            return redirect(url)
        digests = [digest("person.name", name_key, term), digest("person.father", name_key, term)]
        searches = dict(list(request.session.get("person_searches", {}).items())[-(_KEPT_SEARCHES - 1):])
        token = secrets.token_urlsafe(12)
        searches[token] = digests
        request.session["person_searches"] = searches
        found = self._filter(self.get_queryset(request), digests).count()
        record_event(actor=request.user, action="person.searched", reason="admin", details={"results": found})
        return redirect(f"{url}?{SEARCH_PARAM}={token}")

    @staticmethod
    def _filter(queryset, digests):
        return queryset.filter(Q(full_name_index=digests[0]) | Q(father_name_index=digests[1]))

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        digests = getattr(request, "_person_search", None)
        return self._filter(queryset, digests) if digests else queryset


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    list_display = ("__str__", "kind")


@admin.register(ContactDetail)
class ContactDetailAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_CONTACT
    list_display = ("__str__", "kind")
