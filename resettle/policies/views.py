"""Eligibility pages. Views only read requests and render: the rules are in reports.py."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resettle.accounts import roles
from resettle.accounts.permissions import require
from resettle.applications.selectors import get_application
from resettle.policies import reports
from resettle.policies.engine.simulate import RecordsError
from resettle.policies.forms import SimulationForm
from resettle.policies.services import PolicyError, evaluate_application


def policy_list(request):
    return render(request, "policies/list.html", {"policies": reports.policies_listing(request.user)})


def simulate(request):
    require(request.user, roles.REPORTS_AGGREGATE)
    form = SimulationForm(request.GET or None)
    report = error = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        try:
            report = reports.simulation_report(request.user, policy=d["policy"], compare_with=d["compare_with"] or None,
                                               on=d["on"], prior_dependants=d["prior_dependants"])
        except (KeyError, LookupError, RecordsError, ValueError) as exc:
            error = str(exc.args[0] if exc.args else exc)
    return render(request, "policies/simulate.html", {"form": form, "report": report, "error": error})


@require_POST
def evaluate(request, application_id):
    # refused before any transaction starts, so the refusal's audit entry is never rolled back
    require(request.user, roles.ELIGIBILITY_EVALUATE, target=("applications.application", str(application_id)))
    application = get_application(request.user, application_id)
    try:
        evaluate_application(application=application, actor=request.user, reason="evaluated from the case page")
    except PolicyError as exc:
        messages.error(request, _("Could not evaluate: %(why)s") % {"why": exc})
    return redirect("applications:detail", application_id=application.pk)
