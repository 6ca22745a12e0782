"""An import of applications is written in short transactions (SQLite has one writer at a time)
and stays all or nothing as users see it: a pending batch's cases reach no one, a failure half
way removes what it wrote, and a run cut short is removed by the next one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from resettle.accounts.models import Team
from resettle.applications import imports
from resettle.applications.imports import import_applications
from resettle.applications.models import Application, Member
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log
from resettle.people.models import Person
from resettle.people.services import PersonIn
from resettle.records.models import ImportBatch
from resettle.tabular import TableError

HEADER = "application_id,relationship,full_name,father_name,pathway,received_on\n"


def family_file(tmp_path, n: int, name: str = "families.csv"):
    """n applications of three people each (principal, spouse, child)."""
    rows = []
    for i in range(n):
        rows += [f"F-{i},principal,Principal {i},Father {i},nz-afghan-2021,2021-09-01",
                 f"F-{i},spouse,Spouse {i},Other {i},,", f"F-{i},child,Child {i},Principal {i},,"]
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def dead_writer() -> str:
    """This machine and the id of a process that has ended: an import killed with SIGKILL."""
    import socket
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


class Boom(Exception):
    pass


def fail_on(monkeypatch, nth: int):
    real, calls = imports.application_create, {"n": 0}

    def create(**kwargs):
        calls["n"] += 1
        if calls["n"] == nth:
            raise Boom(f"application {nth} could not be written")
        return real(**kwargs)

    monkeypatch.setattr(imports, "application_create", create)
    return real


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_APPLICATIONS", 10)
    monkeypatch.setattr(imports, "CHUNK_SECONDS", 60)  # chunks of exactly ten, however slow the machine


def test_a_failure_half_way_leaves_nothing_and_a_rerun_imports_everything_once(
        tmp_path, transactional_db, small_chunks, monkeypatch):
    path = family_file(tmp_path, 45)
    real = fail_on(monkeypatch, 25)  # two chunks of ten committed, the third half written
    with pytest.raises(Boom, match="application 25 could not be written"):
        import_applications(path=path)
    batch = ImportBatch.objects.get()
    assert batch.state == ImportBatch.FAILED
    assert Application.objects.count() == 0 and Member.objects.count() == 0 and Person.objects.count() == 0
    failed = AuditEvent.objects.get(action="applications.import_failed")
    assert failed.target_id == str(batch.pk) and failed.details == {"removed": 20, "why": "Boom"}
    assert AuditEvent.objects.filter(action="application.created").count() == 20  # the history stays
    assert not AuditEvent.objects.filter(action="applications.imported").exists()
    assert verify_log() is None

    monkeypatch.setattr(imports, "application_create", real)
    result = import_applications(path=path)
    assert (result.created, result.unchanged, result.already_imported) == (45, 0, False)
    assert sorted(Application.objects.values_list("external_id", flat=True)) == sorted(f"F-{i}" for i in range(45))
    assert Member.objects.count() == Person.objects.count() == 135
    assert ImportBatch.objects.get(pk=result.batch_id).state == ImportBatch.COMPLETE
    assert set(Application.objects.values_list("batch_id", flat=True)) == {result.batch_id}
    again = import_applications(path=path)
    assert again.already_imported and again.batch_id == result.batch_id and Application.objects.count() == 45
    assert verify_log() is None


def test_a_run_cut_short_is_removed_by_the_next_and_a_running_one_is_not_raced(
        tmp_path, transactional_db, small_chunks, monkeypatch):
    path = family_file(tmp_path, 30)
    real = fail_on(monkeypatch, 15)
    # the process dies: nothing gets the chance to clean up
    monkeypatch.setattr(imports, "_fail", lambda batch, actor, error: None)
    with pytest.raises(Boom):
        import_applications(path=path)
    cut = ImportBatch.objects.get()
    assert cut.state == ImportBatch.PENDING and Application.objects.filter(batch=cut).count() == 10
    monkeypatch.setattr(imports, "application_create", real)

    with pytest.raises(TableError, match="this file is being imported now"):  # its process still runs
        import_applications(path=path)
    # written from another machine (PostgreSQL): running while its heartbeat is recent
    ImportBatch.objects.filter(pk=cut.pk).update(writer="elsewhere:1")
    with pytest.raises(TableError, match="this file is being imported now"):
        import_applications(path=path)
    ImportBatch.objects.filter(pk=cut.pk).update(heartbeat=timezone.now() - dt.timedelta(minutes=3))
    assert not ImportBatch.objects.get(pk=cut.pk).is_being_written()
    assert Application.objects.count() == 10

    # written here by a process that has ended: taken over at once, however recent its heartbeat
    ImportBatch.objects.filter(pk=cut.pk).update(writer=dead_writer(), heartbeat=timezone.now())
    result = import_applications(path=path)
    assert result.created == 30 and Application.objects.count() == 30 and Person.objects.count() == 90
    assert not Application.objects.filter(batch=cut).exists()
    cut.refresh_from_db()
    assert cut.state == ImportBatch.FAILED
    assert AuditEvent.objects.get(action="applications.import_failed").details["removed"] == 10
    assert verify_log() is None


def test_a_failure_in_another_file_does_not_remove_what_is_already_there(tmp_path, db, small_chunks, monkeypatch):
    first = import_applications(path=family_file(tmp_path, 12, "first.csv"))
    fail_on(monkeypatch, 5)
    with pytest.raises(Boom):
        import_applications(path=family_file(tmp_path, 30, "second.csv"))  # F-0..F-11 already there
    assert Application.objects.count() == 12 and set(Application.objects.values_list("batch_id", flat=True)) == {
        first.batch_id}
    assert Person.objects.count() == 36


@pytest.fixture
def pending_case(db):
    """A case of team-a written by an import still under way, beside one of a complete import."""
    team, _ = Team.objects.get_or_create(name="team-a")
    pending = ImportBatch.objects.create(kind=ImportBatch.KIND_APPLICATIONS, file_name="big.csv", sha256="1" * 64,
                                         rows=1, state=ImportBatch.PENDING, heartbeat=timezone.now())
    done = ImportBatch.objects.create(kind=ImportBatch.KIND_APPLICATIONS, file_name="small.csv", sha256="2" * 64,
                                      rows=1, state=ImportBatch.COMPLETE)

    def case(batch, name):
        return application_create(team=team, batch=batch, data=ApplicationIn(
            pathway="nz-afghan-2021", received_on=dt.date(2021, 9, 1), channel="import", external_id=name,
            members=[MemberIn(PersonIn(full_name=name, gender="male"), "principal")]))

    return {"batch": pending, "hidden": case(pending, "Hidden Person"), "shown": case(done, "Shown Person")}


def _pages(client: Client, case) -> dict[str, bool]:
    """Where the case shows up for this client: True per page that lists or opens it."""
    queue = client.get("/casework/queues/?q=intake")
    listing = client.get("/cases/")
    api = client.get("/api/applications/")
    detail = client.get(f"/cases/{case.pk}/")
    api_detail = client.get(f"/api/applications/{case.pk}/")
    assert queue.status_code == listing.status_code == api.status_code == 200
    return {
        "queue": case.reference in queue.content.decode(),
        "list": case.reference in listing.content.decode(),
        "api": case.reference in api.content.decode(),
        "detail": detail.status_code == 200,
        "api detail": api_detail.status_code == 200,
    }


def test_a_pending_batch_s_cases_are_in_no_queue_case_page_or_api_list(pending_case, user_factory, settings):
    from web.staffkit import verified_client

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    user = user_factory("intake_officer", teams=["team-a"])
    client = verified_client(user)
    assert _pages(client, pending_case["shown"]) == dict.fromkeys(["queue", "list", "api", "detail", "api detail"], True)
    assert _pages(client, pending_case["hidden"]) == dict.fromkeys(["queue", "list", "api", "detail", "api detail"], False)
    # the same case, once its import completes, is everywhere
    ImportBatch.objects.filter(pk=pending_case["batch"].pk).update(state=ImportBatch.COMPLETE)
    assert _pages(client, pending_case["hidden"]) == dict.fromkeys(["queue", "list", "api", "detail", "api detail"], True)


def test_a_pending_batch_s_cases_are_not_found_by_name_search(pending_case, user_factory):
    from resettle.applications.selectors import search_applications

    verifier = user_factory("df_verifier")  # sees every team's cases, and identities
    assert list(search_applications(verifier, name="Hidden Person")) == []
    assert [a.pk for a in search_applications(verifier, name="Shown Person")] == [pending_case["shown"].pk]


def test_figures_count_a_pending_batch_s_cases_only_once_it_completes(pending_case, user_factory, settings):
    from resettle.applications.selectors import aggregates
    from resettle.casework.selectors import stage_counts
    from resettle.policies.selectors import applications_table
    from resettle.reporting.selectors import applications_by_stage, principals_and_dependants

    settings.REPORTING_CACHE_SECONDS = 0
    analyst = user_factory("analyst")

    def figures():
        by_stage = applications_by_stage(threshold=1)
        people = principals_and_dependants(threshold=1)
        return (aggregates(analyst, threshold=1)["status"], stage_counts(threshold=1),
                dict(by_stage.totals)["Applications"], people.series[0].values[0] + people.series[1].values[0],
                len(applications_table()[1]))

    assert figures() == ({"received": 1}, {"received": 1}, 1, 1, 1)
    ImportBatch.objects.filter(pk=pending_case["batch"].pk).update(state=ImportBatch.COMPLETE)
    assert figures() == ({"received": 2}, {"received": 2}, 2, 2, 2)


def test_a_file_of_one_chunk_is_written_and_completed_in_one_transaction(tmp_path, db):
    """200 one-application submissions a minute (the load benchmark): each is one transaction and
    one append to the audit log (the head's lock, which every identity view waits on, taken once),
    and the batch it completes is still the same as a longer file's."""
    from audit.test_chain import head_writes
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = family_file(tmp_path, 1)
    with CaptureQueriesContext(connection) as queries:
        result = import_applications(path=path)
    assert head_writes(queries.captured_queries) == 1
    assert result.created == 1 and ImportBatch.objects.get(pk=result.batch_id).state == ImportBatch.COMPLETE
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-1] == "applications.imported"
    assert verify_log() is None
