"""Reads: evaluations, and the candidates a simulation runs over."""

from __future__ import annotations

from datetime import date

import numpy as np
from django.db import connection
from django.db.models import QuerySet

from resettle.applications.models import Application, Relationship
from resettle.records.models import EmploymentRecord, ImportBatch

from . import engine
from .engine.dates import MISSING
from .engine.evaluate import Situation, situations_table
from .engine.simulate import records_table
from .engine.table import Column, PeriodTable
from .facts import PREFETCH, situation_for
from .models import Evaluation


def evaluations_for(application: Application) -> QuerySet[Evaluation]:
    """Every evaluation of an application, oldest first (the history of decisions)."""
    return Evaluation.objects.filter(application=application).order_by("created_at")


def current_evaluation(application: Application) -> Evaluation | None:
    return (Evaluation.objects.filter(application=application, superseded_by__isnull=True)
            .order_by("-created_at").first())


def _ordinals(values: list) -> np.ndarray:
    """Dates as the database driver returns them (date objects, or ISO text) -> ordinals."""
    return np.fromiter(
        (MISSING if v is None else v.toordinal() if isinstance(v, date) else date.fromisoformat(str(v)).toordinal()
         for v in values), dtype=np.int64, count=len(values))


def _as_ordinals(values: tuple, computed: bool) -> np.ndarray:
    if computed:
        return np.fromiter((MISSING if v is None else v for v in values), dtype=np.int64, count=len(values))
    return _ordinals(list(values))


def employment_records_table(*, reference: date, employer: str | None = None) -> PeriodTable:
    """The people in the employment records as simulation candidates: records grouped into one
    person by the matcher (person_group) are one candidate with several periods; a record not yet
    grouped stands alone. Only canonical, unencrypted columns are read, with a plain cursor: the
    ORM's per-row objects cost more than the simulation itself."""
    meta = EmploymentRecord._meta
    q = connection.ops.quote_name
    cols = ["id", "employer", "unit", "role", "location", "start_date", "end_date", "person_group"]
    selected = [q(meta.get_field(c).column) for c in cols]
    as_ordinals = connection.vendor == "sqlite"
    if as_ordinals:
        # SQLite hands dates back as text that Django's converter parses row by row (a third of
        # the read); julianday gives the proleptic Gregorian ordinal directly (0001-01-01 -> 1)
        for k in (5, 6):
            selected[k] = f"CAST(julianday({selected[k]}) - 1721424.5 AS INTEGER)"
    sql = f"SELECT {', '.join(selected)} FROM {q(meta.db_table)}"
    params: list = []
    if employer:
        sql += f" WHERE {q(meta.get_field('employer').column)} = %s"
        params.append(employer)
    sql += f" ORDER BY {q(meta.get_field('source').column)}, {q(meta.get_field('source_record_id').column)}"
    with connection.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    if not rows:
        return records_table(employer=Column([], np.zeros(0, np.int32)), unit=Column([], np.zeros(0, np.int32)),
                             role=Column([], np.zeros(0, np.int32)), location=Column([], np.zeros(0, np.int32)),
                             start=np.zeros(0, np.int64), end=np.zeros(0, np.int64), reference=reference, ids=[])
    ids, emp, unit, role, loc, start, end, person = zip(*rows)
    people: dict[str, int] = {}
    group = np.array([people.setdefault(p or f"record:{i}", len(people)) for i, p in zip(ids, person)], dtype=np.int64)
    return records_table(employer=Column.from_values(emp), unit=Column.from_values(unit),
                         role=Column.from_values(role), location=Column.from_values(loc),
                         start=_as_ordinals(start, as_ordinals), end=_as_ordinals(end, as_ordinals),
                         reference=reference, ids=list(people), group=group)


def applications_table(*, pathway: str | None = None) -> tuple[PeriodTable, list[int]]:
    """Applications as simulation candidates (reference date = each one's received date), and
    the family size (members other than the principal) of each, for the dependants estimate."""
    qs = Application.objects.filter(ImportBatch.settled()).order_by("received_on").prefetch_related(*PREFETCH)
    if pathway:
        qs = qs.filter(pathway=pathway)
    situations, sizes, refs = [], [], []
    for app in qs.iterator(chunk_size=100):
        situations.append(Situation.from_dict(situation_for(app)))
        sizes.append(sum(m.relationship != Relationship.PRINCIPAL for m in app.members.all()))
        refs.append(app.reference)
    table = situations_table(situations)
    # situations ride along so a simulation can count family members, those referred for
    # discretion apart
    table.extra = {"ids": refs, "situations": situations}
    return table, sizes


def policy_summaries() -> list[dict]:
    """Policies and versions for listings (CLI and pages)."""
    out = []
    for p in engine.all_policies():
        for v in p.versions:
            out.append({"policy": p.id, "title": p.title, "jurisdiction": p.jurisdiction, "version": v.id,
                        "version_title": v.title, "effective_from": v.effective_from,
                        "effective_until": v.effective_until, "sources": [s.id for s in v.sources],
                        "criteria": len(v.criteria), "outcomes": [r.id for r in [*v.rules, v.otherwise]]})
    return out
