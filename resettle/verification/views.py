from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.decorators import otp_required

from resettle.accounts.permissions import require
from resettle.accounts.roles import VERIFY
from resettle.applications.models import Application
from resettle.records.models import EmploymentRecord
from resettle.verification import selectors, services
from resettle.verification.forms import DecisionForm


@login_required
@otp_required
def queue(request):
    show_all = request.GET.get("all") == "1"
    applications = selectors.verifier_queue(user=request.user, include_done=show_all)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(request, "verification/queue.html", {"page": page, "all": show_all})


@login_required
@otp_required
def case(request, pk):
    application = get_object_or_404(Application, pk=pk)
    if not application.candidates.exists():
        # A new application: score it now rather than make the verifier wait for the worker.
        require(request.user, VERIFY, target=application)
        services.candidates_refresh(application=application)
    view = selectors.verification_case(user=request.user, application=application)
    return render(request, "verification/case.html", {"case": view, "form": DecisionForm()})


@login_required
@otp_required
@require_POST
def decide(request, pk):
    application = get_object_or_404(Application, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose confirm or reject and give a reason.")
        return redirect("verification:case", pk=pk)
    record = get_object_or_404(EmploymentRecord, pk=form.cleaned_data["record"]) if form.cleaned_data["record"] else None
    try:
        services.verification_decide(actor=request.user, application=application, record=record,
                                     outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
    except services.VerificationError as exc:
        messages.error(request, str(exc))
    except PermissionDenied:
        raise
    else:
        messages.success(request, f"Decision recorded for {application.reference}.")
    return redirect("verification:case", pk=pk)
