"""Case screens. Views only read requests and render: every rule is in the selectors."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from resettle.accounts import roles
from resettle.accounts.models import Team
from resettle.accounts.permissions import can, require
from resettle.applications import selectors
from resettle.applications.forms import ApplicationImportForm, CaseFilterForm, NameSearchForm
from resettle.applications.models import Status
from resettle.applications.imports import import_applications
from resettle.core.uploads import run_import
from resettle.core.views import row_link


def case_list(request):
    """Filters travel in the URL; a name never does (URLs end up in logs and browser history),
    so searching by name is a POST."""
    form = CaseFilterForm(request.GET or None, pathways=selectors.pathways(request.user))
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    name_form = NameSearchForm(request.POST or None)
    name = name_form.cleaned_data["name"] if request.method == "POST" and name_form.is_valid() else ""
    cases = selectors.search_applications(request.user, name=name, **filters).select_related("team")
    page = Paginator(cases, 50).get_page(None if name else request.GET.get("page"))
    link_prefix, link_suffix = row_link("applications:detail")
    return render(request, "applications/list.html", {
        "form": form, "page": page, "name_searched": bool(name),
        "link_prefix": link_prefix, "link_suffix": link_suffix,
        "name_form": name_form if can(request.user, roles.PERSON_IDENTITY) else None})


def case_detail(request, application_id):
    # Opened (scope checked, or refused and audited) once: the page's panels take this row
    # instead of each opening the case again.
    application = selectors.get_application(request.user, application_id)
    case = selectors.case_view(request.user, application, reason=f"case review ({request.resolver_match.view_name})")
    return render(request, "applications/detail.html", {"case": case, "application": application})


def _import_teams(user):
    if can(user, roles.CASE_VIEW_ALL) or can(user, roles.USERS_MANAGE):
        return Team.objects.order_by("name")
    return Team.objects.filter(members__user=user).order_by("name")


def import_view(request):
    require(request.user, roles.APPLICATIONS_IMPORT)
    form = ApplicationImportForm(request.POST or None, request.FILES or None, teams=_import_teams(request.user))
    result = problems = None
    if request.method == "POST" and form.is_valid():
        result, problems = run_import(
            form.cleaned_data["file"],
            lambda path: import_applications(path=path, actor=request.user, team=form.cleaned_data["team"],
                                             encoding=form.cleaned_data["encoding"] or None))
    return render(request, "applications/import.html", {"form": form, "result": result, "problems": problems})


def dashboard(request):
    tables = selectors.aggregates(request.user)
    return render(request, "applications/dashboard.html", {"tables": tables, "threshold": 5})
