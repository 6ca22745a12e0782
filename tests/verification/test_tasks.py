"""The task worker's matching jobs, on the database backend the worker really reads."""

import datetime as dt

from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.names.dates import parse_birth_date
from resettle.people.services import PersonIn
from resettle.verification import tasks
from resettle.verification.models import DuplicateLink

ON_THE_DATABASE = override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})


def principal(name: str, father: str, birth: str):
    return application_create(data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20),
        members=[MemberIn(PersonIn(full_name=name, father_name=father, birth_date=parse_birth_date(birth)),
                          relationship="principal")]))


def waiting(job) -> int:
    return DBTaskResult.objects.ready().filter(task_path=job.module_path).count()


@ON_THE_DATABASE
def test_many_submissions_queue_one_search_for_duplicates_that_then_finds_them(db):
    """Each submission's candidates are its own job; the search for duplicates reads every
    application, so one waiting search serves every submission before it starts."""
    first = principal("Muhammad Hussaini", "Ghulam", "1982")
    second = principal("Mohammad Husaini", "Gholam", "1982")
    third = principal("Zahir Ahmadi", "Nazir", "1975")
    for application in (first, second, third):
        tasks.match_applications.call([str(application.pk)])
    assert waiting(tasks.find_duplicates) == 1

    DBTaskResult.objects.ready().filter(task_path=tasks.find_duplicates.module_path).delete()  # the worker took it
    assert tasks.find_duplicates.call() > 0
    linked = set(DuplicateLink.objects.values_list("application_id", "other_id"))
    assert (first.pk, second.pk) in linked and not any(third.pk in pair for pair in linked)

    tasks.match_applications.call([str(third.pk)])  # a later submission queues the next search
    assert waiting(tasks.find_duplicates) == 1
