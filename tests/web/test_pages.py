"""Pages keep to the CSP (no inline script or style), read right-to-left in Dari and Pashto,
and the import screens list every problem as file:row:column."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resettle.accounts import roles
from resettle.applications.models import Application
from resettle.records.models import EmploymentRecord

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_no_inline_script_or_style_on_any_page_a_role_can_open(staff, cases, role):
    _, client = staff[role]
    urls = ["/", "/accounts/enrol/", reverse("applications:list"), reverse("applications:dashboard"),
            reverse("applications:import"), reverse("records:import"), reverse("records:batches"),
            reverse("applications:detail", args=[cases["a"].pk]), "/admin/"]
    for url in urls:
        response = client.get(url)
        if response.status_code != 200:
            continue
        html = response.content.decode()
        if not url.startswith("/admin/"):  # Django's own admin templates are outside our control
            assert not INLINE_SCRIPT.search(html), url
            assert not INLINE_STYLE.search(html), url


def test_sign_in_and_enrolment_pages_keep_to_the_csp(user_factory):
    from django.test import Client

    user_factory(roles.ANALYST, username="new-analyst")
    client = Client()
    pages = [client.get("/accounts/login/").content.decode()]
    client.post("/accounts/login/", {"username": "new-analyst", "password": "a long test password 123"})
    pages.append(client.get("/accounts/enrol/").content.decode())
    assert "<svg" in pages[1]
    for html in pages:
        assert not INLINE_SCRIPT.search(html) and not INLINE_STYLE.search(html)


@pytest.mark.parametrize("language, direction", [("en", "ltr"), ("fa-af", "rtl"), ("ps", "rtl")])
def test_page_direction_follows_the_language(staff, language, direction):
    from django.conf import settings

    _, client = staff[roles.ANALYST]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get("/").content.decode()
    assert f'dir="{direction}"' in html and f'lang="{language}"' in html


def test_home_lists_what_the_role_can_do(staff):
    _, client = staff[roles.ANALYST]
    html = client.get("/").content.decode()
    assert "See aggregate figures (no names)" in html and "Open any case" not in html
    _, verifier = staff[roles.DF_VERIFIER]
    html = verifier.get("/").content.decode()
    assert "Open any case" in html and "contact details" not in html


def test_dashboard_suppresses_small_counts(staff, cases):
    _, client = staff[roles.ANALYST]
    html = client.get(reverse("applications:dashboard")).content.decode()
    assert "suppressed" in html and "nz-afghan-2021" in html
    assert "Muhammad" not in html


RECORDS = "record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date\n"


def test_records_import_screen_imports_through_the_service(staff):
    user, client = staff[roles.ADMINISTRATOR]
    body = RECORDS + "R1,Ahmad Zia,Karim,1360,terp,PRT Bamyan,Bamyan,2010-01,2011-12\n"
    response = client.post(reverse("records:import"), {
        "file": SimpleUploadedFile("nzdf-hr.csv", body.encode()), "source": "nzdf-prt-bamyan", "employer": "",
        "encoding": ""})
    assert response.status_code == 200
    assert "1 created" in response.content.decode()
    record = EmploymentRecord.objects.get()
    assert (record.role, record.unit, record.batch.imported_by) == ("interpreter", "nz_prt_bamyan", user)


def test_import_screen_lists_every_problem_as_file_row_column(staff):
    _, client = staff[roles.ADMINISTRATOR]
    body = RECORDS + "R1,,Karim,1360,,,,2010-01,2009-12\nR1,Ali,,,,,,,\n"
    html = client.post(reverse("records:import"), {
        "file": SimpleUploadedFile("bad.csv", body.encode()), "source": "nzdf-prt-bamyan"}).content.decode()
    assert "nothing was imported" in html
    assert "bad.csv:2:full_name" in html and "bad.csv:2:end_date" in html and "bad.csv:3:record_id" in html
    assert not EmploymentRecord.objects.exists()


def test_applications_import_screen_assigns_the_chosen_team(staff):
    from resettle.accounts.models import Team

    _, client = staff[roles.INTAKE_OFFICER]
    body = ("application_id,relationship,full_name,pathway,received_on\n"
            "X-1,principal,Sayed Ali,nz-afghan-2021,2021-10-02\n")
    team = Team.objects.get(name="team-a")
    response = client.post(reverse("applications:import"), {
        "file": SimpleUploadedFile("apps.csv", body.encode()), "team": team.pk})
    assert "1 created" in response.content.decode()
    assert Application.objects.get(external_id="X-1").team == team
    # A team the officer is not in is not offered.
    other = Team.objects.get(name="team-b")
    response = client.post(reverse("applications:import"), {
        "file": SimpleUploadedFile("apps2.csv", body.replace("X-1", "X-2").encode()), "team": other.pk})
    assert not Application.objects.filter(external_id="X-2").exists()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("name, content", [("scan.pdf", b"%PDF-1.4 junk"), ("header-only.csv", RECORDS.encode()),
                                           ("broken.xlsx", b"PK\x03\x04 not really a workbook")])
def test_unreadable_uploads_are_reported_not_crashed(staff, name, content):
    _, client = staff[roles.ADMINISTRATOR]
    response = client.post(reverse("records:import"), {
        "file": SimpleUploadedFile(name, content), "source": "nzdf-prt-bamyan"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "nothing was imported" in html and f"{name}:" in html
    assert not EmploymentRecord.objects.exists()


def test_an_empty_upload_is_refused_by_the_form(staff):
    _, client = staff[roles.ADMINISTRATOR]
    html = client.post(reverse("records:import"), {
        "file": SimpleUploadedFile("empty.csv", b""), "source": "nzdf-prt-bamyan"}).content.decode()
    assert "The submitted file is empty." in html and not EmploymentRecord.objects.exists()
