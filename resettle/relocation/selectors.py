"""Relocation reads: readiness per person, the planner's inputs, manifests, reconciliation and
each family's journey. Reads of names go through the audited people selectors."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from resettle.accounts import roles
from resettle.accounts.access import scope_cases
from resettle.accounts.permissions import require
from resettle.applications.models import Application, Member
from resettle.people import selectors as people_selectors
from resettle.people.models import DocumentKind, IdentityDocument, Person
from resettle.relocation import planner
from resettle.relocation.models import (
    MILESTONE_ORDER,
    Boarding,
    Flight,
    ManifestEntry,
    Milestone,
    Readiness,
    SecurityCheck,
    Tranche,
    TrancheCase,
)

JOINABLE_STAGES = ("approved", "relocation")
INFANT_YEARS = 2  # under two travels on a lap
ADULT_YEARS = 18  # security checks, where the policy asks, are for adults


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_window(person: Person) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest Gregorian date the person may have been born on (None if unknown)."""
    birth = person.birth()
    if birth is None:
        return None
    exact = birth.to_gregorian() if not birth.approximate else None
    if exact:
        return exact, exact
    lo, hi = birth.gregorian_year_range()
    if birth.calendar == "gregorian" and birth.month and not birth.approximate:
        first = dt.date(lo, birth.month, 1)
        last = (dt.date(lo + (birth.month == 12), birth.month % 12 + 1, 1) - dt.timedelta(days=1))
        return first, last
    return dt.date(lo, 1, 1), dt.date(hi, 12, 31)


def age_band(person: Person, on: dt.date) -> str:
    """'infant' only when certainly under two (an unsure age gets a seat), 'adult' when possibly 18."""
    window = birth_window(person)
    if window is None:
        return "adult"
    earliest, latest = window
    if earliest > _years_before(on, INFANT_YEARS):
        return "infant"
    if earliest > _years_before(on, ADULT_YEARS):
        return "child"
    return "adult"


def document_on_file(person: Person) -> str:
    return "passport" if IdentityDocument.objects.filter(person=person, kind=DocumentKind.PASSPORT).exists() else ""


@dataclass
class PersonReadiness:
    item: Readiness
    member: Member
    band: str
    lap_infant: bool
    problems: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"member {self.member.position + 1} ({self.member.get_relationship_display().lower()}, {self.band})"


@dataclass
class HouseholdReadiness:
    case: TrancheCase
    people: list[PersonReadiness]
    planned_on: list[str] = field(default_factory=list)  # flight codes of the current manifests

    @property
    def blocked(self) -> str:
        return "; ".join(f"{p.label}: {', '.join(p.problems)}" for p in self.people if p.problems)

    @property
    def seats(self) -> int:
        return sum(1 for p in self.people if not p.lap_infant)

    @property
    def lap_infants(self) -> int:
        return sum(1 for p in self.people if p.lap_infant)


def _reference_day(tranche: Tranche) -> dt.date:
    # Infancy is judged on the last flight's date: a child who turns two before it needs a seat.
    last = tranche.flights.order_by("-date").values_list("date", flat=True).first()
    return last or dt.date.today()


def households(tranche: Tranche) -> list[HouseholdReadiness]:
    """Every household of the tranche with each member's readiness (no names)."""
    on = _reference_day(tranche)
    cases = list(tranche.cases.select_related("application", "pinned_flight").order_by("added_at"))
    items = defaultdict(dict)
    for r in Readiness.objects.filter(tranche_case__tranche=tranche).select_related("member__person"):
        items[r.tranche_case_id][r.member_id] = r
    members = defaultdict(list)
    for m in Member.objects.filter(application__in=[c.application_id for c in cases]).select_related("person"):
        members[m.application_id].append(m)
    out = []
    for case in cases:
        people = []
        status = case.application.status
        for member in sorted(members[case.application_id], key=lambda m: m.position):
            item = items[case.pk].get(member.pk)
            band = age_band(member.person, on)
            problems = []
            if status not in JOINABLE_STAGES and status != "arrived":
                problems.append(f"the case is at stage '{case.application.get_status_display()}', not approved")
            if item is None:
                problems.append("joined the case after the tranche was built: record readiness")
                item = Readiness(tranche_case=case, member=member)
            if not item.travel_document:
                problems.append("no travel document")
            if tranche.security_check_required and band == "adult" and item.security_check != SecurityCheck.CLEARED:
                problems.append(f"security check {item.get_security_check_display().lower()}")
            people.append(PersonReadiness(item=item, member=member, band=band,
                                          lap_infant=band == "infant" and not item.own_seat, problems=problems))
        out.append(HouseholdReadiness(case=case, people=people))
    return out


@dataclass
class PlannerInputs:
    flights: list[planner.Flight]
    households: list[planner.Household]
    links: list[set[str]]
    cases: list[TrancheCase]
    seated: dict[str, list[Member]]
    infants: dict[str, list[Member]]


def planner_inputs(tranche: Tranche, flights: list[Flight]) -> PlannerInputs:
    """The tranche as the pure planner sees it. A household with anyone boarded on a departed
    flight is done; one that did not board at all (no-shows, offloaded) can be planned again."""
    flown = set(ManifestEntry.objects.filter(flight__tranche=tranche, flight__departed_at__isnull=False)
                .exclude(boarding__in=[Boarding.NO_SHOW, Boarding.OFFLOADED]).values_list("tranche_case_id", flat=True))
    first_day = min(f.date for f in flights)
    open_ids = {str(f.pk) for f in flights}
    result = PlannerInputs(
        flights=[planner.Flight(id=str(f.pk), date=f.date, seats=f.seats, label=f.code) for f in flights],
        households=[], links=[], cases=[], seated={}, infants={})
    groups = defaultdict(set)
    for h in households(tranche):
        case = h.case
        if case.pk in flown:
            continue
        key = str(case.pk)
        result.cases.append(case)
        result.seated[key] = [p.member for p in h.people if not p.lap_infant]
        result.infants[key] = [p.member for p in h.people if p.lap_infant]
        pinned = str(case.pinned_flight_id) if case.pinned_flight_id else None
        result.households.append(planner.Household(
            id=key, seats=h.seats, lap_infants=h.lap_infants,
            weight=planner.priority_weight(risk=case.risk_level, medical_need=case.medical_need,
                                           approved_on=case.approved_on, as_of=first_day),
            ready_from=case.ready_from, split_allowed=case.split_allowed,
            pinned_flight=pinned if pinned in open_ids or pinned is None else None,
            held=case.held, hold_reason=case.hold_reason, blocked=h.blocked, label=case.application.reference))
        if case.link_group is not None:
            groups[case.link_group].add(key)
    result.links = [g for g in groups.values() if len(g) > 1]
    return result


# --- screens -----------------------------------------------------------------------------------

def tranches(user):
    require(user, roles.RELOCATION_MANAGE)
    return Tranche.objects.select_related("arrival_point", "reception_centre").prefetch_related("flights")


def joinable_cases(user, tranche: Tranche | None = None):
    """Approved cases the coordinator may reach that are in no open tranche."""
    require(user, roles.RELOCATION_MANAGE, target=tranche)
    busy = TrancheCase.objects.filter(tranche__closed=False).values("application_id")
    return (scope_cases(user, Application.objects.filter(status__in=JOINABLE_STAGES))
            .exclude(pk__in=busy).order_by("reference").prefetch_related("members"))


@dataclass
class FlightSummary:
    flight: Flight
    seated: int
    lap_infants: int
    households: int
    boarded: int
    flags: int


@dataclass
class Flag:
    flight: Flight
    entry: ManifestEntry
    why: str


def reconciliation(flights) -> list[Flag]:
    """Anyone unaccounted for: on a manifest but neither boarded nor offloaded (a no-show, or no
    record once boarding closed), or boarded and not arrived once the flight's arrival is in."""
    flags = []
    for flight in flights:
        for entry in flight.entries.select_related("tranche_case__application", "member"):
            if entry.boarding == Boarding.NO_SHOW:
                flags.append(Flag(flight, entry, "no-show: neither boarded nor offloaded; find where they are"))
            elif entry.boarding == Boarding.PLANNED and flight.departed_at:
                flags.append(Flag(flight, entry, "on the manifest, no boarding record after boarding closed"))
            elif entry.boarding == Boarding.BOARDED and flight.arrived_at and not entry.arrived_at:
                flags.append(Flag(flight, entry, "boarded but not recorded as arrived"))
    return flags


def tranche_view(user, tranche: Tranche) -> dict:
    require(user, roles.RELOCATION_MANAGE, target=tranche)
    flights = list(tranche.flights.all())
    flags = reconciliation(flights)
    per_flight = defaultdict(int)
    for f in flags:
        per_flight[f.flight.pk] += 1
    summaries = []
    for f in flights:
        entries = list(f.entries.all())
        summaries.append(FlightSummary(
            flight=f, seated=sum(1 for e in entries if not e.lap_infant), lap_infants=sum(1 for e in entries if e.lap_infant),
            households=len({e.tranche_case_id for e in entries}),
            boarded=sum(1 for e in entries if e.boarding == Boarding.BOARDED), flags=per_flight[f.pk]))
    planned_on = defaultdict(list)
    for e in ManifestEntry.objects.filter(flight__tranche=tranche).select_related("flight"):
        if e.flight.code not in planned_on[e.tranche_case_id]:
            planned_on[e.tranche_case_id].append(e.flight.code)
    rows = households(tranche)
    for h in rows:
        h.planned_on = planned_on.get(h.case.pk, [])
    return {"tranche": tranche, "flights": summaries, "households": rows, "flags": flags}


@dataclass
class ManifestRow:
    entry: ManifestEntry
    name: str
    group: int


def flight_manifest(user, flight: Flight) -> list[ManifestRow]:
    """The manifest with names, for the coordinator recording boarding; the view is audited."""
    require(user, roles.RELOCATION_MANAGE, target=flight)
    entries = list(flight.entries.select_related("member__person", "tranche_case__application"))
    people = [e.member.person for e in entries]
    names = {v.person_id: v.full_name for v in
             people_selectors.identities(user, people, reason=f"manifest of flight {flight.code}", target=flight)}
    groups: dict = {}
    rows = []
    for e in entries:
        groups.setdefault(e.tranche_case_id, len(groups) + 1)
        rows.append(ManifestRow(entry=e, name=names.get(str(e.member.person_id), ""), group=groups[e.tranche_case_id]))
    return rows


def crew_rows(flight: Flight) -> list[dict]:
    """What the crew needs and nothing more (called by the audited export service)."""
    rows = []
    groups: dict = {}
    for n, e in enumerate(flight.entries.select_related("member__person"), start=1):
        groups.setdefault(e.tranche_case_id, len(groups) + 1)
        person = e.member.person
        rows.append({"flight": flight.code, "date": flight.date.isoformat(), "group": groups[e.tranche_case_id],
                     "passenger": n, "name": person.full_name, "gender": person.gender,
                     "age_band": age_band(person, flight.date), "seat": "lap" if e.lap_infant else "seat"})
    return rows


@dataclass
class JourneyStep:
    member: Member
    name: str
    flights: list[ManifestEntry]
    milestones: dict[str, Milestone]
    next_kind: str | None


def journey(user, application: Application) -> list[JourneyStep]:
    """Each person's way from manifest to citizenship, audited as a view of their names."""
    require(user, roles.RELOCATION_MANAGE, target=application)
    if not scope_cases(user, Application.objects.filter(pk=application.pk)).exists():
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("This case is outside your team or the stages your role works on.")
    members = list(application.members.select_related("person").order_by("position"))
    names = {v.person_id: v.full_name for v in people_selectors.identities(
        user, [m.person for m in members], reason="relocation journey", target=application)}
    entries = defaultdict(list)
    for e in ManifestEntry.objects.filter(member__in=members).select_related("flight"):
        entries[e.member_id].append(e)
    reached = defaultdict(dict)
    for m in Milestone.objects.filter(application=application):
        reached[m.member_id][m.kind] = m
    steps = []
    for m in members:
        got = reached[m.pk]
        following = [k for k in MILESTONE_ORDER if k not in got]
        next_kind = following[0] if got and following else None
        steps.append(JourneyStep(member=m, name=names.get(str(m.person_id), ""), flights=entries[m.pk],
                                 milestones=got, next_kind=next_kind))
    return steps


# --- figures for the reporting dashboard (aggregates only; no person is named) -----------------

def seats_planned_vs_used(user) -> list[dict]:
    """Per flight: seats, people planned (seated and on a lap), boarded and arrived."""
    require(user, roles.REPORTS_AGGREGATE)
    from django.db.models import Count, Q

    rows = (Flight.objects.annotate(
        planned_seated=Count("entries", filter=Q(entries__lap_infant=False)),
        planned_lap=Count("entries", filter=Q(entries__lap_infant=True)),
        boarded=Count("entries", filter=Q(entries__boarding=Boarding.BOARDED)),
        arrived=Count("entries", filter=Q(entries__arrived_at__isnull=False)))
        .order_by("date", "code"))
    return [{"flight": f.code, "date": f.date, "seats": f.seats, "planned_seated": f.planned_seated,
             "planned_lap_infants": f.planned_lap, "boarded": f.boarded, "arrived": f.arrived} for f in rows]


def arrivals_by_day(user) -> list[tuple[dt.date, int]]:
    """People arrived per day (from the per-person arrival milestones)."""
    require(user, roles.REPORTS_AGGREGATE)
    from django.db.models import Count

    return [(r["on"], r["n"]) for r in Milestone.objects.filter(kind="arrived").values("on")
            .annotate(n=Count("id")).order_by("on")]
