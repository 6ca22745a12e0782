"""The dashboard for analysts and ministers, and each figure as CSV. Views only parse the
filter, call the selectors (which check the role and write the audit event) and draw."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from resettle.reporting import charts, selectors
from resettle.reporting.forms import DashboardFilter
from resettle.reporting.selectors import Figure


def _pathway(request) -> tuple[DashboardFilter, str]:
    form = DashboardFilter(request.GET or None, pathways=selectors.pathways())
    return form, (form.cleaned_data["pathway"] if form.is_bound and form.is_valid() else "")


def chart_svg(fig: Figure) -> str:
    series = [charts.SeriesData(s.label, s.values) for s in fig.series if s.in_chart]
    categories = fig.chart_labels or fig.categories
    if fig.key == "seats" and len(categories) > selectors.CHART_FLIGHTS:
        categories = categories[-selectors.CHART_FLIGHTS:]
        series = [charts.SeriesData(s.label, list(s.values)[-selectors.CHART_FLIGHTS:]) for s in series]
    draw = charts.vertical_bars if fig.chart == "vertical" else charts.horizontal_bars
    extra = {"max_labels": 8} if fig.chart == "vertical" else {}
    return draw(f"chart-{fig.key}", fig.title, categories, series, unit=fig.unit, **extra)


def _table_rows(fig: Figure) -> list:
    """The rows of the table under a chart: what the chart shows (the latest flights only; every
    flight is in the CSV, and 800 table rows would slow every view of the page)."""
    rows = list(zip(fig.categories, zip(*[s.values for s in fig.series]))) if fig.series else []
    return rows[-selectors.CHART_FLIGHTS:] if fig.key == "seats" else rows


def dashboard(request):
    form, pathway = _pathway(request)
    figures, computed_at = selectors.dashboard(request.user, pathway=pathway)
    panels = [{"figure": f, "svg": mark_safe(chart_svg(f)) if f.available and not f.empty else "",  # noqa: S308 - escaped in charts
               "rows": _table_rows(f), "rows_cut": f.key == "seats" and len(f.categories) > selectors.CHART_FLIGHTS}
              for f in figures]
    return render(request, "reporting/dashboard.html", {
        "form": form, "pathway": pathway, "panels": panels, "threshold": selectors.THRESHOLD,
        "computed_at": computed_at, "cache_minutes": selectors.cache_seconds() // 60,
        "unknown_pathway": form.is_bound and not form.is_valid()})


def figure_csv(request, key: str):
    _, pathway = _pathway(request)
    try:
        fig = selectors.figure(request.user, key, pathway=pathway)
    except LookupError:
        raise Http404("No such figure.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    suffix = f"-{pathway}" if pathway else ""
    response["Content-Disposition"] = f'attachment; filename="resettle-{key}{suffix}.csv"'
    csv.writer(response).writerows(selectors.csv_rows(fig))
    return response
