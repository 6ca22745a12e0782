from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp.decorators import otp_required

from resettle.accounts.permissions import require
from resettle.accounts.roles import VERIFY
from resettle.applications.models import Application
from resettle.applications.selectors import get_application
from resettle.core.views import row_link
from resettle.records.models import EmploymentRecord
from resettle.verification import selectors, services
from resettle.verification.forms import DecisionForm


@login_required
@otp_required
def queue(request):
    show_all = request.GET.get("all") == "1"
    applications = selectors.verifier_queue(user=request.user, include_done=show_all)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    link_prefix, link_suffix = row_link("verification:case")
    return render(request, "verification/queue.html", {"page": page, "all": show_all,
                                                       "link_prefix": link_prefix, "link_suffix": link_suffix})


def _case(request, pk) -> Application:
    # The same answer whether the case does not exist or is not the verifier's to see (403 both
    # ways, audited), so probing ids learns nothing.
    require(request.user, VERIFY, target=("applications.application", str(pk)))
    return get_application(request.user, pk)


@login_required
@otp_required
def case(request, pk):
    application = _case(request, pk)
    view = selectors.verification_case(user=request.user, application=application)
    return render(request, "verification/case.html", {"case": view, "form": DecisionForm(),
                                                      "scored": application.candidates.exists()})


@login_required
@otp_required
@require_POST
def score(request, pk):
    """Score a new application now rather than wait for the worker (a write, so a POST)."""
    application = _case(request, pk)
    found = services.candidates_refresh(application=application)
    messages.success(request, f"{len(found)} candidate record(s) found for {application.reference}.")
    return redirect("verification:case", pk=pk)


@login_required
@otp_required
@require_POST
def decide(request, pk):
    application = _case(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not recorded: choose confirm or reject and give a reason.")
        return redirect("verification:case", pk=pk)
    d = form.cleaned_data
    record = EmploymentRecord.objects.filter(pk=d["record"]).first() if d["record"] else None
    if d["record"] and record is None:
        messages.error(request, "Not recorded: that record no longer exists.")
        return redirect("verification:case", pk=pk)
    claim = application.claimed_employment.filter(pk=d["claim"]).first() if d.get("claim") else None
    before = application.status
    try:
        services.verification_decide(actor=request.user, application=application, record=record,
                                     outcome=d["outcome"], reason=d["reason"], claim=claim,
                                     revision=d.get("revision") or False)
    except services.VerificationError as exc:
        messages.error(request, f"Not recorded: {exc}")
        return redirect("verification:case", pk=pk)
    messages.success(request, f"Decision recorded for {application.reference}.")
    _advance_when_verified(request, application, before)
    return redirect("verification:case", pk=pk)


def _advance_when_verified(request, application, before: str) -> None:
    # casework moves the case on when its last claim is decided (it listens for claim_decided)
    application.refresh_from_db()
    if application.status != before:
        messages.success(request, f"{application.reference}: every claim verified; the case moves on to "
                                  f"'{application.get_status_display()}'.")
