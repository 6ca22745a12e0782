"""A second portal application from the same person goes through the matcher's de-duplication
(queued as after an import) and is linked for staff: never a second silent case."""

from django.test import Client

from portal.conftest import EMPLOYMENT, MEMBERS, PRINCIPAL, fill, start, submit
from resettle.applications.models import Application
from resettle.portal.models import Draft
from resettle.verification.models import DuplicateLink


def _apply(principal, members=MEMBERS):
    client = Client()
    start(client)
    fill(client, principal=principal, members=members)
    submit(client)


def test_the_same_person_applying_twice_is_linked_for_staff(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _apply(PRINCIPAL)
    assert callbacks, "matching was not queued after the first submission"
    # The same man again, his name in Latin letters this time, and a different phone.
    with django_capture_on_commit_callbacks(execute=True):
        _apply(dict(PRINCIPAL, full_name="Mohammad Hussain Hussaini", father_name="Ghulam Ali",
                    phone="+93 799 000 555"), members=MEMBERS[:1])
    first, second = (d.application for d in Draft.objects.order_by("created_at"))
    links = DuplicateLink.objects.filter(application=second, other=first)
    assert links.exists(), "the second application is not linked to the first"
    assert DuplicateLink.objects.filter(application=first, other=second).exists()
    assert Application.objects.filter(channel="web").count() == 2  # both kept, for a person to merge


def test_different_people_are_not_linked(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _apply(PRINCIPAL, members=[])
    with django_capture_on_commit_callbacks(execute=True):
        _apply(dict(PRINCIPAL, full_name="Abdul Karim Karimi", father_name="Abdul Rahim", grandfather_name="",
                    birth_date="1975-02-03", calendar="gregorian", tazkira_number="9999-0000"), members=[])
    assert not DuplicateLink.objects.exists()
    assert EMPLOYMENT["employer"] == "nzdf"
