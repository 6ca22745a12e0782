"""The exports page: request, approve by a second person, download once."""

import pytest
from django.urls import reverse

from resettle.accounts import roles
from resettle.audit.models import AuditEvent
from resettle.exports.models import ExportRequest, ExportStatus
from web.staffkit import cases, fast_passwords, staff, verified_client  # noqa: F401  (fixtures)

from exports.test_exports import leaked, parse, world  # noqa: F401  (fixture)


def _request(client, kind="applications", identified=False, reason="quarterly caseload report"):
    data = {"kind": kind, "reason": reason}
    if identified:
        data["identified"] = "on"
    return client.post(reverse("exports:index"), data)


def test_analyst_downloads_a_pseudonymised_export_once(staff, world):
    user, client = staff[roles.ANALYST]
    assert "Exports" in client.get(reverse("accounts:home"), follow=True).content.decode()  # in the menu
    assert _request(client).status_code == 302
    export = ExportRequest.objects.get(requested_by=user)
    assert export.status == ExportStatus.APPROVED  # no identities: no second person needed
    page = client.get(reverse("exports:index")).content.decode()
    assert "quarterly caseload report" in page and reverse("exports:download", args=[export.pk]) in page
    response = client.post(reverse("exports:download", args=[export.pk]))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert "attachment" in response["Content-Disposition"]
    first, rows = parse(response.content)
    assert first.startswith("# pseudonymised export") and rows
    assert leaked(response.content.decode("utf-8-sig")) == []
    # Once: a second download is refused with a message, and nothing is handed out.
    again = client.post(reverse("exports:download", args=[export.pk]), follow=True)
    assert "text/csv" not in again["Content-Type"] and "cannot be downloaded" in again.content.decode()


def _identity_exporter(user_factory, name):
    """Exports (administrator) and sees team-a's identities on screen (intake officer)."""
    user = user_factory(roles.ADMINISTRATOR, roles.INTAKE_OFFICER, teams=["team-a"], username=name)
    return user, verified_client(user)


def test_an_analyst_is_refused_an_identified_export_with_a_message(staff, world):
    analyst, client = staff[roles.ANALYST]
    page = _request(client, identified=True, reason="everyone's names please")
    assert page.status_code == 200 and "only what you may see on screen" in page.content.decode()
    assert not ExportRequest.objects.filter(requested_by=analyst).exists()


def test_identified_export_waits_for_a_second_person(staff, world, user_factory):
    analyst, analyst_client = _identity_exporter(user_factory, "requester")
    approver, approver_client = _identity_exporter(user_factory, "approver")
    _request(analyst_client, identified=True, reason="MFAT consular check of flight list")
    export = ExportRequest.objects.get(requested_by=analyst)
    assert export.status == ExportStatus.AWAITING_APPROVAL
    # Not downloadable yet.
    refused = analyst_client.post(reverse("exports:download", args=[export.pk]), follow=True)
    assert "text/csv" not in refused["Content-Type"]
    # The approver sees it with its reason, and approves.
    page = approver_client.get(reverse("exports:index")).content.decode()
    assert "MFAT consular check of flight list" in page and analyst.get_username() in page
    assert approver_client.post(reverse("exports:approve", args=[export.pk])).status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED and export.approved_by == approver
    # Only the requester can download it; the file names who asked on every row.
    assert "text/csv" not in approver_client.post(reverse("exports:download", args=[export.pk]), follow=True)["Content-Type"]
    response = analyst_client.post(reverse("exports:download", args=[export.pk]))
    first, rows = parse(response.content)
    assert first.startswith("# IDENTIFIED DATA") and approver.get_username() in first
    assert all(analyst.get_username() in r["watermark"] for r in rows)
    assert "Muhammad Hussaini" in response.content.decode("utf-8-sig")


def test_nobody_approves_their_own_export(staff, world, user_factory):
    admin, client = _identity_exporter(user_factory, "both")  # may both request and approve
    _request(client, identified=True)
    export = ExportRequest.objects.get(requested_by=admin)
    page = client.get(reverse("exports:index")).content.decode()
    assert reverse("exports:approve", args=[export.pk]) not in page  # not offered ...
    response = client.post(reverse("exports:approve", args=[export.pk]), follow=True)
    assert "a second person must" in response.content.decode()  # ... and refused if forced
    export.refresh_from_db()
    assert export.status == ExportStatus.AWAITING_APPROVAL
    assert AuditEvent.objects.filter(action="access.denied", actor_id=admin.pk).exists()


@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.DF_VERIFIER, roles.RELOCATION_COORDINATOR])
def test_roles_without_export_capabilities_get_403(staff, world, role):
    user, client = staff[role]
    assert client.get(reverse("exports:index")).status_code == 403
    assert _request(client).status_code == 403
    assert not ExportRequest.objects.exists()
    assert AuditEvent.objects.filter(action="access.denied", actor_id=user.pk).exists()


def test_an_approver_without_request_rights_sees_no_request_form(staff, world):
    _, client = staff[roles.DECISION_MAKER]
    page = client.get(reverse("exports:index")).content.decode()
    assert "Awaiting your approval" in page and "Request an export" not in page
    assert _request(client).status_code == 200  # the form is not there to post to
    assert not ExportRequest.objects.exists()
