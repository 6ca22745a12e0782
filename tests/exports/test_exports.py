import csv
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from resettle.applications.imports import import_applications
from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log
from resettle.exports.models import ExportRequest
from resettle.exports.services import ExportError, export_approve, export_render, export_request
from resettle.records.services import import_records

APPLICATIONS = ("application_id,relationship,full_name,father_name,birth_date,tazkira_number,phone,email,"
                "claimed_employer,claimed_role,claimed_unit,pathway,received_on\n"
                "W-1,principal,Muhammad Hussaini,Ghulam,1361-05-12,1234-5678,+93 700 000 101,m.h@example.org,"
                "NZDF,interpreter,PRT Bamyan,nz-bamyan-2012,2013-01-15\n"
                "W-1,spouse,فاطمه,علی احمد,1365,,,,,,,,\n"
                "W-2,principal,=HYPERLINK(\"x\"),Karim,1980,,,,NZDF,driver,PRT Bamyan,nz-bamyan-2012,2013-02-01\n")
RECORDS = ("record_id,full_name,father_name,birth_year,role,unit,location\n"
           "N-1,MOHD HUSAINI,GHOLAM,1361,terp,PRT Bamyan,Bamiyan\n")
SECRETS = ["Muhammad Hussaini", "Ghulam", "فاطمه", "علی احمد", "1234-5678", "+93 700", "m.h@example.org", "1361",
           "1365", "W-1", "HYPERLINK", "Karim", "MOHD", "GHOLAM", "N-1"]


@pytest.fixture
def world(tmp_path, db):
    (tmp_path / "a.csv").write_text(APPLICATIONS, encoding="utf-8")
    (tmp_path / "r.csv").write_text(RECORDS, encoding="utf-8")
    import_applications(path=tmp_path / "a.csv")
    import_records(path=tmp_path / "r.csv", source_name="nzdf-prt-bamyan")


def parse(data: bytes) -> tuple[str, list[dict]]:
    text = data.decode("utf-8-sig")
    first, rest = text.split("\n", 1)
    return first, list(csv.DictReader(io.StringIO(rest)))


@pytest.mark.parametrize("kind", ["applications", "records"])
def test_pseudonymised_export_is_immediate_and_carries_no_identity(world, user_factory, kind):
    analyst = user_factory("analyst")
    request = export_request(actor=analyst, kind=kind, identified=False, reason="quarterly numbers")
    data = export_render(actor=analyst, request=request)
    text = data.decode("utf-8-sig")
    for secret in SECRETS:
        assert secret not in text, secret
    first, rows = parse(data)
    assert first.startswith("# pseudonymised export")
    if kind == "applications":
        assert len(rows) == 3
        principal = next(r for r in rows if r["claimed_employment"])
        assert principal["birth_band"] == "1980-1984"  # SH 1361-05-12 is August 1982
        assert principal["received"] == "2013-01" and principal["relationship"] == "principal"
        assert principal["claimed_employment"] == "nzdf/interpreter/nz_prt_bamyan"
        assert len({r["case"] for r in rows}) == 2 and len({r["person"] for r in rows}) == 3
        assert all(r["person"].startswith("P-") and r["case"].startswith("C-") for r in rows)
    else:
        assert rows[0]["birth_band"] == "1980-1984" and rows[0]["record"].startswith("R-")
    request.refresh_from_db()
    assert request.status == "delivered" and request.file_sha256 == hashlib.sha256(data).hexdigest()
    assert list(AuditEvent.objects.filter(target_id=str(request.pk)).values_list("action", flat=True)) == [
        "export.requested", "export.downloaded"]


def test_pseudonyms_are_stable_between_exports(world, user_factory):
    analyst = user_factory("analyst")
    one = parse(export_render(actor=analyst, request=export_request(actor=analyst, kind="applications",
                                                                    identified=False, reason="a")))[1]
    two = parse(export_render(actor=analyst, request=export_request(actor=analyst, kind="applications",
                                                                    identified=False, reason="b")))[1]
    assert [r["person"] for r in one] == [r["person"] for r in two]


def test_identified_export_needs_a_second_person_and_is_watermarked(world, user_factory):
    requester = user_factory("administrator", username="amina")
    approver = user_factory("decision_maker", username="bashir")
    request = export_request(actor=requester, kind="applications", identified=True, reason="hand-over to IOM")
    with pytest.raises(ExportError, match="cannot be downloaded"):
        export_render(actor=requester, request=request)
    with pytest.raises(ExportError, match="own export"):
        export_approve(actor=requester, request=request)  # administrators hold export.approve, but not for their own
    export_approve(actor=approver, request=request)
    with pytest.raises(ExportError, match="only the person who requested"):
        export_render(actor=user_factory("administrator"), request=request)
    data = export_render(actor=requester, request=request)
    first, rows = parse(data)
    assert first.startswith("# IDENTIFIED DATA - requested by amina") and "approved by bashir" in first
    assert all(r["watermark"].startswith("requested by amina") for r in rows)
    by_name = {r["full_name"]: r for r in rows}
    assert by_name["Muhammad Hussaini"]["documents"] == "tazkira:1234-5678"
    assert by_name["فاطمه"]["father_name"] == "علی احمد"
    assert "'=HYPERLINK" in data.decode("utf-8-sig")  # a formula in a name is defused
    assert "m.h@example.org" not in data.decode("utf-8-sig")  # contacts never leave, even identified
    with pytest.raises(ExportError, match="delivered"):
        export_render(actor=requester, request=request)  # one approval, one file
    actions = list(AuditEvent.objects.filter(target_id=str(request.pk)).values_list("action", flat=True))
    assert actions == ["export.requested", "access.denied", "export.approved", "access.denied", "export.downloaded"]
    assert verify_log() is None


def test_roles_without_the_capabilities_are_refused(world, user_factory):
    with pytest.raises(PermissionDenied):
        export_request(actor=user_factory("intake_officer"), kind="applications", identified=False, reason="x")
    request = export_request(actor=user_factory("analyst"), kind="records", identified=True, reason="x")
    with pytest.raises(PermissionDenied):
        export_approve(actor=user_factory("analyst"), request=request)  # analysts cannot approve
    with pytest.raises(ExportError, match="reason"):
        export_request(actor=user_factory("analyst"), kind="records", identified=False, reason="  ")
    with pytest.raises(ExportError, match="unknown export kind"):
        export_request(actor=user_factory("analyst"), kind="people", identified=False, reason="x")


def test_the_database_refuses_self_approval_whatever_writes_it(world, user_factory):
    someone = user_factory("administrator")
    request = export_request(actor=someone, kind="records", identified=True, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRequest.objects.filter(pk=request.pk).update(approved_by=someone, status="approved")
