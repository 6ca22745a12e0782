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


def test_a_records_refresh_is_queued_once_however_many_imports_land(db, django_capture_on_commit_callbacks,
                                                                     monkeypatch):
    """Several imports in a row queue one refresh: it reads every record when it runs."""
    from django_tasks_db.models import DBTaskResult

    from resettle.verification import tasks

    task = tasks.refresh_after_records_import
    queued = []
    monkeypatch.setattr(type(task), "enqueue", lambda self, *a, **k: queued.append(self.module_path))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_records_refresh()
    assert queued == [task.module_path]
    # One is already waiting: the next import does not queue another.
    DBTaskResult.objects.create(task_path=task.module_path, status="READY",
                                args_kwargs={"args": [], "kwargs": {}}, priority=0, queue_name="default",
                                backend_name="default")
    with django_capture_on_commit_callbacks(execute=True):
        tasks.enqueue_records_refresh()
    assert queued == [task.module_path]


def test_imports_announce_their_changes_and_verification_queues_the_work(db, tmp_path, monkeypatch):
    """Records and applications never import verification: they send a signal it listens to."""
    from resettle.applications.imports import import_applications
    from resettle.records.services import import_records
    from resettle.verification import tasks

    queued = []
    monkeypatch.setattr(tasks, "enqueue_matching", lambda ids=None: queued.append(("match", ids)))
    monkeypatch.setattr(tasks, "enqueue_records_refresh", lambda: queued.append(("records", None)))
    hr = tmp_path / "hr.csv"
    hr.write_text("record_id,full_name\nR-1,Wahid Karimi\n", encoding="utf-8")
    import_records(path=hr, source_name="nzdf")
    assert queued == [("records", None)]
    apps = tmp_path / "a.csv"
    apps.write_text("application_id,relationship,full_name,pathway,received_on\n"
                    "A-1,principal,Wahid Karimi,nz-afghan-2021,2021-08-20\n", encoding="utf-8")
    import_applications(path=apps)
    assert queued[-1][0] == "match" and len(queued[-1][1]) == 1
    import pathlib

    for app in ("records", "applications"):
        for path in pathlib.Path(f"resettle/{app}").rglob("*.py"):
            assert "from resettle.verification" not in path.read_text(encoding="utf-8"), path


def test_the_web_matcher_reads_grandfather_and_tazkira_where_the_case_has_them(db):
    import datetime as dt

    from resettle.applications.services import ApplicationIn, MemberIn, application_create
    from resettle.people.services import PersonIn
    from resettle.verification.inputs import applicant_input

    application = application_create(data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20),
        members=[MemberIn(PersonIn(full_name="Wahid Karimi", grandfather_name="Sakhi", documents=[("tazkira", "1400-22")]),
                          "principal")]))
    seen = applicant_input(application)
    assert (seen.grandfather_name, seen.tazkira_number) == ("Sakhi", "1400-22")
