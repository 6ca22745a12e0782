"""Background matching, run by the task worker (`resettle db_worker`)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from resettle.applications.models import Application


@task()
def match_applications(application_ids: list[str] | None = None) -> int:
    from resettle.verification.services import candidates_refresh_all, duplicates_refresh

    applications = (Application.objects.filter(pk__in=application_ids) if application_ids is not None
                    else Application.objects.all())
    count = candidates_refresh_all(applications=applications)
    duplicates_refresh()
    return count


def enqueue_matching(application_ids: list[str] | None = None) -> None:
    """Match after the surrounding transaction commits: the worker must see the new rows."""
    ids = [str(i) for i in application_ids] if application_ids is not None else None
    transaction.on_commit(lambda: match_applications.enqueue(ids))


# Below matching: a verifier waits for a case's candidates, an analyst's counts can wait.
@task(priority=-10)
def group_records() -> int:
    from resettle.verification.services import records_group_refresh

    return records_group_refresh()


def enqueue_record_grouping() -> None:
    """Group records into people after the import commits (simulations count people). One
    waiting grouping is enough, since it reads every record when it runs: several imports in a
    row queue it once."""

    def enqueue():
        from django_tasks_db.models import DBTaskResult

        if not DBTaskResult.objects.ready().filter(task_path=group_records.module_path).exists():
            group_records.enqueue()

    transaction.on_commit(enqueue)
