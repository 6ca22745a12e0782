"""The people behind cases, in the admin. Registered by the applications app because who may see a
person is a case rule (team, assignment, stage): people itself knows nothing of cases."""

import secrets

from django.contrib import admin
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
            request._person_search = request.session.get("person_searches", {}).get(token) or []
        return super().changelist_view(request, extra_context)

    def _search(self, request, term: str):
        from resettle.audit.services import record_event
        from resettle.people.selectors import people_matching

        url = reverse("admin:people_person_changelist")
        if not term.strip():
            return redirect(url)
        # Any spelling in either script, or a tazkira, passport or phone number, through the
        # keyed search digests; the session keeps the ids found (best first), never the words.
        found = [str(m.person_id) for m in people_matching(term)][:500]
        searches = dict(list(request.session.get("person_searches", {}).items())[-(_KEPT_SEARCHES - 1):])
        token = secrets.token_urlsafe(12)
        searches[token] = found
        request.session["person_searches"] = searches
        visible = self._filter(self.get_queryset(request), found).count()
        record_event(actor=request.user, action="person.searched", reason="admin", details={"results": visible})
        return redirect(f"{url}?{SEARCH_PARAM}={token}")

    @staticmethod
    def _filter(queryset, ids):
        return queryset.filter(pk__in=[i for i in ids if i != "-"])

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = getattr(request, "_person_search", None)
        return self._filter(queryset, ids) if ids is not None else queryset


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_IDENTITY
    list_display = ("__str__", "kind")


@admin.register(ContactDetail)
class ContactDetailAdmin(_OnVisibleCases):
    view_capability = roles.PERSON_CONTACT
    list_display = ("__str__", "kind")
