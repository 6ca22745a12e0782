"""The applicant portal's pages. No account: the session holds only the draft's id after the
applicant started it or opened it with reference and secret. Nothing the applicant typed ever
goes into a URL; every form posts."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from resettle.portal import casework_bridge, forms, ratelimit, selectors, services
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
            # A POST without a length (chunked) could stream without end: refused like a large one.
            default = "0" if request.method in ("GET", "HEAD") else str(max_bytes + 1)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or default)
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


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
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


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
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
        # Neither value is sent back, so the page is the same whatever was wrong.
        form, status = forms.ResumeForm(), 400
    return render(request, "portal/resume.html", {"form": form, "failed": status == 400}, status=status)


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
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


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def principal(request, draft):
    return _step(request, draft, form_class=forms.PrincipalForm, section="principal", step=Step.PRINCIPAL,
                 next_step=Step.EMPLOYMENT, template="portal/principal.html",
                 initial=services.payload(draft)["principal"])


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def employment(request, draft):
    """One period of work at a time: the form, when filled in, is added to the list; "another"
    stays on the step for the next one, "next" goes on once there is at least one."""
    work = services.payload(draft)["work"]
    form, need_work = forms.EmploymentForm(), False
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.item_remove(draft=draft, section="work", index=int(request.POST["remove"]))
            except ValueError:
                pass
            return redirect("portal:employment")
        form = forms.EmploymentForm(request.POST)
        filled = any(request.POST.get(name, "").strip() for name in ("employer", "unit", "role", "location",
                                                                    "start_date", "end_date", "details",
                                                                    "referee_name", "referee_contact"))
        if filled and len(work) >= forms.MAX_CLAIMS:
            form.add_error(None, forms.TOO_MANY_CLAIMS)
        elif filled and form.is_valid():
            another = "another" in request.POST
            services.item_add(draft=draft, section="work", values=form.values(),
                              next_step=Step.EMPLOYMENT if another else Step.FAMILY)
            return _after_step(request, draft, "portal:employment" if another else "portal:family")
        elif not filled and work:
            services.draft_save(draft=draft, section="work", values=work, next_step=Step.FAMILY)
            return _after_step(request, draft, "portal:family")
        elif not filled and "leave" in request.POST:
            return _after_step(request, draft, "portal:employment")
        elif not filled:
            form, need_work = forms.EmploymentForm(), True
    return render(request, "portal/employment.html", {
        "form": form, "draft": draft, "work": [selectors.claim_rows(e) for e in work], "need_work": need_work,
        "can_add": len(work) < forms.MAX_CLAIMS, **_progress(Step.EMPLOYMENT),
    }, status=400 if form.errors or need_work else 200)


def _after_step(request, draft, next_url: str):
    if "leave" in request.POST:
        request.session.flush()
        return render(request, "portal/message.html", {"title_key": "left", "reference": draft.reference})
    return redirect(next_url)


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def family(request, draft):
    members = services.payload(draft)["members"]
    form = forms.MemberForm()
    if request.method == "POST":
        if "remove" in request.POST:
            try:
                services.item_remove(draft=draft, section="members", index=int(request.POST["remove"]))
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
            services.item_add(draft=draft, section="members", values=form.values())
            return redirect("portal:family")
    return render(request, "portal/family.html", {
        "form": form, "draft": draft, "members": [selectors.member_rows(m) for m in members],
        "can_add": len(members) < forms.MAX_MEMBERS, **_progress(Step.FAMILY),
    }, status=400 if form.errors else 200)


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
@require_http_methods(["GET", "POST"])
@body_limit(FORM_BYTES)
@with_draft
def review(request, draft):
    data = services.payload(draft)
    missing = [s for s in ("principal", "work") if not data[s]]
    form = forms.ConfirmForm(request.POST or None)
    if request.method == "POST" and not missing and form.is_valid():
        services.draft_submit(draft=draft)
        return redirect("portal:status")
    return render(request, "portal/review.html", {
        "form": form, "draft": draft, "missing": missing, "s": selectors.summary(draft), **_progress(Step.REVIEW),
    }, status=400 if form.errors else 200)


def _status_page(request, draft, *, answer=None, document=None, change=None, action=None, done="", status=200):
    view = selectors.applicant_view(draft)
    actions = casework_bridge.applicant_actions(draft.application) if draft.application else []
    action_forms = {a: forms.ActionForm(initial={"action": a}, auto_id=f"id_{a}_%s") for a in actions}
    if action is not None and action.data.get("action") in action_forms:
        action_forms[action.data["action"]] = action
    answers = {str(r.pk): forms.AnswerForm(initial={"request_id": str(r.pk)}) for r in view.requests}
    if answer is not None and answer.data.get("request_id") in answers:
        answers[answer.data["request_id"]] = answer
    return render(request, "portal/status.html", {
        "draft": draft, "view": view, "requests": [(r, answers[str(r.pk)]) for r in view.requests],
        "document_form": document or forms.DocumentForm(), "change_form": change or forms.ChangeForm(), "done": done,
        "reconsider_form": action_forms.get("request_reconsideration"), "withdraw_form": action_forms.get("withdraw"),
    }, status=status)


@login_not_required
@never_cache  # shared phones and internet cafés: Back after leaving must not show the answers
@require_http_methods(["GET"])
@with_draft
def status(request, draft):
    return _status_page(request, draft, done=request.session.pop("portal.done", ""))


def _case_action(max_bytes: int):
    """A POST on a submitted case, from a signed-out phone, of at most `max_bytes`: only once its
    case exists. Never cached: on shared phones and in internet cafés, Back after leaving must not
    show the answers."""
    def wrap(view):
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            draft = _draft(request)
            if draft is None:
                return redirect("portal:resume")
            if draft.application is None:  # submitted, its case not created yet
                return redirect("portal:status")
            return view(request, draft, *args, **kwargs)
        return login_not_required(never_cache(require_http_methods(["POST"])(body_limit(max_bytes)(inner))))
    return wrap


def _after(request, draft, done: str):
    # Post/redirect/get, so a reload does not send the answer twice; the note survives one page.
    request.session["portal.done"] = done
    return redirect("portal:status")


def _uploads_left(draft) -> bool:
    return not ratelimit.over("upload", str(draft.pk), ratelimit.UPLOADS_PER_CASE)


@_case_action(UPLOAD_BYTES)
def answer(request, draft):
    form = forms.AnswerForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data.get("upload") and not _uploads_left(draft):
        form.add_error("upload", forms.TOO_MANY_FILES)
    if form.is_valid():
        if form.cleaned_data.get("upload"):
            ratelimit.hit("upload", str(draft.pk))
        files = [form.cleaned_data["upload"]] if form.cleaned_data.get("upload") else []
        try:
            casework_bridge.answer(application=draft.application, request_id=form.cleaned_data["request_id"],
                                   text=form.cleaned_data["text"], files=files)
            return _after(request, draft, "answered")
        except casework_bridge.Refused:
            form.add_error(None, forms.REFUSED)
    return _status_page(request, draft, answer=form, status=400)


@_case_action(UPLOAD_BYTES)
def document(request, draft):
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid() and not _uploads_left(draft):
        form.add_error("upload", forms.TOO_MANY_FILES)
    if form.is_valid():
        ratelimit.hit("upload", str(draft.pk))
        try:
            casework_bridge.upload(application=draft.application, upload=form.cleaned_data["upload"],
                                   kind=form.cleaned_data["kind"])
            return _after(request, draft, "uploaded")
        except casework_bridge.Refused:
            form.add_error("upload", forms.FILE_REFUSED)
    return _status_page(request, draft, document=form, status=400)


@_case_action(FORM_BYTES)
def change(request, draft):
    form = forms.ChangeForm(request.POST)
    if form.is_valid():
        effective = services.day(form.cleaned_data["effective_on"], form.cleaned_data["calendar"])
        try:
            casework_bridge.report_change(application=draft.application, kind=form.cleaned_data["kind"],
                                          details=form.cleaned_data["details"], effective_on=effective)
            return _after(request, draft, "reported")
        except casework_bridge.Refused:
            form.add_error(None, forms.REFUSED)
    return _status_page(request, draft, change=form, status=400)


@_case_action(FORM_BYTES)
def act(request, draft):
    chosen = request.POST.get("action", "")
    form = forms.ActionForm(request.POST, auto_id=f"id_{chosen if chosen in casework_bridge.APPLICANT_ACTIONS else 'x'}_%s")
    if form.is_valid():
        try:
            casework_bridge.act(application=draft.application, action=form.cleaned_data["action"])
            return _after(request, draft, form.cleaned_data["action"])
        except casework_bridge.Refused:
            form.add_error(None, forms.REFUSED)
    return _status_page(request, draft, action=form, status=400)
