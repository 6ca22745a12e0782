"""Coordinator screens. Thin: parse the form, call one service or selector, render or redirect.
A refused request comes back as a message on the page it came from, never a 500."""

from __future__ import annotations

import datetime as dt
import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from django_otp.decorators import otp_required

from resettle.accounts import roles
from resettle.accounts.permissions import require
from resettle.applications.models import Application, Member
from resettle.relocation import forms, selectors, services
from resettle.relocation.models import Flight, ManifestEntry, Readiness, Tranche, TrancheCase


def staff_view(view):
    return login_required(otp_required(view))


def _form_errors(form) -> str:
    return "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())


def acting(redirect_to):
    """POST handlers: a RelocationError becomes a message on the page the coordinator came from."""
    def wrap(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except services.RelocationError as exc:
                messages.error(request, str(exc))
                return redirect(*redirect_to(request, *args, **kwargs))
        return staff_view(require_POST(inner))
    return wrap


def _to_tranche(request, pk, *a, **k):
    return ("relocation:tranche", pk)


def _case_tranche(request, pk, *a, **k):
    case = get_object_or_404(TrancheCase, pk=pk)
    return ("relocation:tranche", case.tranche_id)


def _to_flight(request, pk, *a, **k):
    return ("relocation:flight", pk)


@staff_view
def index(request):
    tranches = selectors.tranches(request.user)
    return render(request, "relocation/index.html", {"tranches": tranches, "form": forms.TrancheForm(),
                                                     "place_form": forms.PlaceForm()})


@acting(lambda request: ("relocation:index",))
def tranche_new(request):
    form = forms.TrancheForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    tranche = services.tranche_create(actor=request.user, **form.cleaned_data)
    messages.success(request, f"Tranche {tranche.name} created. Add flights and approved cases.")
    return redirect("relocation:tranche", tranche.pk)


@acting(lambda request: ("relocation:index",))
def place_new(request):
    form = forms.PlaceForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    data = form.cleaned_data
    create = services.arrival_point_create if data["kind"] == "arrival_point" else services.reception_centre_create
    place = create(actor=request.user, name=data["name"], location=data["location"])
    messages.success(request, f"{place.name} added.")
    return redirect("relocation:index")


@staff_view
def tranche(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    view = selectors.tranche_view(request.user, tranche)
    joinable = list(selectors.joinable_cases(request.user, tranche)[:500])
    add_form = forms.AddCasesForm(choices=[(str(a.pk), a.reference) for a in joinable])
    return render(request, "relocation/tranche.html", {
        **view, "joinable": joinable, "add_form": add_form, "flight_form": forms.FlightForm(),
        "risk_levels": forms.RiskLevel.choices,
    })


@acting(_to_tranche)
def flight_new(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    form = forms.FlightForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    flight = services.flight_add(actor=request.user, tranche=tranche, **form.cleaned_data)
    messages.success(request, f"Flight {flight.code} added.")
    return redirect("relocation:tranche", pk)


@acting(_to_tranche)
def cases_add(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    joinable = selectors.joinable_cases(request.user, tranche)
    form = forms.AddCasesForm(request.POST, choices=[(str(a.pk), a.reference) for a in joinable])
    if not form.is_valid():
        raise services.RelocationError("Choose approved cases to add. " + _form_errors(form))
    applications = list(Application.objects.filter(pk__in=form.cleaned_data["applications"]))
    added = services.tranche_add_cases(actor=request.user, tranche=tranche, applications=applications,
                                       risk_level=form.cleaned_data["risk_level"],
                                       medical_need=form.cleaned_data["medical_need"])
    messages.success(request, f"{len(added)} case(s) added to {tranche.name}; they are now in relocation.")
    return redirect("relocation:tranche", pk)


@acting(_to_tranche)
def plan(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    method = "greedy" if request.POST.get("method") == "greedy" else "highs"
    result = services.tranche_plan(actor=request.user, tranche=tranche, method=method)
    if result.status == "infeasible":
        messages.error(request, "The plan cannot be made: " + " ".join(result.problems))
    else:
        gap = "proven optimal" if result.proven_optimal else (
            f"gap {result.gap:.2%}" if result.gap is not None else "greedy, no bound")
        messages.success(request, f"Planned {result.households_flown} household(s), {result.people_flown} people "
                                  f"({result.seats_filled} seats); {gap}.")
    return redirect("relocation:tranche", pk)


@acting(_case_tranche)
def household(request, pk):
    case = get_object_or_404(TrancheCase, pk=pk)
    form = forms.HouseholdForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    services.household_update(actor=request.user, case=case, **form.cleaned_data)
    messages.success(request, f"{case.application.reference} updated.")
    return redirect("relocation:tranche", case.tranche_id)


@acting(_case_tranche)
def override(request, pk):
    case = get_object_or_404(TrancheCase, pk=pk)
    form = forms.OverrideForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    ref = case.application.reference
    if action == "pin":
        flight = get_object_or_404(Flight, pk=form.cleaned_data["flight"]) if form.cleaned_data["flight"] else None
        if flight is None:
            raise services.RelocationError("Choose a flight to pin the household to.")
        services.household_pin(actor=request.user, case=case, flight=flight, reason=reason)
        messages.success(request, f"{ref} pinned to {flight.code}; plan again to apply it.")
    elif action == "unpin":
        services.household_pin(actor=request.user, case=case, flight=None, reason=reason)
        messages.success(request, f"{ref} unpinned.")
    elif action == "hold":
        services.household_hold(actor=request.user, case=case, held=True, reason=reason)
        messages.success(request, f"{ref} held back; plan again to apply it.")
    elif action == "release":
        services.household_hold(actor=request.user, case=case, held=False)
        messages.success(request, f"{ref} released.")
    else:
        services.household_unlink(actor=request.user, case=case)
        messages.success(request, f"{ref} unlinked.")
    return redirect("relocation:tranche", case.tranche_id)


@acting(_to_tranche)
def link(request, pk):
    tranche = get_object_or_404(Tranche, pk=pk)
    choices = [(str(c.pk), c.application.reference) for c in tranche.cases.select_related("application")]
    form = forms.LinkForm(request.POST, choices=choices)
    if not form.is_valid():
        raise services.RelocationError("Choose at least two households to link.")
    cases = list(tranche.cases.filter(pk__in=form.cleaned_data["cases"]).select_related("application", "tranche"))
    group = services.households_link(actor=request.user, cases=cases, reason=form.cleaned_data["reason"])
    messages.success(request, f"Linked as group {group}: they will fly together.")
    return redirect("relocation:tranche", pk)


@staff_view
def readiness(request, pk):
    case = get_object_or_404(TrancheCase.objects.select_related("tranche", "application"), pk=pk)
    require(request.user, roles.RELOCATION_MANAGE, target=case)
    household = next(h for h in selectors.households(case.tranche) if h.case.pk == case.pk)
    steps = {s.member.pk: s for s in selectors.journey(request.user, case.application)}
    rows = [(p, steps[p.member.pk].name) for p in household.people]
    return render(request, "relocation/readiness.html", {"case": case, "rows": rows,
                                                         "travel_documents": forms.TravelDocument.choices,
                                                         "security_checks": forms.SecurityCheck.choices})


@acting(lambda request, pk, member: ("relocation:readiness", pk))
def readiness_record(request, pk, member):
    case = get_object_or_404(TrancheCase, pk=pk)
    item = Readiness.objects.filter(tranche_case=case, member_id=member).first()
    if item is None:
        raise services.RelocationError("Plan the tranche once to add members who joined the case later.")
    form = forms.ReadinessForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    services.readiness_record(actor=request.user, item=item, **form.cleaned_data)
    messages.success(request, "Readiness recorded.")
    return redirect("relocation:readiness", pk)


@staff_view
def flight(request, pk):
    flight = get_object_or_404(Flight.objects.select_related("tranche", "arrival_point"), pk=pk)
    rows = selectors.flight_manifest(request.user, flight)
    flags = selectors.reconciliation([flight])
    return render(request, "relocation/flight.html", {
        "flight": flight, "rows": rows, "flags": flags, "boarding": forms.Boarding.choices,
        "today": dt.date.today(), "export_form": forms.ExportForm(),
        "seated": sum(1 for r in rows if not r.entry.lap_infant), "infants": sum(1 for r in rows if r.entry.lap_infant)})


@acting(lambda request, pk, entry: ("relocation:flight", pk))
def boarding(request, pk, entry):
    entry = get_object_or_404(ManifestEntry.objects.select_related("flight", "tranche_case"), pk=entry, flight_id=pk)
    form = forms.BoardingForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    services.boarding_record(actor=request.user, entry=entry, status=form.cleaned_data["status"])
    return redirect("relocation:flight", pk)


@acting(_to_flight)
def depart(request, pk):
    flight = get_object_or_404(Flight, pk=pk)
    services.flight_depart(actor=request.user, flight=flight)
    messages.success(request, f"Boarding closed on {flight.code}.")
    return redirect("relocation:flight", pk)


@acting(_to_flight)
def arrive(request, pk):
    flight = get_object_or_404(Flight.objects.select_related("arrival_point"), pk=pk)
    form = forms.ArrivalForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    missing = request.POST.getlist("missing")
    try:
        missing = [str(uuid.UUID(m)) for m in missing]
    except ValueError:
        raise services.RelocationError("The list of people who did not arrive is malformed: reload the page.") from None
    count = services.flight_arrive(actor=request.user, flight=flight, on=form.cleaned_data["on"], missing=missing)
    messages.success(request, f"Arrival recorded: {count} people arrived.")
    return redirect("relocation:flight", pk)


@acting(_to_flight)
def export(request, pk):
    flight = get_object_or_404(Flight, pk=pk)
    form = forms.ExportForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError("Say why the manifest is exported.")
    fmt = "pdf" if request.POST.get("format") == "pdf" else "csv"
    filename, content_type, body = services.manifest_export(actor=request.user, flight=flight,
                                                            reason=form.cleaned_data["reason"], fmt=fmt)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@staff_view
def journey(request, pk):
    application = get_object_or_404(Application, pk=pk)
    steps = selectors.journey(request.user, application)
    return render(request, "relocation/journey.html", {"application": application, "steps": steps,
                                                       "today": dt.date.today()})


@acting(lambda request, pk, member: ("relocation:journey", pk))
def milestone(request, pk, member):
    member = get_object_or_404(Member, pk=member, application_id=pk)
    form = forms.MilestoneForm(request.POST)
    if not form.is_valid():
        raise services.RelocationError(_form_errors(form))
    services.milestone_record(actor=request.user, member=member, **form.cleaned_data)
    messages.success(request, "Milestone recorded.")
    return redirect("relocation:journey", pk)
