"""Exports page: request, approve, download once. Views only route; the rules are in services."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resettle.exports.forms import ExportRequestForm
from resettle.exports.selectors import export_for, exports_page
from resettle.exports.services import ExportError, export_approve, export_render, export_request


def index(request):
    page = exports_page(request.user)
    form = ExportRequestForm(request.POST or None) if page.can_request else None
    if request.method == "POST" and form is not None and form.is_valid():
        d = form.cleaned_data
        try:
            made = export_request(actor=request.user, kind=d["kind"], identified=d["identified"], reason=d["reason"])
        except ExportError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Export requested.") if made.identified
                             else _("Export ready: download it below (once)."))
            return redirect("exports:index")
    return render(request, "exports/index.html", {"page": page, "form": form})


@require_POST
def approve(request, export_id):
    export = export_for(export_id)
    if export is None:
        raise Http404
    try:
        export_approve(actor=request.user, request=export)
    except ExportError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved: the requester can now download it once."))
    return redirect("exports:index")


@require_POST  # a download changes state: the file is handed out once
def download(request, export_id):
    export = export_for(export_id)
    if export is None:
        raise Http404
    try:
        data = export_render(actor=request.user, request=export)
    except ExportError as exc:
        messages.error(request, str(exc))
        return redirect("exports:index")
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="resettle-{export.kind}-{str(export.id)[:8]}.csv"'
    response["Cache-Control"] = "no-store"
    return response
