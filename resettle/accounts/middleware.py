"""Two factors for everything: a session that has not passed the TOTP check reaches only
sign-in, enrolment, sign-out and the health check."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from resettle.accounts.otp import confirmed_device

OPEN_URL_NAMES = {"accounts:login", "accounts:logout", "healthz", "set_language"}


class RequireVerifiedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.view_name if match else ""
        if name in OPEN_URL_NAMES or request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if match and match.app_name == "portal":
            return None  # the public applicant portal (resettle/portal): applicants have no account
        if request.path.startswith("/api/"):
            return None  # the API answers 403 itself (resettle.applications.api.IsVerified), not a redirect
        user = request.user
        if user.is_authenticated and user.is_verified():
            return None
        if name == "accounts:enrol" and user.is_authenticated and confirmed_device(user) is None:
            return None
        if user.is_authenticated and confirmed_device(user) is None:
            return redirect("accounts:enrol")
        return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
