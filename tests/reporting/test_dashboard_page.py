"""The dashboard page and its CSV downloads: who may see them, what is audited, and that no
identifying data and no inline style reach the page."""

import csv
import io
import re

import pytest

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from reporting.reportkit import make_case, seed_small_world
from web.staffkit import PRINCIPAL_A, SPOUSE_A, denied_events


def test_analyst_sees_charts_and_the_view_is_audited(staff):
    user, client = staff[roles.ANALYST]
    seed_small_world(staff[roles.DECISION_MAKER][0], staff[roles.ADMINISTRATOR][0])
    response = client.get("/reporting/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 6
    assert html.count('class="bar"') > 20
    for key in ("stages", "people", "decisions", "arrivals", "clocks", "seats"):
        assert f'id="figure-{key}"' in html
        assert f"/reporting/{key}.csv" in html
    # Aggregates only: nobody's name, and the CSP's refusal of inline style is respected.
    assert PRINCIPAL_A not in html and SPOUSE_A not in html and "Principal Person" not in html
    assert not re.search(r"<svg[^>]*style=|<rect[^>]*style=|<text[^>]*style=|<style|<script", html)
    assert "Verifying employment" in html and "RNZAF 7001" in html
    event = AuditEvent.objects.filter(action="reports.dashboard_viewed", actor_id=user.pk).get()
    assert event.details == {"pathway": ""}


def test_dashboard_link_in_the_navigation_for_reports_aggregate_only(staff):
    _, analyst = staff[roles.ANALYST]
    _, officer = staff[roles.INTAKE_OFFICER]
    assert 'href="/reporting/"' in analyst.get("/").content.decode()
    assert 'href="/reporting/"' not in officer.get("/").content.decode()


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.RELOCATION_COORDINATOR])
def test_roles_without_reports_aggregate_are_refused_and_audited(staff, role):
    user, client = staff[role]
    assert client.get("/reporting/").status_code == 403
    assert client.get("/reporting/stages.csv").status_code == 403
    assert denied_events(actor_id=user.pk, details__capability=roles.REPORTS_AGGREGATE).count() == 2
    assert not AuditEvent.objects.filter(action__startswith="reports.", actor_id=user.pk).exists()


def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.get("/reporting/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_csv_download_is_the_suppressed_figure_and_audited(staff):
    user, client = staff[roles.ANALYST]
    for status, n in [("received", 7), ("verification", 2)]:
        for _ in range(n):
            make_case(status=status)
    response = client.get("/reporting/stages.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="resettle-stages.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Stage", "Applications"]
    table = dict(rows[1:])
    # staff fixture cases (2 received) + 7 received = 9; 2 at verification: hidden, and 9 with it
    assert table["Verifying employment"] == "suppressed" and table["Received"] == "suppressed"
    assert table["Approved"] == "0"
    assert AuditEvent.objects.filter(action="reports.figure_downloaded", actor_id=user.pk,
                                     details__figure="stages").exists()


def test_every_figure_downloads(staff):
    _, client = staff[roles.ANALYST]
    for key in ("stages", "people", "decisions", "arrivals", "clocks", "seats"):
        response = client.get(f"/reporting/{key}.csv")
        assert response.status_code == 200, key
        assert next(csv.reader(io.StringIO(response.content.decode())))


def test_unknown_figure_is_404_and_unknown_pathway_shows_all(staff):
    _, client = staff[roles.ANALYST]
    assert client.get("/reporting/names.csv").status_code == 404
    response = client.get("/reporting/?pathway=<script>")
    assert response.status_code == 200
    assert "That pathway is not known" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_pathway_filter(staff):
    _, client = staff[roles.ANALYST]
    for status in ["approved"] * 5 + ["received"] * 4:
        make_case(pathway="nz-bamyan-2012", status=status)
    make_case(pathway="nz-afghan-2021", status="declined")
    response = client.get("/reporting/stages.csv?pathway=nz-bamyan-2012")
    table = dict(list(csv.reader(io.StringIO(response.content.decode())))[1:])
    # the fixture's case B (nz-bamyan-2012, received) makes 5 received; the other pathway's decline is out
    assert table["Approved"] == "5" and table["Received"] == "5" and table["Declined"] == "0"
    assert 'filename="resettle-stages-nz-bamyan-2012.csv"' in response["Content-Disposition"]


def test_page_notes_seats_when_relocation_is_missing(staff, monkeypatch):
    from resettle.reporting import selectors

    monkeypatch.setattr(selectors, "relocation_installed", lambda: False)
    _, client = staff[roles.ANALYST]
    html = client.get("/reporting/").content.decode()
    assert "Relocation is not installed here" in html


def test_figures_are_reused_for_the_cache_time_and_the_page_says_when(staff, settings):
    from django.core.cache import cache

    settings.REPORTING_CACHE_SECONDS = 300
    cache.clear()
    _, client = staff[roles.ANALYST]
    first = client.get("/reporting/stages.csv").content.decode()
    for _ in range(5):
        make_case(status="approved")
    assert client.get("/reporting/stages.csv").content.decode() == first   # still the cached figures
    html = client.get("/reporting/").content.decode()
    assert "Figures as of" in html and "recomputed at most every 5 minutes" in html
    cache.clear()
    fresh = dict(list(csv.reader(io.StringIO(client.get("/reporting/stages.csv").content.decode())))[1:])
    # 5 approved beside the fixture's 2 received (suppressed): withheld as the next smallest
    assert fresh["Approved"] == "suppressed" and dict(list(csv.reader(io.StringIO(first)))[1:])["Approved"] == "0"


def test_seats_table_lists_the_charted_flights_and_the_csv_all(staff):
    import datetime as dt

    from resettle.relocation.models import Flight, Tranche

    tranche = Tranche.objects.create(name="Tranche many")
    for i in range(30):
        Flight.objects.create(tranche=tranche, code=f"NZ{i:03d}", date=dt.date(2021, 8, 1) + dt.timedelta(days=i),
                              origin="Islamabad", destination="Auckland", aircraft="charter", seats=300)
    _, client = staff[roles.ANALYST]
    html = client.get("/reporting/").content.decode()
    assert "NZ029" in html and "NZ000 " not in html and "every flight is in the CSV" in html
    rows = list(csv.reader(io.StringIO(client.get("/reporting/seats.csv").content.decode())))
    assert len(rows) == 31 and rows[1][0].startswith("NZ000 ")
