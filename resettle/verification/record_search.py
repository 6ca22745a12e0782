"""The verifier's own search of the employment records, for when no candidate is right.

A true record that never reaches the candidate list is a person left without proof of service,
so a verifier can look for it: by any spelling of the name in either script, or the father's
name alone, weighed with birth, unit, role, place and period exactly as a candidate is and with
the same explanation, and confirm the record from here (through the same service as the case
page). Each search shows identifying data of many people: it is audited like any identity view,
and open only to the roles that may see records.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django_otp.decorators import otp_required

from resettle.accounts.access import require_case_access
from resettle.accounts.roles import RECORDS_VIEW
from resettle.applications.models import Application
from resettle.audit.services import record_event
from resettle.matching import ApplicantIn
from resettle.matching.model import FieldError
from resettle.records.models import EmploymentRecord
from resettle.verification import services
from resettle.verification.inputs import applicant_input
from resettle.verification.models import Outcome

RESULTS_SHOWN = 20

# Matcher field -> form field, so a value the matcher cannot read is reported on its own box.
_FORM_FIELD = {"birth_date": "birth", "claimed_start": "period_from", "claimed_end": "period_to"}


class RecordSearchForm(forms.Form):
    full_name = forms.CharField(label=_("Name (any spelling, Latin or Dari script)"), required=False, max_length=200)
    father_name = forms.CharField(label=_("Father's name"), required=False, max_length=200)
    birth = forms.CharField(label=_("Birth year or date (Gregorian or Solar Hijri)"), required=False, max_length=40)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=200)
    role = forms.CharField(label=_("Role"), required=False, max_length=200)
    location = forms.CharField(label=_("Place"), required=False, max_length=200)
    period_from = forms.CharField(label=_("Employed from (year or date)"), required=False, max_length=40)
    period_to = forms.CharField(label=_("Employed until (year or date)"), required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if not (data.get("full_name", "").strip() or data.get("father_name", "").strip()):
            raise forms.ValidationError(_("Give a name or a father's name to search for."))
        return data

    def query(self) -> ApplicantIn:
        d = self.cleaned_data
        return ApplicantIn(
            applicant_id="search", full_name=d["full_name"], father_name=d["father_name"], birth_date=d["birth"],
            claimed_role=d["role"], claimed_unit=d["unit"], claimed_location=d["location"],
            claimed_start=d["period_from"] or None, claimed_end=d["period_to"] or None)


class ConfirmForm(forms.Form):
    record = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (the applicant's review will read it)"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


def _initial(application: Application) -> dict:
    """The applicant's own data as the starting query; the verifier edits it."""
    a = applicant_input(application)
    return {"full_name": a.full_name, "father_name": a.father_name, "birth": str(a.birth_date or ""),
            "unit": a.claimed_unit, "role": a.claimed_role, "location": a.claimed_location,
            "period_from": a.claimed_start.isoformat() if a.claimed_start else "",
            "period_to": a.claimed_end.isoformat() if a.claimed_end else ""}


@login_required
@otp_required
def record_search(request, pk):
    application = get_object_or_404(Application, pk=pk)
    require_case_access(request.user, application, RECORDS_VIEW)
    if request.method == "POST":
        return _confirm(request, application)
    results = []
    if "full_name" in request.GET or "father_name" in request.GET:
        form = RecordSearchForm(request.GET)
        if form.is_valid():
            try:
                found = services.record_index().search(form.query(), limit=RESULTS_SHOWN)
            except FieldError as exc:
                form.add_error(_FORM_FIELD.get(exc.field, None), f"{exc.field}: {exc.message}")
            else:
                results = _results(found)
                record_event(actor=request.user, action="records.searched", target=application,
                             reason="verification: record search",
                             details={"fields": sorted(k for k, v in form.cleaned_data.items() if v),
                                      "records_shown": [str(r["record"].pk) for r in results]})
    else:
        form = RecordSearchForm(initial=_initial(application))
        # The applicant's identity is on the page (the form's starting values).
        record_event(actor=request.user, action="person.viewed", target=application.principal.person,
                     reason="verification: record search", details={"application": str(application.pk),
                                                                    "fields": "identity"})
    return render(request, "verification/record_search.html",
                  {"application": application, "form": form, "results": results, "searched": form.is_bound,
                   "confirm_form": ConfirmForm()})


def _results(found) -> list[dict]:
    records = {str(pk): r for pk, r in
               EmploymentRecord.objects.select_related("source", "batch").in_bulk([c.record_id for c in found]).items()}
    return [{"record": records[c.record_id], "probability": c.probability,
             "contributions": [{"field": x.field, "level": x.level, "weight": x.weight, "text": x.text}
                               for x in c.contributions]}
            for c in found if c.record_id in records]


def _confirm(request, application: Application):
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a record and give a reason."))
        return redirect("verification:record_search", pk=application.pk)
    record = get_object_or_404(EmploymentRecord, pk=form.cleaned_data["record"])
    try:
        services.verification_decide(actor=request.user, application=application, record=record,
                                     outcome=Outcome.CONFIRMED, reason=form.cleaned_data["reason"])
    except services.VerificationError as exc:
        messages.error(request, str(exc))
        return redirect("verification:record_search", pk=application.pk)
    messages.success(request, _("Record confirmed for %(ref)s.") % {"ref": application.reference})
    return redirect("verification:case", pk=application.pk)
