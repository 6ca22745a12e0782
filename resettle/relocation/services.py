"""Every relocation write: one function per change, each checking the capability and writing its
audit event in the same transaction. Case stages move only through case_transition."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from resettle.accounts import roles
from resettle.accounts.access import require_case_access
from resettle.accounts.permissions import require
from resettle.applications.models import Application, Member
from resettle.audit.services import record_event
from resettle.relocation import planner, selectors
from resettle.relocation.models import (
    MILESTONE_ORDER,
    ArrivalPoint,
    Boarding,
    Flight,
    ManifestEntry,
    Milestone,
    MilestoneKind,
    ReceptionCentre,
    Readiness,
    RiskLevel,
    SecurityCheck,
    Tranche,
    TrancheCase,
    TravelDocument,
)

# Stages a case may be in to join a tranche: approved, or already in relocation (left behind by
# an earlier tranche).
JOINABLE_STAGES = set(selectors.JOINABLE_STAGES)


class RelocationError(ValueError):
    """A request refused for a reason the coordinator can act on (shown as it is)."""


def _transition(*, application: Application, action: str, actor, reason: str) -> None:
    # Imported here: casework depends on applications, and relocation must not be imported by it.
    from resettle.casework.lifecycle import TransitionRefused
    from resettle.casework.services import case_transition

    try:
        case_transition(application=application, action=action, actor=actor, reason=reason)
    except PermissionDenied:
        raise
    except TransitionRefused as exc:
        raise RelocationError(f"{application.reference}: {exc}") from exc


def _manage(actor, target=None) -> None:
    require(actor, roles.RELOCATION_MANAGE, target=target)


def _open(tranche: Tranche) -> None:
    if tranche.closed:
        raise RelocationError(f"Tranche {tranche.name} is closed.")


# --- places, tranches, flights ---------------------------------------------------------------

@transaction.atomic
def arrival_point_create(*, actor, name: str, location: str = "") -> ArrivalPoint:
    _manage(actor)
    if ArrivalPoint.objects.filter(name__iexact=name.strip()).exists():
        raise RelocationError(f"An arrival point named {name.strip()!r} exists already.")
    point = ArrivalPoint.objects.create(name=name.strip(), location=location.strip())
    record_event(actor=actor, action="relocation.arrival_point_created", target=point, details={"name": point.name})
    return point


@transaction.atomic
def reception_centre_create(*, actor, name: str, location: str = "", capacity: int | None = None) -> ReceptionCentre:
    _manage(actor)
    if ReceptionCentre.objects.filter(name__iexact=name.strip()).exists():
        raise RelocationError(f"A reception centre named {name.strip()!r} exists already.")
    centre = ReceptionCentre.objects.create(name=name.strip(), location=location.strip(), capacity=capacity)
    record_event(actor=actor, action="relocation.reception_centre_created", target=centre, details={"name": centre.name})
    return centre


@transaction.atomic
def tranche_create(*, actor, name: str, arrival_point: ArrivalPoint | None = None,
                   reception_centre: ReceptionCentre | None = None, security_check_required: bool = True) -> Tranche:
    _manage(actor)
    if Tranche.objects.filter(name__iexact=name.strip()).exists():
        raise RelocationError(f"A tranche named {name.strip()!r} exists already.")
    tranche = Tranche.objects.create(name=name.strip(), arrival_point=arrival_point, reception_centre=reception_centre,
                                     security_check_required=security_check_required, created_by=actor)
    record_event(actor=actor, action="relocation.tranche_created", target=tranche,
                 details={"name": tranche.name, "security_check_required": security_check_required})
    return tranche


@transaction.atomic
def flight_add(*, actor, tranche: Tranche, code: str, date: dt.date, origin: str, destination: str, aircraft: str,
               seats: int, arrival_point: ArrivalPoint | None = None) -> Flight:
    _manage(actor, target=tranche)
    _open(tranche)
    if seats <= 0:
        raise RelocationError("A flight needs at least one seat.")
    if tranche.flights.filter(code__iexact=code.strip()).exists():
        raise RelocationError(f"Flight {code.strip()} is already in this tranche.")
    flight = Flight.objects.create(tranche=tranche, code=code.strip(), date=date, origin=origin.strip(),
                                   destination=destination.strip(), aircraft=aircraft.strip(), seats=seats,
                                   arrival_point=arrival_point or tranche.arrival_point)
    record_event(actor=actor, action="relocation.flight_added", target=flight,
                 details={"tranche": str(tranche.pk), "code": flight.code, "date": date.isoformat(), "seats": seats})
    return flight


# --- households in a tranche -----------------------------------------------------------------

def _approved_on(application: Application) -> dt.date | None:
    from resettle.casework.models import StatusChange

    change = (StatusChange.objects.filter(application=application, to_stage="approved").order_by("-at").first())
    return timezone.localdate(change.at) if change else None


def tranche_add_cases(*, actor, tranche: Tranche, applications: Iterable[Application],
                      risk_level: str = RiskLevel.MODERATE, medical_need: bool = False) -> list[TrancheCase]:
    """Add approved cases; each enters the `relocation` stage. All or nothing."""
    _manage(actor, target=tranche)
    applications = list(applications)
    for application in applications:
        require_case_access(actor, application, roles.RELOCATION_MANAGE)
    with transaction.atomic():
        return _add_cases(actor, tranche, applications, risk_level, medical_need)


def _add_cases(actor, tranche, applications, risk_level, medical_need) -> list[TrancheCase]:
    _open(tranche)
    if risk_level not in RiskLevel.values:
        raise RelocationError(f"Unknown risk level {risk_level!r}.")
    if not applications:
        raise RelocationError("Choose at least one approved case.")
    added = []
    for application in applications:
        application.refresh_from_db(fields=["status"])
        if application.status not in JOINABLE_STAGES:
            raise RelocationError(f"{application.reference} is at stage '{application.get_status_display()}'; "
                                  "only approved cases join a tranche.")
        elsewhere = (TrancheCase.objects.filter(application=application, tranche__closed=False)
                     .exclude(tranche=tranche).select_related("tranche").first())
        if elsewhere:
            raise RelocationError(f"{application.reference} is already in tranche {elsewhere.tranche.name}.")
        if TrancheCase.objects.filter(application=application, tranche=tranche).exists():
            raise RelocationError(f"{application.reference} is already in this tranche.")
        case = TrancheCase.objects.create(tranche=tranche, application=application, risk_level=risk_level,
                                          medical_need=medical_need, approved_on=_approved_on(application),
                                          added_by=actor)
        for member in application.members.select_related("person"):
            Readiness.objects.create(tranche_case=case, member=member,
                                     travel_document=selectors.document_on_file(member.person))
        if application.status == "approved":
            _transition(application=application, action="start_relocation", actor=actor,
                        reason=f"added to tranche {tranche.name}")
        record_event(actor=actor, action="relocation.case_added", target=case,
                     details={"tranche": str(tranche.pk), "application": application.reference,
                              "risk_level": risk_level, "medical_need": medical_need})
        added.append(case)
    return added


@transaction.atomic
def household_update(*, actor, case: TrancheCase, risk_level: str, medical_need: bool,
                     ready_from: dt.date | None, split_allowed: bool) -> TrancheCase:
    _manage(actor, target=case)
    _open(case.tranche)
    if risk_level not in RiskLevel.values:
        raise RelocationError(f"Unknown risk level {risk_level!r}.")
    before = {"risk_level": case.risk_level, "medical_need": case.medical_need,
              "ready_from": case.ready_from.isoformat() if case.ready_from else None, "split_allowed": case.split_allowed}
    case.risk_level, case.medical_need, case.ready_from, case.split_allowed = risk_level, medical_need, ready_from, split_allowed
    case.save(update_fields=["risk_level", "medical_need", "ready_from", "split_allowed"])
    after = {"risk_level": risk_level, "medical_need": medical_need,
             "ready_from": ready_from.isoformat() if ready_from else None, "split_allowed": split_allowed}
    record_event(actor=actor, action="relocation.household_updated", target=case, details={"before": before, "after": after})
    return case


@transaction.atomic
def household_pin(*, actor, case: TrancheCase, flight: Flight | None, reason: str = "") -> TrancheCase:
    """Pin a household to a flight (the optimiser must place it there), or unpin it (None)."""
    _manage(actor, target=case)
    _open(case.tranche)
    if flight is not None and flight.tranche_id != case.tranche_id:
        raise RelocationError("That flight belongs to another tranche.")
    if flight is not None and flight.departed_at:
        raise RelocationError(f"Flight {flight.code} has departed.")
    case.pinned_flight = flight
    if flight is not None:
        case.held, case.hold_reason = False, ""
    case.save(update_fields=["pinned_flight", "held", "hold_reason"])
    record_event(actor=actor, action="relocation.household_pinned" if flight else "relocation.household_unpinned",
                 target=case, reason=reason, details={"flight": flight.code if flight else None})
    return case


@transaction.atomic
def household_hold(*, actor, case: TrancheCase, held: bool, reason: str = "") -> TrancheCase:
    _manage(actor, target=case)
    _open(case.tranche)
    if held and not reason.strip():
        raise RelocationError("Say why the household is held back.")
    case.held, case.hold_reason = held, reason.strip() if held else ""
    if held:
        case.pinned_flight = None
    case.save(update_fields=["held", "hold_reason", "pinned_flight"])
    record_event(actor=actor, action="relocation.household_held" if held else "relocation.household_released",
                 target=case, reason=reason)
    return case


@transaction.atomic
def households_link(*, actor, cases: list[TrancheCase], reason: str = "") -> int:
    """Link households so that they fly on one flight (joining any group one of them is in)."""
    if len(cases) < 2:
        raise RelocationError("Choose at least two households to link.")
    _manage(actor, target=cases[0])
    tranche_ids = {c.tranche_id for c in cases}
    if len(tranche_ids) != 1:
        raise RelocationError("Linked households must be in the same tranche.")
    _open(cases[0].tranche)
    existing = {c.link_group for c in cases if c.link_group is not None}
    group = min(existing) if existing else (TrancheCase.objects.filter(tranche_id__in=tranche_ids)
                                            .aggregate(m=Max("link_group"))["m"] or 0) + 1
    ids = [c.pk for c in cases]
    TrancheCase.objects.filter(tranche_id__in=tranche_ids, link_group__in=existing).update(link_group=group)
    TrancheCase.objects.filter(pk__in=ids).update(link_group=group)
    for c in cases:
        c.link_group = group
    record_event(actor=actor, action="relocation.households_linked", target=cases[0].tranche, reason=reason,
                 details={"group": group, "applications": [c.application.reference for c in cases]})
    return group


@transaction.atomic
def household_unlink(*, actor, case: TrancheCase) -> TrancheCase:
    _manage(actor, target=case)
    _open(case.tranche)
    group, case.link_group = case.link_group, None
    case.save(update_fields=["link_group"])
    record_event(actor=actor, action="relocation.household_unlinked", target=case, details={"group": group})
    return case


@transaction.atomic
def readiness_record(*, actor, item: Readiness, travel_document: str, security_check: str,
                     own_seat: bool = False) -> Readiness:
    _manage(actor, target=item.tranche_case)
    _open(item.tranche_case.tranche)
    if travel_document not in TravelDocument.values or security_check not in SecurityCheck.values:
        raise RelocationError("Unknown travel document or security check value.")
    before = {"travel_document": item.travel_document, "security_check": item.security_check, "own_seat": item.own_seat}
    item.travel_document, item.security_check, item.own_seat = travel_document, security_check, own_seat
    item.save(update_fields=["travel_document", "security_check", "own_seat"])
    record_event(actor=actor, action="relocation.readiness_recorded", target=item.tranche_case,
                 details={"member": str(item.member_id), "before": before,
                          "after": {"travel_document": travel_document, "security_check": security_check,
                                    "own_seat": own_seat}})
    return item


# --- planning --------------------------------------------------------------------------------

def tranche_plan(*, actor, tranche: Tranche, method: str = "highs", time_limit: float = 10.0) -> planner.Plan:
    """Plan the manifests of every flight not yet departed, and store them."""
    _manage(actor, target=tranche)
    with transaction.atomic():
        _open(tranche)
        locked = Tranche.objects.select_for_update().get(pk=tranche.pk)
        result = _plan(actor, locked, method, time_limit)
    tranche.refresh_from_db()
    return result


def _plan(actor, tranche, method, time_limit) -> planner.Plan:
    flights = [f for f in tranche.flights.all() if f.departed_at is None]
    if not flights:
        raise RelocationError("Add a flight that has not departed before planning.")
    # Members who joined a case after it joined the tranche get their readiness row now (blocked
    # until a travel document and, where asked, a security check are recorded).
    for case in tranche.cases.select_related("application"):
        known = set(case.readiness.values_list("member_id", flat=True))
        for member in case.application.members.select_related("person").exclude(pk__in=known):
            Readiness.objects.create(tranche_case=case, member=member,
                                     travel_document=selectors.document_on_file(member.person))
    inputs = selectors.planner_inputs(tranche, flights)
    solve = planner.plan if method == "highs" else planner.plan_greedy
    kwargs = {"time_limit": time_limit} if method == "highs" else {}
    result = solve(inputs.flights, inputs.households, links=inputs.links, **kwargs)
    tranche.plan_method, tranche.plan_status = method, result.status
    tranche.plan_objective, tranche.plan_bound = result.objective, result.bound
    tranche.plan_seconds, tranche.plan_problems, tranche.planned_at = result.seconds, result.problems, timezone.now()
    tranche.save(update_fields=["plan_method", "plan_status", "plan_objective", "plan_bound", "plan_seconds",
                                "plan_problems", "planned_at"])
    record_event(actor=actor, action="relocation.tranche_planned", target=tranche,
                 details={"method": method, "status": result.status, "objective": result.objective,
                          "bound": result.bound, "problems": result.problems,
                          "households_flown": result.households_flown, "seats_filled": result.seats_filled})
    if result.status == "infeasible":
        return result  # the previous manifests stand; the problems are shown
    flight_by = {str(f.pk): f for f in flights}
    # Only manifests of flights still to depart are replaced; nothing is boarded on them yet.
    ManifestEntry.objects.filter(flight__in=flights).delete()
    entries = []
    for case in inputs.cases:
        key = str(case.pk)
        parts = result.placements.get(key)
        case.planned = parts is not None
        case.left_reason = "" if parts else result.left.get(key, "")
        if parts:
            seated = [m for m in inputs.seated[key]]
            infants_flight = flight_by.get(result.infants_on.get(key, ""))
            cursor = 0
            for flight_id, count in parts:
                for member in seated[cursor:cursor + count]:
                    entries.append(ManifestEntry(flight=flight_by[flight_id], tranche_case=case, member=member))
                cursor += count
            for member in inputs.infants[key]:
                entries.append(ManifestEntry(flight=infants_flight or flight_by[parts[0][0]], tranche_case=case,
                                             member=member, lap_infant=True))
    TrancheCase.objects.bulk_update(inputs.cases, ["planned", "left_reason"])
    ManifestEntry.objects.bulk_create(entries)
    return result


# --- boarding, arrival, milestones -----------------------------------------------------------

@transaction.atomic
def boarding_record(*, actor, entry: ManifestEntry, status: str) -> ManifestEntry:
    _manage(actor, target=entry.tranche_case)
    if status not in Boarding.values:
        raise RelocationError(f"Unknown boarding status {status!r}.")
    if entry.arrived_at:
        raise RelocationError("This person's arrival is recorded; boarding cannot change now.")
    before = entry.boarding
    entry.boarding, entry.boarding_recorded_at = status, timezone.now()
    entry.save(update_fields=["boarding", "boarding_recorded_at"])
    record_event(actor=actor, action="relocation.boarding_recorded", target=entry.tranche_case,
                 details={"flight": entry.flight.code, "member": str(entry.member_id), "from": before, "to": status})
    return entry


@transaction.atomic
def flight_depart(*, actor, flight: Flight) -> Flight:
    """Boarding closed: from now on anyone on the manifest without a boarding record is flagged."""
    _manage(actor, target=flight)
    if flight.departed_at:
        raise RelocationError(f"Flight {flight.code} has already departed.")
    flight.departed_at = timezone.now()
    flight.save(update_fields=["departed_at"])
    counts = {s: flight.entries.filter(boarding=s).count() for s in Boarding.values}
    record_event(actor=actor, action="relocation.flight_departed", target=flight, details=counts)
    return flight


def flight_arrive(*, actor, flight: Flight, on: dt.date, missing: Iterable[str] = ()) -> int:
    """Record the flight's arrival: everyone boarded arrived, except the entries in `missing`
    (who are then flagged). Each case with someone arrived moves to `arrived`."""
    _manage(actor, target=flight)
    with transaction.atomic():
        return _arrive(actor, flight, on, {str(m) for m in missing})


def _arrive(actor, flight, on, missing) -> int:
    if not flight.departed_at:
        raise RelocationError(f"Close boarding on {flight.code} before recording its arrival.")
    if flight.arrived_at:
        raise RelocationError(f"The arrival of {flight.code} is already recorded.")
    now = timezone.now()
    flight.arrived_at = now
    flight.save(update_fields=["arrived_at"])
    arrived = list(flight.entries.filter(boarding=Boarding.BOARDED).exclude(pk__in=missing)
                   .select_related("tranche_case__application", "member"))
    for entry in arrived:
        entry.arrived_at = now
        Milestone.objects.get_or_create(member=entry.member, kind=MilestoneKind.ARRIVED,
                                        defaults={"application": entry.tranche_case.application, "on": on,
                                                  "recorded_by": actor})
    ManifestEntry.objects.bulk_update(arrived, ["arrived_at"])
    record_event(actor=actor, action="relocation.flight_arrived", target=flight,
                 details={"on": on.isoformat(), "arrived": len(arrived), "missing": sorted(missing)})
    moved = set()
    for entry in arrived:
        application = entry.tranche_case.application
        if application.pk in moved:
            continue
        application.refresh_from_db(fields=["status", "version"])
        if application.status == "relocation":
            where = flight.arrival_point.name if flight.arrival_point else flight.destination
            _transition(application=application, action="record_arrival", actor=actor,
                        reason=f"arrived on {flight.code} at {where} on {on.isoformat()}")
        moved.add(application.pk)
    return len(arrived)


def milestone_record(*, actor, member: Member, kind: str, on: dt.date) -> Milestone:
    """A later step of one person's journey; when everyone who arrived has reached the last one,
    the case is closed."""
    application = member.application
    require_case_access(actor, application, roles.RELOCATION_MANAGE)
    with transaction.atomic():
        return _milestone(actor, member, application, kind, on)


def _milestone(actor, member, application, kind, on) -> Milestone:
    if kind not in MilestoneKind.values or kind == MilestoneKind.ARRIVED:
        raise RelocationError("Arrival is recorded with the flight; choose residence granted or citizenship.")
    if on > timezone.localdate():
        raise RelocationError("A milestone cannot be dated in the future.")
    arrival = Milestone.objects.filter(member=member, kind=MilestoneKind.ARRIVED).first()
    if arrival is None:
        raise RelocationError("This person's arrival is not recorded yet.")
    position = MILESTONE_ORDER.index(kind)
    earlier = MILESTONE_ORDER[position - 1]
    previous = Milestone.objects.filter(member=member, kind=earlier).first()
    if previous is None:
        raise RelocationError(f"Record '{MilestoneKind(earlier).label}' first.")
    if on < previous.on:
        raise RelocationError(f"{MilestoneKind(kind).label} cannot come before {MilestoneKind(earlier).label} "
                              f"({previous.on.isoformat()}).")
    if Milestone.objects.filter(member=member, kind=kind).exists():
        raise RelocationError(f"{MilestoneKind(kind).label} is already recorded for this person.")
    milestone = Milestone.objects.create(application=application, member=member, kind=kind, on=on, recorded_by=actor)
    record_event(actor=actor, action="relocation.milestone_recorded", target=application,
                 details={"member": str(member.pk), "kind": kind, "on": on.isoformat()})
    last = MILESTONE_ORDER[-1]
    arrived = set(Milestone.objects.filter(application=application, kind=MilestoneKind.ARRIVED)
                  .values_list("member_id", flat=True))
    done = set(Milestone.objects.filter(application=application, kind=last).values_list("member_id", flat=True))
    application.refresh_from_db(fields=["status", "version"])
    if kind == last and arrived <= done and application.status == "arrived":
        _transition(application=application, action="close", actor=actor,
                    reason=f"every member who arrived reached {MilestoneKind(last).label.lower()}")
    return milestone


# --- export ----------------------------------------------------------------------------------

CREW_COLUMNS = ["flight", "date", "group", "passenger", "name", "gender", "age_band", "seat"]


@transaction.atomic
def manifest_export(*, actor, flight: Flight, reason: str, fmt: str = "csv") -> tuple[str, str, bytes]:
    """The crew's manifest as CSV or PDF: names, family groups, who sits on a lap. Nothing else:
    no case references, documents, birth dates or contact details. Every export is audited.
    Returns (file name, content type, body)."""
    _manage(actor, target=flight)
    require(actor, roles.PERSON_IDENTITY, target=flight)
    if fmt not in ("csv", "pdf"):
        raise RelocationError(f"Unknown export format {fmt!r}: csv or pdf.")
    if not reason.strip():
        raise RelocationError("Say why the manifest is exported (e.g. 'for the crew of RNZAF 7001').")
    rows = selectors.crew_rows(flight)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CREW_COLUMNS)
        for row in rows:
            writer.writerow([row[c] for c in CREW_COLUMNS])
        body, content_type = out.getvalue().encode("utf-8"), "text/csv; charset=utf-8"
    else:
        from django.template.loader import render_to_string
        from weasyprint import HTML  # imported here: it loads Pango, which only the PDF needs

        html = render_to_string("relocation/manifest_pdf.html", {
            "flight": flight, "rows": rows, "seated": sum(1 for r in rows if r["seat"] == "seat"),
            "infants": sum(1 for r in rows if r["seat"] == "lap")})
        body, content_type = HTML(string=html).write_pdf(), "application/pdf"
    record_event(actor=actor, action="relocation.manifest_exported", target=flight, reason=reason,
                 details={"people": len(rows), "columns": CREW_COLUMNS, "format": fmt})
    filename = f"manifest-{flight.code.replace(' ', '-')}-{flight.date.isoformat()}.{fmt}"
    return filename, content_type, body
