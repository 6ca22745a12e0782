"""The applicant portal's pages. No account: the session holds only the draft's id after the
applicant started it or opened it with reference and secret. Nothing the applicant typed ever
goes into a URL; every form posts."""

from __future__ import annotations

import functools

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from resettle.portal import forms, ratelimit, selectors, services
from resettle.portal.models import Draft, Step

SESSION_KEY = "portal.draft"
FORM_BYTES = 64 * 1024  # the largest form is the family member's, a few hundred bytes
UPLOAD_BYTES = 5 * 1024 * 1024 + 64 * 1024
STEPS = [Step.PRINCIPAL, Step.EMPLOYMENT, Step.FAMILY, Step.REVIEW]


def _too_large(request):
    return render(request, "portal/message.html", {"title_key": "too_large"}, status=413)


def body_limit(max_bytes: int):
    """Refuse a request whose body is larger than the page can need, before reading it."""
    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = max_bytes + 1
            if length > max_bytes:
                return _too_large(request)
            return view(request, *args, **kwargs)
        return inner
    return wrap


def _address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _draft(request) -> Draft | None:
    draft_id = request.session.get(SESSION_KEY)
    return Draft.objects.filter(pk=draft_id).select_related("application").first() if draft_id else None


def with_draft(view):
    """Pages of an application in progress; without one in the session, the resume page."""
    @functools.wraps(view)
    def inner(request, *args, **kwargs):
        draft = _draft(request)
        if draft is None:
            return redirect("portal:resume")
        if draft.submitted_at and view.__name__ != "status":
            return redirect("portal:status")
        return view(request, draft, *args, **kwargs)
    return inner


def _progress(step: str) -> dict:
    return {"steps": STEPS, "current": step, "number": STEPS.index(step) + 1, "total": len(STEPS)}


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
def start(request):
    if request.method == "POST":
        try:
            draft, secret = services.draft_start(address=_address(request), language=get_language() or "")
        except ratelimit.RateLimited:
            return render(request, "portal/message.html", {"title_key": "limited"}, status=429)
        request.session.cycle_key()
        request.session[SESSION_KEY] = str(draft.pk)
        # Rendered in this response, never stored or redirected: the secret exists only here.
        response = render(request, "portal/secret.html", {"draft": draft, "secret": secret})
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "portal/start.html", {"has_draft": _draft(request) is not None})


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
def resume(request):
    form = forms.ResumeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.draft_open(reference=form.cleaned_data["reference"], secret=form.cleaned_data["secret"],
                                        address=_address(request))
        except ratelimit.RateLimited:
            return render(request, "portal/message.html", {"title_key": "limited"}, status=429)
        if draft is not None:
            request.session.cycle_key()
            request.session[SESSION_KEY] = str(draft.pk)
            return redirect("portal:status" if draft.submitted_at else f"portal:{draft.step}")
        form = forms.ResumeForm()  # the secret is never sent back
        form.add_error(None, forms.RESUME_FAILED)
        status = 400
    return render(request, "portal/resume.html", {"form": form}, status=status)


@require_http_methods(["POST"])
@body_limit(FORM_BYTES)
def leave(request):
    request.session.flush()
    return render(request, "portal/message.html", {"title_key": "left"})


def _step(request, draft, *, form_class, section, step, next_step, template, initial):
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.draft_save(draft=draft, section=section, values=form.values(), next_step=next_step)
        if "leave" in request.POST:
            request.session.flush()
            return render(request, "portal/message.html", {"title_key": "left", "reference": draft.reference})
        return redirect(f"portal:{next_step}")
    return render(request, template, {"form": form, "draft": draft, **_progress(step)},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def principal(request, draft):
    return _step(request, draft, form_class=forms.PrincipalForm, section="principal", step=Step.PRINCIPAL,
                 next_step=Step.EMPLOYMENT, template="portal/principal.html",
                 initial=services.payload(draft)["principal"])


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def employment(request, draft):
    return _step(request, draft, form_class=forms.EmploymentForm, section="employment", step=Step.EMPLOYMENT,
                 next_step=Step.FAMILY, template="portal/employment.html",
                 initial=services.payload(draft)["employment"])


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def family(request, draft):
    members = services.payload(draft)["members"]
    form = forms.MemberForm()
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.member_remove(draft=draft, index=int(request.POST["remove"]))
            except ValueError:
                pass
            return redirect("portal:family")
        if "continue" in request.POST or "leave" in request.POST:
            services.draft_save(draft=draft, section="members", values=members, next_step=Step.REVIEW)
            if "leave" in request.POST:
                request.session.flush()
                return render(request, "portal/message.html", {"title_key": "left", "reference": draft.reference})
            return redirect("portal:review")
        form = forms.MemberForm(request.POST)
        if len(members) >= forms.MAX_MEMBERS:
            form.add_error(None, forms.TOO_MANY_MEMBERS)
        elif form.is_valid():
            services.member_add(draft=draft, values=form.values())
            return redirect("portal:family")
    return render(request, "portal/family.html", {
        "form": form, "draft": draft, "members": [selectors.member_rows(m) for m in members],
        "can_add": len(members) < forms.MAX_MEMBERS, **_progress(Step.FAMILY),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def review(request, draft):
    data = services.payload(draft)
    missing = [s for s in ("principal", "employment") if not data[s]]
    form = forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and not missing and form.is_valid():
        services.draft_submit(draft=draft)
        return redirect("portal:status")
    return render(request, "portal/review.html", {
        "form": form, "draft": draft, "missing": missing, "s": selectors.summary(draft), **_progress(Step.REVIEW),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET"])
@with_draft
def status(request, draft):
    return render(request, "portal/status.html", {"draft": draft, "view": selectors.applicant_view(draft)})
