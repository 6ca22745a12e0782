"""Apply, leave, come back, submit: the case is created as an import would create it."""

import json

from django.test import Client

from portal.conftest import MEMBERS, PRINCIPAL, fill, start, submit
from resettle.applications.models import Application
from resettle.audit.models import AuditEvent
from resettle.portal.models import Draft


def test_apply_leave_resume_submit_creates_one_web_case_with_the_family(applicant):
    reference, secret = start(applicant)
    fill(applicant)
    applicant.post("/apply/leave/")
    assert applicant.get("/apply/check/").status_code == 302  # left: no way back in without the secret

    again = Client()
    response = again.post("/apply/continue/", {"reference": reference.lower().replace("-", " "), "secret": secret})
    assert response.status_code == 302 and response["Location"] == "/apply/check/"
    assert submit(again)["Location"] == "/apply/case/"

    draft = Draft.objects.get(reference=reference)
    application = draft.application
    assert application.channel == "web" and application.external_id == f"portal:{reference}"
    assert application.team.name == "portal-intake"
    members = list(application.members.select_related("person"))
    assert [m.relationship for m in members] == ["principal", "spouse", "child", "child"]
    assert members[0].person.full_name == PRINCIPAL["full_name"]
    assert members[0].person.birth().calendar == "solar_hijri" and members[0].person.birth().year == 1361
    assert members[3].person.full_name == MEMBERS[2]["full_name"]
    claim = application.claimed_employment.get()
    assert (claim.employer, claim.unit, claim.role, claim.location) == ("nzdf", "nz_prt_bamyan", "interpreter", "bamyan")
    assert claim.start_date.isoformat() == "2010-03-01"
    page = again.get("/apply/case/").content.decode()
    assert reference in page and "waiting to be checked" in page  # the stage, in words


def test_the_secret_is_stored_only_as_a_hash_and_the_draft_only_sealed(applicant):
    reference, secret = start(applicant)
    fill(applicant)
    draft = Draft.objects.get(reference=reference)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_hash, payload FROM portal_draft WHERE reference = %s", [reference])
        secret_hash, sealed = cursor.fetchone()
    plain = secret.replace("-", "")
    assert plain not in secret_hash and secret not in secret_hash
    algorithm, rounds, salt, _ = secret_hash.split("$")
    assert algorithm == "portal_pbkdf2_sha256" and int(rounds) >= 60_000 and len(salt) >= 16
    assert PRINCIPAL["full_name"] not in sealed and "1234-5678" not in sealed
    assert json.loads(draft.payload)["principal"]["tazkira_number"] == "1234-5678"


def test_a_second_submit_creates_no_second_case(applicant):
    start(applicant)
    fill(applicant)
    submit(applicant)
    draft = Draft.objects.get()
    from resettle.portal.services import draft_submit

    draft_submit(draft=draft)
    assert Application.objects.filter(channel="web").count() == 1


def test_submission_is_stored_before_case_creation_and_retried(applicant, monkeypatch, caplog):
    from resettle.portal import services

    start(applicant)
    fill(applicant)

    def broken(**kwargs):
        raise RuntimeError(f"cannot store {PRINCIPAL['full_name']}")  # an error that quotes the data

    monkeypatch.setattr(services, "application_create", broken)
    response = submit(applicant)
    assert response.status_code == 302  # the applicant is told it was received, not shown an error
    draft = Draft.objects.get()
    assert draft.submitted_at is not None and draft.application is None and draft.failure == "RuntimeError"
    assert "RuntimeError" in caplog.text and PRINCIPAL["full_name"] not in caplog.text
    assert "registering it" in applicant.get("/apply/case/").content.decode()
    monkeypatch.undo()
    assert services.submissions_retry() == 1
    draft.refresh_from_db()
    assert draft.application is not None and draft.failure == ""


def test_no_applicant_data_in_audit_details_or_urls(applicant):
    reference, secret = start(applicant)
    fill(applicant)
    submit(applicant)
    for event in AuditEvent.objects.all():
        text = json.dumps(event.details, ensure_ascii=False) + event.reason
        assert PRINCIPAL["full_name"] not in text and secret not in text and "1234-5678" not in text


def test_review_shows_labels_never_codes(applicant):
    start(applicant)
    fill(applicant)
    page = applicant.get("/apply/check/").content.decode()
    assert "New Zealand Provincial Reconstruction Team, Bamyan" in page and "Interpreter" in page
    for code in ("nz_prt_bamyan", "nzdf", "solar_hijri", ">spouse<", ">interpreter<"):
        assert code not in page
    assert f'<bdi dir="auto">{PRINCIPAL["full_name"]}</bdi>' in page


def test_housekeeping_deletes_old_unsubmitted_drafts_only(applicant):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    start(applicant)
    fill(applicant)
    submit(applicant)
    old, _ = __import__("resettle.portal.services", fromlist=["draft_start"]).draft_start(address="x")
    Draft.objects.filter(pk=old.pk).update(updated_at=timezone.now() - dt.timedelta(days=181))
    Draft.objects.filter(submitted_at__isnull=False).update(updated_at=timezone.now() - dt.timedelta(days=400))
    call_command("portal_housekeeping")
    assert not Draft.objects.filter(pk=old.pk).exists()
    assert Draft.objects.filter(submitted_at__isnull=False).count() == 1


def test_every_lifecycle_stage_has_plain_words_for_the_applicant():
    from resettle.casework import lifecycle
    from resettle.portal.selectors import STAGES

    assert set(lifecycle.Stage.values) <= set(STAGES)


def test_several_periods_of_work_become_several_claims(applicant):
    from portal.conftest import EMPLOYMENT

    start(applicant)
    applicant.post("/apply/you/", PRINCIPAL)
    second = dict(EMPLOYMENT, unit="nz_embassy_kabul", role="driver", location="kabul", employer="mfat",
                  start_date="1392-01-01", end_date="1394-06-31", calendar="solar_hijri")
    assert applicant.post("/apply/work/", dict(EMPLOYMENT, another="1"))["Location"] == "/apply/work/"
    assert applicant.post("/apply/work/", second)["Location"] == "/apply/family/"
    empty = applicant.post("/apply/work/", {"next": "1"})  # nothing more typed: go on with what is there
    assert empty["Location"] == "/apply/family/"
    page = applicant.get("/apply/check/").content.decode()
    assert "New Zealand Embassy, Kabul" in page and "New Zealand Provincial Reconstruction Team, Bamyan" in page
    applicant.post("/apply/family/", {"continue": "1"})
    submit(applicant)
    claims = Draft.objects.get().application.claimed_employment.order_by("start_date")
    assert [(c.unit, c.role, c.start_date.isoformat()) for c in claims] == [
        ("nz_prt_bamyan", "interpreter", "2010-03-01"), ("nz_embassy_kabul", "driver", "2013-03-21")]


def test_work_is_required_and_a_period_can_be_removed(applicant):
    start(applicant)
    assert applicant.post("/apply/work/", {"next": "1"}).status_code == 400
    from portal.conftest import EMPLOYMENT

    applicant.post("/apply/work/", dict(EMPLOYMENT, another="1"))
    applicant.post("/apply/work/", {"remove": "0"})
    from resettle.portal.services import payload

    assert payload(Draft.objects.get())["work"] == []


def test_a_draft_saved_with_a_single_period_still_opens(applicant):
    from portal.conftest import EMPLOYMENT
    from resettle.portal.services import payload

    start(applicant)
    draft = Draft.objects.get()
    draft.payload = json.dumps({"principal": PRINCIPAL, "employment": EMPLOYMENT, "members": []})
    draft.save()
    assert payload(draft)["work"] == [EMPLOYMENT]
    assert "Interpreter" in applicant.get("/apply/check/").content.decode()
