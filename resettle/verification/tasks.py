"""Background matching, run by the task worker (`resettle db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from resettle.applications.models import Application


@task()
def match_applications(application_ids: list[str] | None = None) -> int:
    """Candidates for the given applications (all without ids), then duplicates queued once."""
    from resettle.verification.services import candidates_refresh_all

    applications = (Application.objects.filter(pk__in=application_ids) if application_ids is not None
                    else Application.objects.all())
    count = candidates_refresh_all(applications=applications)
    _enqueue_once(find_duplicates)
    return count


@task()
def find_duplicates() -> int:
    from resettle.verification.services import duplicates_refresh

    return duplicates_refresh()


def enqueue_matching(application_ids: list[str] | None = None) -> None:
    """Match after the surrounding transaction commits: the worker must see the new rows."""
    ids = [str(i) for i in application_ids] if application_ids is not None else None
    transaction.on_commit(lambda: match_applications.enqueue(ids))


@task()
def refresh_after_records_import() -> tuple[int, int]:
    from resettle.verification.services import records_refresh

    return records_refresh()


def enqueue_records_refresh() -> None:
    """After a records import commits: the index, candidates, duplicates and the grouping into
    people from one decryption of the records. One waiting refresh is enough (it reads every
    record when it runs), so several imports in a row queue it once."""
    transaction.on_commit(lambda: _enqueue_once(refresh_after_records_import))


def _enqueue_once(job) -> None:
    """Queue a job that reads every row when it runs, unless one is already waiting to start:
    a second would find nothing the first will not. Duplicates are found over every application
    (minutes at 20,000), so 200 portal submissions a minute queue one search at a time, not 200."""
    from django_tasks_db.models import DBTaskResult

    if not DBTaskResult.objects.ready().filter(task_path=job.module_path).exists():
        job.enqueue()


@task()
def group_records() -> tuple[int, int]:
    """Queued by versions before one refresh after a records import did the grouping too: a row
    still waiting after an upgrade runs that refresh rather than failing on a missing task."""
    return refresh_after_records_import.call()
