"""Reads for casework: a case's timeline, the queues each role works from, and the clocks.

The timeline is built from casework's own rows (stage changes, decisions, requests, changes of
circumstances, notes), never reconstructed from the audit log. Queues are the case scope of
resettle.accounts.access narrowed to a stage, so a role never sees more through a queue than
through the case list.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from resettle.accounts import roles
from resettle.accounts.access import scope_cases
from resettle.accounts.permissions import can, require
from resettle.applications.models import Application, Member
from resettle.applications.models import Status as Stage
from resettle.applications.aggregates import suppress_small
from resettle.casework import lifecycle
from resettle.records.models import ImportBatch
from resettle.casework.models import (
    ChangeStatus,
    CircumstanceChange,
    Decision,
    DecisionState,
    Document,
    InformationRequest,
    Note,
    RequestStatus,
    StatusChange,
)


# --- timeline -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    kind: str  # stage, decision, request, change, note, document
    actor: str
    title: str
    text: str = ""


def _name(user) -> str:
    return user.username if user else "applicant or system"


# The rows a case page may show beside the case: (name, model, column naming the case). Most
# cases have none of several kinds (no notes, links or flagged duplicates yet...).
_CASE_RELATIONS = (
    ("decisions", "casework.Decision", "application"),
    ("requests", "casework.InformationRequest", "application"),
    ("changes", "casework.CircumstanceChange", "application"),
    ("documents", "casework.Document", "application"),
    ("notes", "casework.Note", "application"),
    ("links", "casework.CaseLink", "application"),
    ("duplicates", "verification.DuplicateLink", "application"),
    ("assigned", None, None),  # the applications' assigned_to link table
)


def _relations_sql(alias: str) -> str:
    from django.apps import apps
    from django.db import connections

    q = connections[alias].ops.quote_name
    parts = []
    for _name, label, field in _CASE_RELATIONS:
        if label is None:
            meta = Application.assigned_to.through._meta
            field = Application.assigned_to.field.m2m_field_name()
        else:
            meta = apps.get_model(label)._meta
        parts.append(f"EXISTS(SELECT 1 FROM {q(meta.db_table)} WHERE {q(meta.get_field(field).column)} = %s)")
    return "SELECT " + ", ".join(parts)


_RELATIONS_SQL: dict[str, str] = {}


def relations_with_rows(application: Application) -> frozenset[str]:
    """Which of the case's optional row kinds hold any row, asked in one statement, so a page
    reads only the kinds there are instead of one query per kind (one more query when a case
    has every kind; up to seven fewer when it has few)."""
    from django.db import connections, router

    alias = router.db_for_read(Application)
    sql = _RELATIONS_SQL.get(alias) or _RELATIONS_SQL.setdefault(alias, _relations_sql(alias))
    key = Application._meta.pk.get_db_prep_value(application.pk, connections[alias])
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [key] * len(_CASE_RELATIONS))
        flags = cursor.fetchone()
    return frozenset(name for (name, _, _), present in zip(_CASE_RELATIONS, flags) if present)


@dataclass(frozen=True)
class CaseRows:
    """A case's casework rows, read once for a page that shows them twice (the panel and the
    timeline), each kind in its model's order with the people the timeline names. `present`:
    the optional kinds the case has rows of (relations_with_rows); the others were not read."""

    decisions: list[Decision]
    requests: list[InformationRequest]
    changes: list[CircumstanceChange]
    documents: list[Document]
    present: frozenset[str] = frozenset(name for name, _, _ in _CASE_RELATIONS)


def case_rows(application: Application) -> CaseRows:
    # A decision's evaluation is one of the case's, which the page reads anyway (with who made
    # it): taken from there rather than joined again into the decisions' query.
    from resettle.policies.models import Evaluation
    from resettle.policies.reports import case_evaluations

    present = relations_with_rows(application)
    found = []
    if "decisions" in present:
        evaluations = {e.pk: e for e in case_evaluations(application)}
        found = list(Decision.objects.filter(application=application)
                     .select_related("proposed_by", "confirmed_by", "member").order_by("proposed_at"))
        missing = {d.evaluation_id for d in found} - evaluations.keys()
        if missing:
            evaluations.update((e.pk, e) for e in Evaluation.objects.filter(pk__in=missing).select_related("actor"))
        for d in found:
            d.evaluation = evaluations[d.evaluation_id]
    return CaseRows(
        decisions=found,
        requests=list(InformationRequest.objects.filter(application=application).select_related("created_by"))
        if "requests" in present else [],
        changes=list(CircumstanceChange.objects.filter(application=application)
                     .select_related("reported_by", "handled_by")) if "changes" in present else [],
        documents=list(Document.objects.filter(application=application).select_related("uploaded_by"))
        if "documents" in present else [],
        present=present,
    )


def timeline(application: Application, *, with_notes: bool = True, rows: CaseRows | None = None) -> list[TimelineEntry]:
    """Everything that happened to the case, oldest first. Notes and request texts are sealed:
    the caller has already checked the reader may see the case, and the case page audits the view.
    `rows`: the case's rows when the caller has already read them (case_rows)."""
    entries: list[TimelineEntry] = []
    for c in StatusChange.objects.filter(application=application).select_related("actor"):
        title = (f"{Stage(c.from_stage).label} → {Stage(c.to_stage).label}" if c.from_stage
                 else f"{Stage(c.to_stage).label}")
        entries.append(TimelineEntry(c.at, "stage", _name(c.actor) if c.via != "portal" else "applicant (portal)",
                                     title, c.reason))
    for d in (rows.decisions if rows else
              Decision.objects.filter(application=application).select_related("proposed_by", "confirmed_by", "member")):
        who = "the case" if d.member_id is None else f"a {d.member.get_relationship_display().lower()} added later"
        entries.append(TimelineEntry(d.proposed_at, "decision", _name(d.proposed_by),
                                     f"Proposed: {d.get_outcome_display().lower()} {who}", d.reasons))
        if d.confirmed_at:
            entries.append(TimelineEntry(d.confirmed_at, "decision", _name(d.confirmed_by),
                                         f"Confirmed: {d.get_outcome_display().lower()} {who}", d.review_note))
    for r in rows.requests if rows else InformationRequest.objects.filter(application=application).select_related("created_by"):
        entries.append(TimelineEntry(r.created_at, "request", _name(r.created_by),
                                     f"Request for information (due {r.deadline:%Y-%m-%d})", r.question))
        if r.answered_at:
            entries.append(TimelineEntry(r.answered_at, "request", f"answered via {r.answered_via}",
                                         "Request answered", r.answer))
        if r.lapsed_at:
            entries.append(TimelineEntry(r.lapsed_at, "request", "system", "Request lapsed: no answer by the deadline"))
    for c in (rows.changes if rows else
              CircumstanceChange.objects.filter(application=application).select_related("reported_by", "handled_by")):
        entries.append(TimelineEntry(c.reported_at, "change", _name(c.reported_by) if c.reported_via != "portal"
                                     else "applicant (portal)", f"Change of circumstances reported: {c.get_kind_display()}",
                                     c.details))
        if c.handled_at:
            entries.append(TimelineEntry(c.handled_at, "change", _name(c.handled_by), f"Change {c.get_status_display().lower()}"))
    if with_notes and (rows is None or "notes" in rows.present):
        for n in Note.objects.filter(application=application).select_related("author"):
            entries.append(TimelineEntry(n.at, "note", _name(n.author), "Note", n.text))
    for d in rows.documents if rows else Document.objects.filter(application=application).select_related("uploaded_by"):
        entries.append(TimelineEntry(d.uploaded_at, "document", _name(d.uploaded_by) if d.uploaded_via != "portal"
                                     else "applicant (portal)", f"Document added: {d.get_kind_display()}"))
    return sorted(entries, key=lambda e: e.at)


def decisions(application: Application) -> QuerySet[Decision]:
    return (Decision.objects.filter(application=application)
            .select_related("proposed_by", "confirmed_by", "evaluation", "evaluation__actor", "member")
            .order_by("proposed_at"))


_UNREAD = object()


def criteria_choices(application: Application, evaluation=_UNREAD) -> list[tuple[str, str]]:
    """The current evaluation's criteria, for a decision to cite (`evaluation`: the current one
    when the caller has already read it, None if there is none)."""
    from resettle.policies.selectors import current_evaluation

    if evaluation is _UNREAD:
        evaluation = current_evaluation(application)
    rows = (evaluation.criteria or {}).get("criteria", []) if evaluation else []
    return [(c.get("id"), f"{c.get('id')} ({c.get('status')})") for c in rows if c.get("id")]


def pending_decision(application: Application, member: Member | None = None) -> Decision | None:
    return Decision.objects.filter(application=application, member=member, state=DecisionState.PROPOSED).first()


def available_actions(user, application: Application) -> list[lifecycle.Transition]:
    """The moves this user could make now (buttons on the case page); preconditions are checked
    when pressed, so a refused one explains itself."""
    from resettle.accounts.permissions import capabilities_of

    held = capabilities_of(user)
    return [t for t in lifecycle.available(application.status)
            if not t.via_decision and lifecycle.capability_for(t, application.status, held)]


def open_information_requests(application: Application) -> list[InformationRequest]:
    """For the applicant's status page: what is asked and by when (no staff names)."""
    return list(InformationRequest.objects.filter(application=application,
                                                  status__in=[RequestStatus.OPEN, RequestStatus.LAPSED])
                .order_by("deadline"))


def applicant_stage_text(application: Application) -> tuple[str, str]:
    return lifecycle.APPLICANT_TEXT[application.status]


# --- queues ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    capability: str
    help: str


QUEUES: dict[str, Queue] = {q.key: q for q in [
    Queue("intake", "Intake: received", roles.CASE_EDIT, "New cases to check and send on."),
    Queue("verification", "Verification", roles.VERIFY, "Claimed employment to confirm or reject against the records."),
    Queue("assessment", "Assessment", roles.DECIDE, "Cases verified and ready to evaluate and propose a decision on."),
    Queue("second_approval", "Second approval", roles.APPROVE,
          "Decisions proposed by someone else, waiting for a second decision maker."),
    Queue("reconsideration", "Reconsideration", roles.DECIDE, "Declined cases asking to be looked at again."),
    Queue("requests_lapsed", "Requests lapsed", roles.CASE_EDIT,
          "Requests for information not answered by their deadline: a person decides what next."),
    Queue("changes", "Changes of circumstances", roles.CASE_EDIT, "Reported changes waiting for a caseworker."),
    Queue("relocation", "Relocation", roles.RELOCATION_MANAGE, "Approved cases to schedule, and cases travelling."),
]}

_QUEUE_STAGES = {
    "intake": [Stage.RECEIVED],
    "verification": [Stage.VERIFICATION],
    "assessment": [Stage.ASSESSMENT],
    "second_approval": [Stage.DECISION_PROPOSED],
    "reconsideration": [Stage.RECONSIDERATION],
    "relocation": [Stage.APPROVED, Stage.RELOCATION],
}

SORTS = {"waiting": ("status_since", "reference"), "newest": ("-status_since", "reference"),
         "received": ("received_on", "reference"), "reference": ("reference",)}


def queues_for(user) -> list[Queue]:
    return [q for q in QUEUES.values() if can(user, q.capability)]


def queue(user, key: str, *, pathway: str = "", team: str = "", sort: str = "waiting") -> QuerySet[Application]:
    """One queue as this user may see it, sortable by waiting time (longest first by default)."""
    q = QUEUES.get(key)
    if q is None:
        raise LookupError(f"no queue {key!r}")
    require(user, q.capability)
    cases = scope_cases(user, Application.objects.all())
    if key in _QUEUE_STAGES:
        cases = cases.filter(status__in=_QUEUE_STAGES[key])
    if key == "second_approval":
        mine = Decision.objects.filter(application=OuterRef("pk"), state=DecisionState.PROPOSED, proposed_by=user)
        cases = cases.exclude(Exists(mine))
    elif key == "requests_lapsed":
        today = timezone.localdate()
        late = InformationRequest.objects.filter(application=OuterRef("pk")).filter(
            Q(status=RequestStatus.LAPSED) | Q(status=RequestStatus.OPEN, deadline__lt=today))
        cases = cases.filter(Exists(late))
    elif key == "changes":
        cases = cases.filter(Exists(CircumstanceChange.objects.filter(application=OuterRef("pk"),
                                                                      status=ChangeStatus.REPORTED)))
    if pathway:
        cases = cases.filter(pathway=pathway)
    if team:
        cases = cases.filter(team__name=team)
    open_requests = InformationRequest.objects.filter(application=OuterRef("pk"), status=RequestStatus.OPEN)
    cases = cases.annotate(has_open_request=Exists(open_requests))
    return cases.select_related("team").order_by(*SORTS.get(sort, SORTS["waiting"]))


def queue_counts(user) -> dict[str, int]:
    return {q.key: queue(user, q.key).count() for q in queues_for(user)}


# --- clocks ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StageClock:
    stage: str
    label: str
    cases: int | None  # None when fewer than the suppression threshold
    median_days: float | None
    p90_days: float | None


def _nth(qs: QuerySet, n: int) -> int | None:
    return qs.values_list("seconds_in_from_stage", flat=True)[n:n + 1].first() if n >= 0 else None


def stage_clocks(*, since: dt.date | None = None, pathway: str = "", threshold: int = 5) -> list[StageClock]:
    """Median and 90th percentile of the time cases spent at each stage they have left (the
    figures the US SIV programme publishes every quarter), from StatusChange rows alone.

    Each percentile is one ordered index scan (from_stage, seconds): the same on SQLite and
    PostgreSQL, and fast on 50,000 cases (bench/casework)."""
    rows = StatusChange.objects.exclude(from_stage="").filter(seconds_in_from_stage__isnull=False)
    if since:
        rows = rows.filter(at__date__gte=since)
    if pathway:
        rows = rows.filter(application__pathway=pathway)
    if connection.vendor == "postgresql":
        return _clocks_in_one_pass(rows, threshold)
    counts = dict(rows.order_by().values("from_stage").annotate(n=Count("id")).values_list("from_stage", "n"))
    out = []
    for stage in Stage:
        n = counts.get(stage.value, 0)
        if not n:
            continue
        if n < threshold:
            out.append(StageClock(stage.value, stage.label, None, None, None))
            continue
        ordered = rows.filter(from_stage=stage.value).order_by("seconds_in_from_stage")
        # Nearest-rank percentiles: a value some case really took.
        median = _nth(ordered, max(0, (n + 1) // 2 - 1))
        p90 = _nth(ordered, max(0, -(-9 * n // 10) - 1))
        out.append(StageClock(stage.value, stage.label, n, round(median / 86400, 1), round(p90 / 86400, 1)))
    return out


def _clocks_in_one_pass(rows: QuerySet, threshold: int) -> list[StageClock]:
    """PostgreSQL: every stage's count and nearest-rank percentiles (percentile_disc) in one
    grouped scan, instead of three queries per stage."""
    sql, params = rows.order_by().values("from_stage", "seconds_in_from_stage").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT from_stage, count(*), percentile_disc(0.5) WITHIN GROUP (ORDER BY seconds_in_from_stage), "
            "percentile_disc(0.9) WITHIN GROUP (ORDER BY seconds_in_from_stage) "
            f"FROM ({sql}) AS t GROUP BY from_stage", params)
        found = {stage: (n, median, p90) for stage, n, median, p90 in cursor.fetchall()}
    out = []
    for stage in Stage:
        if stage.value not in found:
            continue
        n, median, p90 = found[stage.value]
        if n < threshold:
            out.append(StageClock(stage.value, stage.label, None, None, None))
        else:
            out.append(StageClock(stage.value, stage.label, n, round(median / 86400, 1), round(p90 / 86400, 1)))
    return out


def stage_counts(*, threshold: int = 5) -> dict[str, int | None]:
    rows = (Application.objects.filter(ImportBatch.settled()).order_by().values("status").annotate(n=Count("pk"))
            .values_list("status", "n"))
    return suppress_small(dict(rows), threshold=threshold)
