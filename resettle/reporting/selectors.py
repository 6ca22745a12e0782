"""The dashboard's figures: one function per figure, aggregates only.

Every count is a group-by in the database (no case is read into Python), and every count below
the threshold (5) is withheld as None before it leaves this module: on the page, in the charts
and in the CSV downloads alike. Where a table's total is shown or can be added up, a lone
withheld cell takes the next smallest with it (resettle.applications.aggregates.suppress_small),
so nobody can subtract their way back to it.

Merged duplicate applications are left out (a person counts once). Relocation's figures are read
only if that app is installed, through the app registry, so reporting works without it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from resettle.accounts import roles
from resettle.accounts.permissions import require
from resettle.applications.aggregates import suppress_small
from resettle.applications.models import Application, Member, Relationship
from resettle.applications.models import Status as Stage
from resettle.audit.services import record_event
from resettle.casework.models import Decision, DecisionOutcome, DecisionState, StatusChange
from resettle.casework.selectors import stage_clocks
from resettle.records.models import ImportBatch

THRESHOLD = 5
RELOCATION = "resettle.relocation"
# Flights drawn in the seats chart (the CSV has all of them).
CHART_FLIGHTS = 24

Number = int | float | None


@dataclass(frozen=True)
class Series:
    label: str
    values: list[Number]
    in_chart: bool = True  # False: a column of the table and CSV only (e.g. the cases behind a median)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    categories: list[str]
    series: list[Series]
    category_label: str = ""
    unit: str = ""
    chart: str = "horizontal"  # or "vertical" (time on the x axis)
    note: str = ""
    available: bool = True
    totals: list[tuple[str, Number]] = field(default_factory=list)
    chart_labels: list[str] | None = None  # shorter labels for the chart's axis (the table keeps the full ones)

    @property
    def empty(self) -> bool:
        return not self.categories or all(v in (0, None) for s in self.series for v in s.values)


def hide_small(value: int, threshold: int = THRESHOLD) -> int | None:
    """One count on its own (no total it adds up to): withheld if 1 to threshold-1."""
    return None if 0 < value < threshold else value


def _suppressed_series(keys: list, counts: dict, threshold: int) -> list[Number]:
    shown = suppress_small({str(k): counts.get(k, 0) for k in keys}, threshold=threshold)
    return [shown[str(k)] for k in keys]


def stage_label(stage: Stage) -> str:
    """A stage's name short enough for a chart axis ("Decision proposed", not the whole sentence)."""
    return stage.label.split(",")[0]


def _applications(pathway: str) -> QuerySet[Application]:
    # an import still being written is counted once it completes (all or nothing)
    qs = Application.objects.filter(ImportBatch.settled(), duplicate_of__isnull=True)
    return qs.filter(pathway=pathway) if pathway else qs


def relocation_installed() -> bool:
    return apps.is_installed(RELOCATION)


def pathways() -> list[str]:
    """The pathways to filter by (a DISTINCT over every case: reused like the figures)."""
    def read() -> list[str]:
        return list(Application.objects.filter(ImportBatch.settled()).order_by("pathway")
                    .values_list("pathway", flat=True).distinct())

    seconds = int(getattr(settings, "REPORTING_CACHE_SECONDS", 300))
    return cache.get_or_set("reporting:pathways:v1", read, seconds) if seconds > 0 else read()


# --- figures -------------------------------------------------------------------------------------

def applications_by_stage(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    rows = dict(_applications(pathway).order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    stages = list(Stage)
    values = _suppressed_series([s.value for s in stages], rows, threshold)
    total = sum(rows.values())
    return Figure("stages", "Applications by stage", [stage_label(s) for s in stages], [Series("Applications", values)],
                  category_label="Stage", unit="applications", totals=[("Applications", hide_small(total, threshold))])


def _split(members: QuerySet[Member]) -> tuple[int, int]:
    principal = Q(relationship=Relationship.PRINCIPAL)
    got = members.order_by().aggregate(p=Count("pk", filter=principal), f=Count("pk", filter=~principal))
    return got["p"], got["f"]


def _approved(members: QuerySet[Member]) -> QuerySet[Member]:
    """The brief's rule: a confirmed approval on the case covers everyone on it from intake; a
    member added later needs a confirmed approval of their own."""
    confirmed = Decision.objects.filter(state=DecisionState.CONFIRMED, outcome=DecisionOutcome.APPROVE)
    cases = confirmed.filter(member__isnull=True).values("application_id")
    own = confirmed.filter(member__isnull=False).values("member_id")
    return members.filter(Q(added_on__isnull=True, application_id__in=cases) | Q(pk__in=own))


def _arrived(members: QuerySet[Member]) -> QuerySet[Member]:
    """Per person from relocation's arrival milestones; for a case that arrived without them
    (before relocation recorded people, or an arrival recorded by hand) its household counts."""
    cases = StatusChange.objects.filter(to_stage=Stage.ARRIVED).values("application_id")
    if not relocation_installed():
        return members.filter(application_id__in=cases)
    recorded = apps.get_model("relocation", "Milestone").objects.filter(kind="arrived")
    return members.filter(Q(pk__in=recorded.values("member_id"))
                          | (Q(application_id__in=cases) & ~Q(application_id__in=recorded.values("application_id"))))


def principals_and_dependants(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """People, not cases: principals (the interpreters, drivers...) and their family members
    now in the household, among everyone who applied, was approved, and arrived. Three
    aggregates over members with IN-subqueries, which both databases run as one hash or
    index probe per member rather than a correlated query per member."""
    # Merged duplicates are few: leaving them out by id spares a join of every member to its case.
    # So are the cases of an import still being written (counted once it completes).
    merged = Application.objects.filter(duplicate_of__isnull=False).values("pk")
    unsettled = Application.objects.filter(batch__state__in=ImportBatch.UNSETTLED).values("pk")
    members = (Member.objects.filter(left_household_on__isnull=True).exclude(application_id__in=merged)
               .exclude(application_id__in=unsettled))
    if pathway:
        members = members.filter(application_id__in=Application.objects.filter(pathway=pathway).values("pk"))
    groups = [("In applications", members), ("Approved", _approved(members)), ("Arrived", _arrived(members))]
    principals, family = [], []
    for _, qs in groups:
        p, f = _split(qs)
        # The two cells of a group add up to its people: a lone withheld cell takes the other.
        shown = suppress_small({"principals": p, "family": f}, threshold=threshold)
        principals.append(shown["principals"])
        family.append(shown["family"])
    return Figure("people", "Principals and family members", [label for label, _ in groups],
                  [Series("Principals", principals), Series("Family members", family)], category_label="People",
                  unit="people", note="Family members are those in the household now; a member added after "
                                      "approval counts as approved once decided on their own.")


# --- periods ---------------------------------------------------------------------------------------
# Months and quarters are the local calendar's (TIME_ZONE). Rather than truncating every row's
# timestamp (on SQLite a Python function call per row), each period's local start is turned into
# a bound once, and the database sorts rows into periods with plain comparisons (CASE WHEN at <
# bound ...): the same query on SQLite and PostgreSQL, and index-friendly.

def _periods(first: dt.date, last: dt.date, months: int) -> tuple[list[str], list[dt.date]]:
    """Labels of the periods from first to last (months=1: '2021-08'; months=3: '2021 Q3') and
    their start days, plus the day after the last period ends."""
    y, m = first.year, (first.month - 1) // months * months + 1
    labels, starts = [], []
    while (y, m) <= (last.year, last.month):
        starts.append(dt.date(y, m, 1))
        labels.append(f"{y} Q{(m - 1) // 3 + 1}" if months == 3 else f"{y:04d}-{m:02d}")
        y, m = (y + 1, m + months - 12) if m + months > 12 else (y, m + months)
    starts.append(dt.date(y, m, 1))
    return labels, starts


def _bound(day: dt.date, datetimes: bool):
    return timezone.make_aware(dt.datetime.combine(day, dt.time())) if datetimes else day


def _span(spans) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest local day over (queryset, field) pairs."""
    days = []
    for qs, name in spans:
        got = qs.order_by().aggregate(lo=Min(name), hi=Max(name))
        days += [timezone.localtime(v).date() if isinstance(v, dt.datetime) else v
                 for v in (got["lo"], got["hi"]) if v is not None]
    return (min(days), max(days)) if days else None


def _per_period(qs: QuerySet, name: str, starts: list[dt.date], *, datetimes: bool = True, by: str = "",
                count=None) -> dict[tuple[int, str], int]:
    """{(period index, value of `by`): count} for rows of qs whose `name` falls in the periods."""
    bounds = [_bound(d, datetimes) for d in starts]
    period = Case(*[When(**{f"{name}__lt": b}, then=Value(i)) for i, b in enumerate(bounds[1:])],
                  default=Value(-1), output_field=IntegerField())
    rows = (qs.order_by().filter(**{f"{name}__gte": bounds[0], f"{name}__lt": bounds[-1]})
            .annotate(period=period).values("period", *([by] if by else [])).annotate(n=count or Count("pk")))
    return {(r["period"], r[by] if by else ""): r["n"] for r in rows}


def decisions_over_time(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """Approvals and declines confirmed by a second decision maker (including those later
    superseded: they were made), and reconsiderations requested, per quarter."""
    decided = Decision.objects.filter(member__isnull=True, confirmed_at__isnull=False,
                                      state__in=[DecisionState.CONFIRMED, DecisionState.SUPERSEDED])
    asked = StatusChange.objects.filter(to_stage=Stage.RECONSIDERATION)
    if pathway:
        decided, asked = decided.filter(application__pathway=pathway), asked.filter(application__pathway=pathway)
    span = _span([(decided, "confirmed_at"), (asked, "at")])
    quarters, starts = _periods(*span, months=3) if span else ([], [])
    counts: dict[str, dict[str, int]] = {"approve": {}, "decline": {}, "reconsideration": {}}
    if span:
        for (i, outcome), n in _per_period(decided, "confirmed_at", starts, by="outcome").items():
            counts[outcome][quarters[i]] = n
        for (i, _), n in _per_period(asked, "at", starts).items():
            counts["reconsideration"][quarters[i]] = n
    after = (_applications(pathway)
             .filter(Exists(Decision.objects.filter(application=OuterRef("pk"), member__isnull=True,
                                                    state=DecisionState.CONFIRMED, outcome=DecisionOutcome.APPROVE)))
             .filter(Exists(Decision.objects.filter(application=OuterRef("pk"), member__isnull=True,
                                                    outcome=DecisionOutcome.DECLINE, confirmed_at__isnull=False)))
             .count())
    totals = [("Approvals", sum(counts["approve"].values())), ("Declines", sum(counts["decline"].values())),
              ("Reconsiderations requested", sum(counts["reconsideration"].values())),
              ("Approved after a decline", after)]
    return Figure(
        "decisions", "Approvals, declines and reconsiderations per quarter", quarters,
        [Series("Approvals", _suppressed_series(quarters, counts["approve"], threshold)),
         Series("Declines", _suppressed_series(quarters, counts["decline"], threshold)),
         Series("Reconsiderations requested", _suppressed_series(quarters, counts["reconsideration"], threshold))],
        category_label="Quarter", unit="cases", chart="vertical",
        totals=[(label, hide_small(n, threshold)) for label, n in totals],
        note="Decisions on whole cases, confirmed by a second decision maker; a decline later "
             "overturned on reconsideration still counts as a decline in its quarter.")


def arrivals_over_time(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """Cases that reached `arrived`, and the people who arrived, per month."""
    moves = StatusChange.objects.filter(to_stage=Stage.ARRIVED)
    if pathway:
        moves = moves.filter(application__pathway=pathway)
    recorded = unrecorded = None
    if relocation_installed():
        recorded = apps.get_model("relocation", "Milestone").objects.filter(kind="arrived")
        if pathway:
            recorded = recorded.filter(application__pathway=pathway)
        unrecorded = moves.exclude(application_id__in=recorded.values("application_id"))
    span = _span([(moves, "at")] + ([(recorded, "on")] if recorded is not None else []))
    months, starts = _periods(*span, months=1) if span else ([], [])
    cases: dict[str, int] = {}
    people: dict[str, int] = {}
    if span:
        for (i, _), n in _per_period(moves, "at", starts, count=Count("application", distinct=True)).items():
            cases[months[i]] = n
        if recorded is not None:
            for (i, _), n in _per_period(recorded, "on", starts, datetimes=False).items():
                people[months[i]] = n
        household = Count("application__members", filter=Q(application__members__left_household_on__isnull=True))
        for (i, _), n in _per_period(unrecorded if unrecorded is not None else moves, "at", starts,
                                     count=household).items():
            people[months[i]] = people.get(months[i], 0) + n
    return Figure("arrivals", "Arrivals per month", months,
                  [Series("Cases arrived", _suppressed_series(months, cases, threshold)),
                   Series("People arrived", _suppressed_series(months, people, threshold))],
                  category_label="Month", unit="cases / people", chart="vertical",
                  totals=[("Cases arrived", hide_small(sum(cases.values()), threshold)),
                          ("People arrived", hide_small(sum(people.values()), threshold))])


def processing_times(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """Median and 90th percentile of the days cases spent at each stage they have left
    (casework's stage_clocks: nearest-rank, from StatusChange rows)."""
    clocks = stage_clocks(pathway=pathway, threshold=threshold)
    return Figure("clocks", "Processing time per stage", [stage_label(Stage(c.stage)) for c in clocks],
                  [Series("Median", [c.median_days for c in clocks]),
                   Series("90th percentile", [c.p90_days for c in clocks]),
                   Series("Cases", [c.cases for c in clocks], in_chart=False)],
                  category_label="Stage", unit="days",
                  note="Time at a stage is counted when the case leaves it; a stage that fewer than "
                       f"{threshold} cases have left shows no figures.")


def seats_planned_and_used(*, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """Per flight: seats offered, seats on the plan (people on the manifest who need a seat), and
    seats used (those who boarded). Infants on a lap take no seat and are counted apart."""
    title = "Seats planned and used per flight"
    if not relocation_installed():
        return Figure("seats", title, [], [], available=False,
                      note="Relocation is not installed here, so there are no flights to report.")
    Flight = apps.get_model("relocation", "Flight")
    seat = Q(entries__lap_infant=False)
    flights = list(Flight.objects.order_by("date", "code").annotate(
        planned=Count("entries", filter=seat),
        used=Count("entries", filter=seat & Q(entries__boarding="boarded")),
        laps=Count("entries", filter=Q(entries__lap_infant=True))).values("code", "date", "seats", "planned", "used", "laps",
                                                                          "departed_at"))
    return Figure(
        "seats", title, [f"{f['code']} {f['date']:%d %b %Y}" for f in flights],
        [Series("Seats offered", [f["seats"] for f in flights]),
         Series("Seats planned", [hide_small(f["planned"], threshold) for f in flights]),
         Series("Seats used (boarded)", [hide_small(f["used"], threshold) if f["departed_at"] else 0 for f in flights]),
         Series("Infants on a lap", [hide_small(f["laps"], threshold) for f in flights], in_chart=False)],
        category_label="Flight", unit="seats", chart="vertical", chart_labels=[f["code"] for f in flights],
        note=("All pathways (a flight carries several). Seats used are counted once boarding has "
              "closed." if flights else "No flights have been scheduled yet."))


FIGURES: dict[str, Callable[..., Figure]] = {
    "stages": applications_by_stage,
    "people": principals_and_dependants,
    "decisions": decisions_over_time,
    "arrivals": arrivals_over_time,
    "clocks": processing_times,
    "seats": seats_planned_and_used,
}


# --- entry points (checked and audited) ----------------------------------------------------------

def cache_seconds() -> int:
    """How long computed figures are reused (settings.REPORTING_CACHE_SECONDS, default 300; 0
    computes them on every view). Aggregates a minister reads need not be live to the second,
    and the page says when they were computed."""
    return int(getattr(settings, "REPORTING_CACHE_SECONDS", 300))


def all_figures(*, pathway: str = "", threshold: int = THRESHOLD) -> tuple[list[Figure], dt.datetime]:
    """Every figure, and when it was computed: from the cache when fresh enough. Only
    suppressed aggregates are cached, never a row about a person."""
    seconds = cache_seconds()
    key = f"reporting:figures:v1:{threshold}:{pathway}"
    got = cache.get(key) if seconds > 0 else None
    if got is None:
        got = ([make(pathway=pathway, threshold=threshold) for make in FIGURES.values()], timezone.now())
        if seconds > 0:
            cache.set(key, got, seconds)
    return got


def dashboard(user, *, pathway: str = "", threshold: int = THRESHOLD) -> tuple[list[Figure], dt.datetime]:
    require(user, roles.REPORTS_AGGREGATE)
    record_event(actor=user, action="reports.dashboard_viewed", details={"pathway": pathway})
    return all_figures(pathway=pathway, threshold=threshold)


def figure(user, key: str, *, pathway: str = "", threshold: int = THRESHOLD) -> Figure:
    """One figure for its CSV download (the same computation the page shows); LookupError for
    an unknown key."""
    require(user, roles.REPORTS_AGGREGATE)
    if key not in FIGURES:
        raise LookupError(f"no figure {key!r}")
    record_event(actor=user, action="reports.figure_downloaded", details={"figure": key, "pathway": pathway})
    figures, _ = all_figures(pathway=pathway, threshold=threshold)
    return next(f for f in figures if f.key == key)


def csv_rows(fig: Figure) -> list[list[str]]:
    """The figure as rows, a withheld value written as 'suppressed' (never blank or 0)."""
    def cell(v: Number) -> str:
        return "suppressed" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))

    rows = [[fig.category_label or "category"] + [s.label for s in fig.series]]
    for i, c in enumerate(fig.categories):
        rows.append([c] + [cell(s.values[i]) for s in fig.series])
    return rows
