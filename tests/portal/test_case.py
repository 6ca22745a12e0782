"""After submission: the applicant answers a request for information, sends a document and
reports a change, all landing on the case through casework's services."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.conftest import fill, start, submit
from resettle.accounts import roles
from resettle.portal.models import Draft

from resettle.casework import services as casework

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def submitted(db, user_factory):
    client = Client()
    start(client)
    fill(client)
    submit(client)
    application = Draft.objects.get().application
    officer = user_factory(roles.INTAKE_OFFICER, teams=["portal-intake"])
    return client, application, officer


def test_a_request_is_shown_without_staff_names_and_answered_from_the_portal(submitted):
    from resettle.casework.models import InformationRequest

    client, application, officer = submitted
    request = casework.information_request_create(
        application=application, actor=officer, question="Send a photo of your tazkira, please.",
        deadline=dt.date.today() + dt.timedelta(days=20))
    page = client.get("/apply/case/").content.decode()
    assert "Send a photo of your tazkira" in page and officer.username not in page
    response = client.post("/apply/case/answer/", {
        "request_id": str(request.pk), "text": "Here it is.", "upload": SimpleUploadedFile("t.png", PNG)})
    assert response.status_code == 302
    request = InformationRequest.objects.get(pk=request.pk)
    assert request.status == "answered" and request.answer == "Here it is." and request.answered_via == "portal"
    assert request.documents.get().uploaded_via == "portal"
    page = client.get("/apply/case/").content.decode()
    assert "your answer was sent" in page and "Send a photo of your tazkira" not in page


def test_another_applicants_request_cannot_be_answered(submitted, user_factory):
    from resettle.casework.models import InformationRequest

    client, application, officer = submitted
    other = Client()
    start(other)
    fill(other)
    submit(other)
    theirs = Draft.objects.exclude(application=application).get().application
    request = casework.information_request_create(application=theirs, actor=officer, question="Where were you in 2011?")
    response = client.post("/apply/case/answer/", {"request_id": str(request.pk), "text": "hijack"})
    assert response.status_code == 400
    assert InformationRequest.objects.get(pk=request.pk).status == "open"


def test_a_document_is_type_checked_and_lands_on_the_case(submitted):
    client, application, _ = submitted
    refused = client.post("/apply/case/document/", {"kind": "tazkira",
                                                    "upload": SimpleUploadedFile("x.png", b"MZ not an image")})
    assert refused.status_code == 400 and "could not be accepted" in refused.content.decode()
    assert client.post("/apply/case/document/", {"kind": "tazkira",
                                                 "upload": SimpleUploadedFile("t.png", PNG)}).status_code == 302
    document = application.documents.get()
    assert document.kind == "tazkira" and document.uploaded_via == "portal" and document.uploaded_by is None


def test_a_too_large_upload_is_refused(submitted):
    client, application, _ = submitted
    just_over = SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))
    response = client.post("/apply/case/document/", {"kind": "other", "upload": just_over})
    assert response.status_code == 400 and "larger than 5 MB" in response.content.decode()
    far_over = SimpleUploadedFile("big.png", PNG + b"\x00" * (6 * 1024 * 1024))
    assert client.post("/apply/case/document/", {"kind": "other", "upload": far_over}).status_code == 413
    assert not application.documents.exists()


def test_a_change_of_circumstances_lands_for_a_caseworker(submitted):
    client, application, _ = submitted
    response = client.post("/apply/case/change/", {"kind": "birth", "details": "پسرم به دنیا آمد",
                                                   "effective_on": "1405-02-10", "calendar": "solar_hijri"})
    assert response.status_code == 302
    change = application.circumstance_changes.get()
    assert change.kind == "birth" and change.reported_via == "portal" and change.effective_on == dt.date(2026, 4, 30)


def test_files_per_case_per_day_are_limited(submitted, monkeypatch):
    from resettle.portal import ratelimit

    client, application, _ = submitted
    monkeypatch.setattr(ratelimit, "UPLOADS_PER_CASE", 2)
    for _ in range(2):
        assert client.post("/apply/case/document/", {"kind": "other",
                                                     "upload": SimpleUploadedFile("t.png", PNG)}).status_code == 302
    third = client.post("/apply/case/document/", {"kind": "other", "upload": SimpleUploadedFile("t.png", PNG)})
    assert third.status_code == 400 and "many files today" in third.content.decode()
    assert application.documents.count() == 2


def test_the_applicant_may_withdraw_from_the_portal(submitted):
    from resettle.casework.models import StatusChange

    client, application, _ = submitted
    page = client.get("/apply/case/").content.decode()
    assert 'value="withdraw"' in page and 'value="request_reconsideration"' not in page
    unsure = client.post("/apply/case/action/", {"action": "withdraw"})  # the box not ticked
    assert unsure.status_code == 400
    application.refresh_from_db()
    assert application.status == "received"
    assert client.post("/apply/case/action/", {"action": "withdraw", "confirm": "on"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "withdrawn"
    change = StatusChange.objects.filter(application=application).latest("at")
    assert change.actor is None and change.via == "portal" and change.action == "withdraw"
    page = client.get("/apply/case/").content.decode()
    assert "withdrawn" in page and 'action="/apply/case/action/"' not in page and 'action="/apply/case/document/"' not in page


def test_the_applicant_may_ask_for_reconsideration_only_when_declined(submitted):
    from resettle.applications.models import Application

    client, application, _ = submitted
    refused = client.post("/apply/case/action/", {"action": "request_reconsideration", "confirm": "on"})
    assert refused.status_code == 400
    Application.objects.filter(pk=application.pk).update(status="declined")  # as a confirmed decline leaves it
    page = client.get("/apply/case/").content.decode()
    assert 'value="request_reconsideration"' in page
    assert client.post("/apply/case/action/", {"action": "request_reconsideration", "confirm": "on"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "reconsideration"
