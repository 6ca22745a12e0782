import pytest

from resettle.verification import services, warmup


@pytest.mark.django_db(transaction=True)
def test_web_start_up_builds_the_record_index_in_the_background(monkeypatch, tmp_path):
    from resettle.records.services import import_records

    path = tmp_path / "hr.csv"
    path.write_text("record_id,full_name\nW-1,Wahid\n", encoding="utf-8")
    import_records(path=path, source_name="src")
    services._index_cache.update(key=None, index=None)
    thread = warmup.start_background_warmup()
    thread.join(timeout=60)
    assert services._index_cache["key"] == services._records_version()
    assert len(services._index_cache["index"].items) == 1


def test_warm_up_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("RESETTLE_WARM_INDEX", "0")
    assert warmup.start_background_warmup() is None


def test_record_grouping_is_queued_once_behind_matching(db, django_capture_on_commit_callbacks, monkeypatch):
    """Several imports in a row queue one grouping, at a lower priority than matching."""
    from django_tasks_db.models import DBTaskResult

    from resettle.verification import tasks

    assert tasks.group_records.priority < tasks.match_applications.priority
    queued = []
    monkeypatch.setattr(type(tasks.group_records), "enqueue", lambda self, *a, **k: queued.append(self.module_path))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_record_grouping()
    assert queued == [tasks.group_records.module_path]
    # One is already waiting: the next import does not queue another.
    DBTaskResult.objects.create(task_path=tasks.group_records.module_path, status="READY",
                                args_kwargs={"args": [], "kwargs": {}}, priority=-10, queue_name="default",
                                backend_name="default")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_record_grouping()
    assert queued == [tasks.group_records.module_path]
