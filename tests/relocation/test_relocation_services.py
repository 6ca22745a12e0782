"""Relocation services on the database: tranche, readiness, plan, overrides, boarding, arrival,
milestones, reconciliation and export, each with its audit event and case stage."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from resettle.accounts.roles import ANALYST, INTAKE_OFFICER
from resettle.applications.models import Application
from resettle.audit.models import AuditEvent
from resettle.casework.models import StatusChange
from resettle.relocation import selectors, services
from resettle.relocation.models import Boarding, ManifestEntry, Milestone, TrancheCase

from relocation.relockit import FLIGHT_DAY, add_flight, make_ready

pytestmark = pytest.mark.django_db


def stage(application) -> str:
    application.refresh_from_db()
    return application.status


def test_adding_an_approved_case_starts_relocation_through_the_lifecycle(coordinator, tranche, make_case):
    application = make_case()
    [case] = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[application],
                                        risk_level="high")
    assert stage(application) == "relocation"
    change = StatusChange.objects.get(application=application, action="start_relocation")
    assert change.actor == coordinator and "Tranche 1" in change.reason
    assert AuditEvent.objects.filter(action="relocation.case_added", target_id=str(case.pk)).exists()
    assert case.readiness.count() == 2


def test_only_approved_cases_join_and_never_two_open_tranches(coordinator, tranche, make_case):
    pending = make_case(approved=False)
    with pytest.raises(PermissionDenied):  # a case still being assessed is not the coordinator's to see
        services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[pending])
    arrived = make_case()
    Application.objects.filter(pk=arrived.pk).update(status="arrived")
    with pytest.raises(services.RelocationError, match="is at stage 'Arrived'; only approved cases join a tranche"):
        services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[arrived])
    application = make_case()
    services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[application])
    other = services.tranche_create(actor=coordinator, name="Tranche 2")
    with pytest.raises(services.RelocationError, match="already in tranche Tranche 1"):
        services.tranche_add_cases(actor=coordinator, tranche=other, applications=[application])


def test_other_roles_are_refused_and_the_refusal_is_audited(user_factory, tranche, make_case):
    intake = user_factory(INTAKE_OFFICER, teams=["team-r"])
    with pytest.raises(PermissionDenied):
        services.tranche_add_cases(actor=intake, tranche=tranche, applications=[make_case()])
    with pytest.raises(PermissionDenied):
        services.tranche_create(actor=user_factory(ANALYST), name="x")
    assert AuditEvent.objects.filter(action="access.denied", actor_id=intake.pk).exists()


def test_a_household_with_someone_not_ready_is_blocked_with_the_reason_and_not_planned(coordinator, tranche, make_case):
    add_flight(coordinator, tranche, "RNZAF 7001", 20)
    application = make_case(adults=2)
    [case] = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[application])
    [household] = selectors.households(tranche)
    # The principal has a passport on file; the spouse has no travel document; neither is checked.
    assert "member 2 (spouse, adult): no travel document, security check pending" in household.blocked
    assert "member 1 (principal, adult): security check pending" in household.blocked
    result = services.tranche_plan(actor=coordinator, tranche=tranche)
    case.refresh_from_db()
    assert not case.planned and case.left_reason.startswith("Blocked: member 1 (principal, adult)")
    assert not ManifestEntry.objects.exists()
    make_ready(coordinator, case)
    result = services.tranche_plan(actor=coordinator, tranche=tranche)
    assert result.households_flown == 1
    assert ManifestEntry.objects.filter(tranche_case=case).count() == 2


def test_planning_keeps_families_together_counts_infants_and_explains_who_waits(coordinator, tranche, make_case):
    f1 = add_flight(coordinator, tranche, "RNZAF 7001", 6)
    big = make_case(adults=4, infants=2)  # 4 seats, 2 on a lap
    small = make_case(adults=3)
    late = make_case(adults=2)
    cases = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[big, small, late])
    for c in cases:
        make_ready(coordinator, c)
    services.household_update(actor=coordinator, case=cases[0], risk_level="severe", medical_need=True,
                              ready_from=None, split_allowed=False)
    result = services.tranche_plan(actor=coordinator, tranche=tranche)
    assert result.status == "optimal"
    on_f1 = ManifestEntry.objects.filter(flight=f1)
    assert on_f1.filter(tranche_case=cases[0]).count() == 6
    assert on_f1.filter(lap_infant=True).count() == 2
    assert on_f1.filter(lap_infant=False).count() <= 6
    # Four seats for the big family (its infants on laps) leave two: the couple fits, the three do not.
    assert on_f1.filter(tranche_case=cases[2]).count() == 2
    [left] = TrancheCase.objects.filter(planned=False)
    assert left == cases[1]
    assert left.left_reason.startswith("Needs 3 seats on one flight")
    tranche.refresh_from_db()
    assert tranche.plan_status == "optimal" and tranche.plan_gap == 0.0
    assert AuditEvent.objects.filter(action="relocation.tranche_planned", target_id=str(tranche.pk)).exists()


def test_pins_holds_and_links_are_respected(coordinator, tranche, make_case):
    f1 = add_flight(coordinator, tranche, "F1", 5)
    f2 = add_flight(coordinator, tranche, "F2", 5, day=FLIGHT_DAY + dt.timedelta(days=1))
    a, b, c = (make_case(adults=2) for _ in range(3))
    cases = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[a, b, c])
    for case in cases:
        make_ready(coordinator, case)
    services.household_pin(actor=coordinator, case=cases[2], flight=f2, reason="medical escort on F2")
    services.household_hold(actor=coordinator, case=cases[1], held=True, reason="awaiting medical clearance")
    services.tranche_plan(actor=coordinator, tranche=tranche)
    assert set(ManifestEntry.objects.filter(tranche_case=cases[2]).values_list("flight", flat=True)) == {f2.pk}
    cases[1].refresh_from_db()
    assert cases[1].left_reason == "Held back by a coordinator: awaiting medical clearance"
    services.household_hold(actor=coordinator, case=cases[1], held=False)
    services.households_link(actor=coordinator, cases=[cases[0], cases[1]], reason="parents and married son")
    services.tranche_plan(actor=coordinator, tranche=tranche)
    flights = {c.pk: set(ManifestEntry.objects.filter(tranche_case=c).values_list("flight", flat=True)) for c in cases[:2]}
    assert flights[cases[0].pk] == flights[cases[1].pk] == {f1.pk}
    assert AuditEvent.objects.filter(action="relocation.household_pinned").exists()
    assert AuditEvent.objects.filter(action="relocation.households_linked").exists()


def test_an_impossible_pin_is_reported_and_the_previous_manifest_stands(coordinator, tranche, make_case):
    f1 = add_flight(coordinator, tranche, "F1", 3)
    [case] = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=[make_case(adults=2)])
    make_ready(coordinator, case)
    services.tranche_plan(actor=coordinator, tranche=tranche)
    services.household_update(actor=coordinator, case=case, risk_level="high", medical_need=False,
                              ready_from=FLIGHT_DAY + dt.timedelta(days=3), split_allowed=False)
    services.household_pin(actor=coordinator, case=case, flight=f1)
    result = services.tranche_plan(actor=coordinator, tranche=tranche)
    assert result.status == "infeasible"
    assert "but ready only from" in result.problems[0]
    tranche.refresh_from_db()
    assert tranche.plan_problems == result.problems
    assert ManifestEntry.objects.filter(flight=f1).count() == 2


@pytest.fixture
def flown(coordinator, tranche, make_case):
    flight = add_flight(coordinator, tranche, "RNZAF 7001", 20)
    apps = [make_case(adults=2, infants=1), make_case(adults=3)]
    cases = services.tranche_add_cases(actor=coordinator, tranche=tranche, applications=apps)
    for c in cases:
        make_ready(coordinator, c)
    services.tranche_plan(actor=coordinator, tranche=tranche)
    return flight, apps, cases


def test_boarding_arrival_and_reconciliation_flag_everyone_unaccounted_for(coordinator, flown):
    flight, apps, cases = flown
    entries = list(flight.entries.order_by("tranche_case__added_at", "member__position"))
    assert len(entries) == 6 and sum(e.lap_infant for e in entries) == 1
    first_family = [e for e in entries if e.tranche_case_id == cases[0].pk]
    second_family = [e for e in entries if e.tranche_case_id == cases[1].pk]
    for e in first_family:
        services.boarding_record(actor=coordinator, entry=e, status=Boarding.BOARDED)
    services.boarding_record(actor=coordinator, entry=second_family[0], status=Boarding.BOARDED)
    services.boarding_record(actor=coordinator, entry=second_family[1], status=Boarding.OFFLOADED)
    services.boarding_record(actor=coordinator, entry=second_family[2], status=Boarding.NO_SHOW)
    flags = selectors.reconciliation([flight])
    assert [(f.entry.pk, f.why.split(":")[0]) for f in flags] == [(second_family[2].pk, "no-show")]
    services.flight_depart(actor=coordinator, flight=flight)
    missing = first_family[1]
    arrived = services.flight_arrive(actor=coordinator, flight=flight, on=dt.date.today(), missing=[str(missing.pk)])
    assert arrived == 3
    flags = {f.entry.pk: f.why for f in selectors.reconciliation([flight])}
    assert flags == {second_family[2].pk: "no-show: neither boarded nor offloaded; find where they are",
                     missing.pk: "boarded but not recorded as arrived"}
    assert stage(apps[0]) == "arrived" and stage(apps[1]) == "arrived"
    assert StatusChange.objects.filter(application=apps[0], action="record_arrival", actor=coordinator).exists()
    assert Milestone.objects.filter(kind="arrived").count() == 3
    assert AuditEvent.objects.filter(action="relocation.flight_arrived", target_id=str(flight.pk)).exists()


def test_a_manifest_entry_left_unrecorded_is_flagged_once_boarding_closes(coordinator, flown):
    flight, _, _ = flown
    assert selectors.reconciliation([flight]) == []
    services.flight_depart(actor=coordinator, flight=flight)
    flags = selectors.reconciliation([flight])
    assert len(flags) == 6
    assert {f.why for f in flags} == {"on the manifest, no boarding record after boarding closed"}


def test_the_last_milestone_of_everyone_who_arrived_closes_the_case(coordinator, flown):
    flight, apps, cases = flown
    family = list(flight.entries.filter(tranche_case=cases[0]))
    for e in family:
        services.boarding_record(actor=coordinator, entry=e, status=Boarding.BOARDED)
    services.flight_depart(actor=coordinator, flight=flight)
    services.flight_arrive(actor=coordinator, flight=flight, on=dt.date(2026, 1, 10))
    with pytest.raises(services.RelocationError, match="Record 'Residence granted' first"):
        services.milestone_record(actor=coordinator, member=family[0].member, kind="citizenship", on=dt.date(2026, 2, 1))
    for i, e in enumerate(family):
        services.milestone_record(actor=coordinator, member=e.member, kind="residence_granted", on=dt.date(2026, 1, 20))
        services.milestone_record(actor=coordinator, member=e.member, kind="citizenship", on=dt.date(2026, 6, 1))
        assert stage(apps[0]) == ("closed" if i == len(family) - 1 else "arrived")
    assert StatusChange.objects.filter(application=apps[0], action="close").count() == 1
    with pytest.raises(services.RelocationError, match="already recorded"):
        services.milestone_record(actor=coordinator, member=family[0].member, kind="citizenship", on=dt.date(2026, 6, 1))


def test_the_crew_export_carries_only_what_the_crew_needs_and_is_audited(coordinator, flown):
    flight, apps, _ = flown
    with pytest.raises(services.RelocationError):
        services.manifest_export(actor=coordinator, flight=flight, reason=" ")
    filename, content_type, body = services.manifest_export(actor=coordinator, flight=flight, reason="for the crew")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert filename.endswith(".csv") and len(rows) == 6
    assert list(rows[0]) == services.CREW_COLUMNS
    assert {r["seat"] for r in rows} == {"seat", "lap"}
    text = body.decode("utf-8")
    assert "Principal" in text
    for secret in ("P0", "1985", apps[0].reference):  # passport numbers, birth dates, case references
        assert secret not in text
    event = AuditEvent.objects.get(action="relocation.manifest_exported")
    assert event.reason == "for the crew" and event.details["people"] == 6


def test_the_plan_tranche_command_plans_as_a_named_coordinator(coordinator, flown):
    from django.core.management import CommandError, call_command

    flight, _, _ = flown
    out = io.StringIO()
    call_command("plan_tranche", "Tranche 1", "--as", "coordinator", "--reasons", stdout=out)
    text = out.getvalue()
    assert "Tranche 1: optimal, proven optimal" in text
    assert f"{flight.code} {flight.date}: 5/20 seats, 1 lap infants, 2 households" in text
    with pytest.raises(CommandError, match="no tranche named 'Nope'"):
        call_command("plan_tranche", "Nope", "--as", "coordinator")
    with pytest.raises(CommandError, match="no active user"):
        call_command("plan_tranche", "Tranche 1", "--as", "ghost")


def test_the_crew_manifest_also_comes_as_pdf_and_is_audited(coordinator, flown):
    flight, _, _ = flown
    filename, content_type, body = services.manifest_export(actor=coordinator, flight=flight, reason="crew",
                                                            fmt="pdf")
    assert filename.endswith(".pdf") and content_type == "application/pdf"
    assert body.startswith(b"%PDF") and len(body) > 1000
    assert AuditEvent.objects.filter(action="relocation.manifest_exported", details__format="pdf").count() == 1
    with pytest.raises(services.RelocationError, match="Unknown export format"):
        services.manifest_export(actor=coordinator, flight=flight, reason="crew", fmt="xlsx")


def test_a_family_offloaded_from_a_departed_flight_is_planned_again_and_a_flown_one_is_not(coordinator, tranche, flown):
    flight, apps, cases = flown
    later = add_flight(coordinator, tranche, "RNZAF 7002", 20, day=FLIGHT_DAY + dt.timedelta(days=2))
    for e in flight.entries.all():
        status = Boarding.BOARDED if e.tranche_case_id == cases[0].pk else Boarding.OFFLOADED
        services.boarding_record(actor=coordinator, entry=e, status=status)
    services.flight_depart(actor=coordinator, flight=flight)
    result = services.tranche_plan(actor=coordinator, tranche=tranche)
    assert result.households_flown == 1
    assert set(ManifestEntry.objects.filter(flight=later).values_list("tranche_case", flat=True)) == {cases[1].pk}
    # The departed flight's record of who boarded and who was offloaded stays as it was.
    assert flight.entries.count() == 6


def test_figures_for_the_dashboard_count_seats_and_arrivals_without_names(coordinator, user_factory, flown):
    from resettle.accounts.roles import ANALYST

    flight, _, cases = flown
    for e in flight.entries.filter(tranche_case=cases[0]):
        services.boarding_record(actor=coordinator, entry=e, status=Boarding.BOARDED)
    services.flight_depart(actor=coordinator, flight=flight)
    services.flight_arrive(actor=coordinator, flight=flight, on=dt.date(2026, 4, 1))
    analyst = user_factory(ANALYST)
    [row] = selectors.seats_planned_vs_used(analyst)
    assert row == {"flight": "RNZAF 7001", "date": flight.date, "seats": 20, "planned_seated": 5,
                   "planned_lap_infants": 1, "boarded": 3, "arrived": 3}
    assert selectors.arrivals_by_day(analyst) == [(dt.date(2026, 4, 1), 3)]
    with pytest.raises(PermissionDenied):
        selectors.seats_planned_vs_used(coordinator)
