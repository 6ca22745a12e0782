"""No portal page answers 500, whatever is posted to it, with or without an application open."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from portal.conftest import fill, start, submit

# Pages that end or replace the session come last, so the others are tried with it.
URLS = ["/apply/case/", "/apply/case/answer/", "/apply/case/document/", "/apply/case/change/",
        "/apply/case/action/", "/apply/you/", "/apply/work/", "/apply/family/", "/apply/check/",
        "/apply/continue/", "/apply/", "/apply/leave/"]
JUNK = [
    {},
    {"remove": "999999999999999999999"}, {"remove": "-1"}, {"remove": "abc"},
    {"request_id": "not-a-uuid", "text": "x"}, {"request_id": "00000000-0000-0000-0000-000000000000", "text": "x"},
    {"action": "approve", "confirm": "on"}, {"action": "withdraw"},
    {"kind": "decision_letter", "upload": ""}, {"kind": "birth", "details": "x", "effective_on": "99999-99-99"},
    {"birth_date": "۱۳۶۱-۱۳-۴۰", "calendar": "solar_hijri", "full_name": "x", "father_name": "y", "gender": "male"},
    {"start_date": "2012", "end_date": "2010", "calendar": "gregorian", "employer": "nzdf", "unit": "x"},
    {"start_date": "0000-00-00", "end_date": "1", "calendar": "julian"},
    {"reference": "\x00\x01", "secret": "'; DROP TABLE portal_draft; --"},
    {"continue": "1", "add": "1"},
    {"confirm": "on"},
]


@pytest.mark.parametrize("stage", ["none", "draft", "submitted"])
def test_no_post_or_get_answers_500(db, stage, user_factory):
    client = Client(raise_request_exception=False)
    if stage != "none":
        start(client)
        fill(client)
    if stage == "submitted":
        submit(client)
    from resettle.portal.models import Draft

    for url in URLS:
        if stage != "none" and url in ("/apply/", "/apply/leave/"):
            # still the same application open up to here
            assert Draft.objects.filter(pk=client.session.get("portal.draft")).exists()
        assert client.get(url).status_code < 500, url
        for data in JUNK:
            response = client.post(url, data)
            assert response.status_code < 500, (url, data, response.status_code)
        upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4 tiny")
        assert client.post(url, {"kind": "other", "upload": upload, "text": "x", "request_id": "x"}).status_code < 500
