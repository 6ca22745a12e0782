"""Sign-in with password and TOTP code, first-time enrolment, sign-out, and the home page."""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout, user_login_failed
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from resettle.accounts import roles
from resettle.accounts.forms import LoginForm, TokenForm
from resettle.accounts.otp import confirm_enrolment, confirmed_device, enrolment_device, qr_svg
from resettle.accounts.permissions import capabilities_of, roles_of
from resettle.audit.services import record_event


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@sensitive_post_parameters("password", "token")
@csrf_protect
@never_cache
def login_view(request):
    form = LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        username, token = form.cleaned_data["username"], form.cleaned_data["token"]
        # The request goes to authenticate() so django-axes can count failures and lock out.
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            return redirect(request.path)  # the axes middleware answers locked-out requests
        if user is not None:
            device = confirmed_device(user)
            if device is None:
                login(request, user)  # password only: good for enrolment and nothing else
                return redirect("accounts:enrol")
            if token and device.verify_token(token):
                login(request, user)
                otp_login(request, device)
                record_event(actor=user, action="staff.signed_in", details={"second_factor": "totp"})
                return redirect(_next_url(request))
            # A wrong code counts as a failed sign-in, so guessing codes also ends in lock-out.
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            if getattr(request, "axes_locked_out", False):
                return redirect(request.path)
        error = _("Sign-in failed: check your user name, password and code.")
    return render(request, "accounts/login.html", {"form": form, "error": error, "next": _next_url(request)})


@never_cache
def enrol_view(request):
    user = request.user
    if confirmed_device(user) is not None:
        return redirect("accounts:home")
    device = enrolment_device(user)
    form = TokenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        if confirm_enrolment(user, device, form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect("accounts:home")
        error = _("That code did not match. Check the time on your phone and try the next code.")
    return render(request, "accounts/enrol.html", {"form": form, "error": error, "qr": qr_svg(device),
                                                   "secret": _base32(device.bin_key)})


def _base32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


# What each capability lets a person do, in words for the home page.
CAPABILITY_TEXT = {
    roles.CASE_VIEW: _l("Open the cases of your team and those assigned to you"),
    roles.CASE_VIEW_ALL: _l("Open any case"),
    roles.CASE_CREATE: _l("Record new applications"),
    roles.CASE_EDIT: _l("Change cases"),
    roles.PERSON_IDENTITY: _l("See applicants' names, birth dates and documents"),
    roles.PERSON_CONTACT: _l("See applicants' contact details"),
    roles.PERSON_FAMILY: _l("See the family members on a case"),
    roles.RECORDS_VIEW: _l("Read employment records to verify claims"),
    roles.RECORDS_IMPORT: _l("Import employment record files"),
    roles.APPLICATIONS_IMPORT: _l("Import application files"),
    roles.VERIFY: _l("Confirm or reject claimed employment"),
    roles.ELIGIBILITY_EVALUATE: _l("Evaluate eligibility under a policy"),
    roles.DECIDE: _l("Decide applications"),
    roles.APPROVE: _l("Give second approval to decisions"),
    roles.RELOCATION_MANAGE: _l("Manage relocation"),
    roles.REPORTS_AGGREGATE: _l("See aggregate figures (no names)"),
    roles.EXPORT_REQUEST: _l("Request data exports"),
    roles.EXPORT_APPROVE: _l("Approve data exports"),
    roles.AUDIT_VERIFY: _l("Verify the audit log"),
    roles.USERS_MANAGE: _l("Manage staff accounts"),
}


def home_view(request):
    user = request.user
    return render(request, "accounts/home.html", {
        "role_labels": [roles.ROLE_LABELS[r] for r in sorted(roles_of(user)) if r in roles.ROLE_LABELS],
        "abilities": [text for cap, text in CAPABILITY_TEXT.items() if cap in capabilities_of(user)],
    })


def staff_changes_view(request):
    """Changes to staff accounts awaiting a second administrator: those others asked for, to
    approve or reject, and one's own, to see where they stand."""
    from django.contrib import messages

    from resettle.accounts.models import StaffChange
    from resettle.accounts.permissions import require
    from resettle.accounts.services import StaffChangeError, staff_change_decide

    require(request.user, roles.USERS_MANAGE)
    if request.method == "POST":
        change = StaffChange.objects.filter(pk=request.POST.get("change") or 0).first() if (
            request.POST.get("change", "").isdigit()) else None
        decision = request.POST.get("decision")
        if change is None or decision not in ("approve", "reject"):
            messages.error(request, _("Choose a pending change and approve or reject it."))
        else:
            try:
                staff_change_decide(actor=request.user, change=change, approve=decision == "approve")
            except StaffChangeError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Approved and applied.") if decision == "approve" else _("Rejected."))
        return redirect("accounts:staff_changes")
    pending = StaffChange.objects.filter(status=StaffChange.PENDING).select_related("target", "requested_by")
    return render(request, "accounts/staff_changes.html", {
        "to_decide": [c for c in pending if c.requested_by_id != request.user.pk and c.target_id != request.user.pk],
        "own": [c for c in pending if c.requested_by_id == request.user.pk],
        "recent": StaffChange.objects.exclude(status=StaffChange.PENDING).select_related(
            "target", "requested_by", "decided_by")[:20],
    })
