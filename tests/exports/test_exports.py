import csv
import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from resettle.applications.imports import import_applications
from resettle.audit.models import AuditEvent
from resettle.audit.services import verify_log
from resettle.exports.models import ExportRequest
from resettle.exports.services import ExportError, export_approve, export_render, export_request
from resettle.records.services import import_records
from web.staffkit import cases, fast_passwords  # noqa: F401  (fixtures: two teams' cases)

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
# A pseudonym is 16 random-looking hex digits, so it contains "1361" or "1365" now and then.
PSEUDONYM = re.compile(r"\b[A-Z]-[0-9a-f]{16}\b")


def leaked(text: str) -> list[str]:
    """The secrets found in an export, pseudonyms aside."""
    text = PSEUDONYM.sub("", text)
    return [secret for secret in SECRETS if secret in text]


# Twenty families alike in everything a neighbour might know, so a pseudonymised export of
# the world keeps them (a combination of at least k=5) and leaves W-2, alone of its kind, out.
CROWD = "".join(f"C-{n},principal,Crowd Person {n},Father {n},1361-0{1 + n % 6}-10,,,,NZDF,interpreter,PRT Bamyan,"
                f"nz-bamyan-2012,2013-01-{10 + n}\nC-{n},spouse,Crowd Spouse {n},Father S{n},1365,,,,,,,,\n"
                for n in range(1, 21))
RECORD_CROWD = "".join(f"N-C{n},CROWD MEMBER {n},FATHER {n},1361,terp,PRT Bamyan,Bamiyan\n" for n in range(1, 11))


@pytest.fixture
def world(tmp_path, db):
    from resettle.accounts.models import Team

    (tmp_path / "a.csv").write_text(APPLICATIONS + CROWD, encoding="utf-8")
    (tmp_path / "r.csv").write_text(RECORDS + RECORD_CROWD, encoding="utf-8")
    import_applications(path=tmp_path / "a.csv", team=Team.objects.get_or_create(name="team-a")[0])
    import_records(path=tmp_path / "r.csv", source_name="nzdf-prt-bamyan")


def identity_staff(user_factory, *roles_, teams=("team-a",), username=None):
    """Someone who may request or approve exports and sees identities on screen (two roles)."""
    return user_factory(*roles_, teams=list(teams), username=username)


def parse(data: bytes) -> tuple[str, list[dict]]:
    text = data.decode("utf-8-sig")
    first, rest = text.split("\n", 1)
    return first, list(csv.DictReader(io.StringIO(rest)))


@pytest.mark.parametrize("kind", ["applications", "records"])
def test_pseudonymised_export_is_immediate_and_carries_no_identity(world, user_factory, kind):
    analyst = user_factory("analyst")
    request = export_request(actor=analyst, kind=kind, identified=False, reason="quarterly numbers")
    data = export_render(actor=analyst, request=request)
    assert PSEUDONYM.search(data.decode("utf-8-sig"))  # what leaked() leaves aside is there
    assert leaked(data.decode("utf-8-sig")) == []
    first, rows = parse(data)
    assert first.startswith("# pseudonymised export")
    assert "5-anonymous" in first
    if kind == "applications":
        assert len(rows) == 42 and "1 rows left out" in first  # W-2, alone of its kind
        principal = next(r for r in rows if r["claimed_employment"])
        assert principal["birth_band"] == "1980-1984"  # SH 1361-05-12 is August 1982
        assert principal["received"] == "2013-01" and principal["relationship"] == "principal"
        assert principal["claimed_employment"] == "nzdf/interpreter/nz_prt_bamyan"
        assert len({r["case"] for r in rows}) == 21 and len({r["person"] for r in rows}) == 42
        assert all(r["person"].startswith("P-") and r["case"].startswith("C-") for r in rows)
    else:
        assert len(rows) == 11
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
    requester = identity_staff(user_factory, "administrator", "intake_officer", username="amina")
    approver = identity_staff(user_factory, "administrator", "intake_officer", username="bashir")
    request = export_request(actor=requester, kind="applications", identified=True, reason="hand-over to IOM")
    with pytest.raises(ExportError, match="cannot be downloaded"):
        export_render(actor=requester, request=request)
    with pytest.raises(ExportError, match="own export"):
        export_approve(actor=requester, request=request)  # administrators hold export.approve, but not for their own
    export_approve(actor=approver, request=request)
    with pytest.raises(ExportError, match="only the person who requested"):
        export_render(actor=identity_staff(user_factory, "administrator", "intake_officer"), request=request)
    data = export_render(actor=requester, request=request)
    first, rows = parse(data)
    assert first.startswith("# IDENTIFIED DATA - requested by amina") and "approved by bashir" in first
    assert len(rows) == 43  # every row of every case the requester (and approver) may open
    assert all(r["watermark"].startswith("requested by amina") for r in rows)
    by_name = {r["full_name"]: r for r in rows}
    assert by_name["Muhammad Hussaini"]["documents"] == "tazkira:1234-5678"
    assert by_name["فاطمه"]["father_name"] == "علی احمد"
    assert "'=HYPERLINK" in data.decode("utf-8-sig")  # a formula in a name is defused
    assert next(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [first]  # the first line is one cell
    assert "m.h@example.org" not in data.decode("utf-8-sig")  # contacts never leave, even identified
    with pytest.raises(ExportError, match="delivered"):
        export_render(actor=requester, request=request)  # one approval, one file
    actions = list(AuditEvent.objects.filter(target_id=str(request.pk)).values_list("action", flat=True))
    assert actions == ["export.requested", "access.denied", "export.approved", "access.denied", "export.downloaded"]
    assert verify_log() is None


def test_roles_without_the_capabilities_are_refused(world, user_factory):
    with pytest.raises(PermissionDenied):
        export_request(actor=user_factory("intake_officer"), kind="applications", identified=False, reason="x")
    request = export_request(actor=identity_staff(user_factory, "analyst", "df_verifier"), kind="records",
                             identified=True, reason="x")
    with pytest.raises(PermissionDenied):
        export_approve(actor=user_factory("analyst"), request=request)  # analysts cannot approve
    with pytest.raises(ExportError, match="reason"):
        export_request(actor=user_factory("analyst"), kind="records", identified=False, reason="  ")
    with pytest.raises(ExportError, match="unknown export kind"):
        export_request(actor=user_factory("analyst"), kind="people", identified=False, reason="x")


def test_the_database_refuses_self_approval_whatever_writes_it(world, user_factory):
    someone = identity_staff(user_factory, "administrator", "df_verifier")
    request = export_request(actor=someone, kind="records", identified=True, reason="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportRequest.objects.filter(pk=request.pk).update(approved_by=someone, status="approved")


def _outside_rows(data: bytes) -> list[dict]:
    return parse(data)[1]


def test_an_identified_export_holds_only_what_its_requester_sees_on_screen(world, user_factory, cases):
    """The second probe: an analyst (aggregates only) asked for an identified export, a decision
    maker of one team approved it, and the analyst downloaded every team's names."""
    analyst = user_factory("analyst")
    before = AuditEvent.objects.filter(action="access.denied", actor_id=analyst.pk).count()
    with pytest.raises(ExportError, match="only what you may see on screen"):
        export_request(actor=analyst, kind="applications", identified=True, reason="list for the minister")
    assert not ExportRequest.objects.filter(requested_by=analyst).exists()
    assert AuditEvent.objects.filter(action="access.denied", actor_id=analyst.pk).count() == before + 1
    admin = user_factory("administrator")  # exports, but sees no identity on screen either
    with pytest.raises(ExportError, match="only what you may see on screen"):
        export_request(actor=admin, kind="records", identified=True, reason="x")
    # Someone who does see team-a's cases gets team-a's rows, and no other team's.
    requester = identity_staff(user_factory, "administrator", "intake_officer")
    approver = identity_staff(user_factory, "administrator", "intake_officer", teams=("team-a", "team-b"))
    request = export_request(actor=requester, kind="applications", identified=True, reason="IOM hand-over")
    export_approve(actor=approver, request=request)
    text = export_render(actor=requester, request=request).decode("utf-8-sig")
    assert "Muhammad Hussaini" in text and "Crowd Person 7" in text
    assert cases["b"].reference not in text and "Abdul Karimi" not in text  # team-b's case


def test_the_approver_must_be_entitled_to_every_row(world, user_factory, cases):
    requester = identity_staff(user_factory, "administrator", "intake_officer", teams=("team-a", "team-b"))
    request = export_request(actor=requester, kind="applications", identified=True, reason="IOM hand-over")
    one_team = identity_staff(user_factory, "administrator", "intake_officer", teams=("team-a",))
    with pytest.raises(ExportError, match="every row you may see yourself"):
        export_approve(actor=one_team, request=request)
    no_identity = user_factory("administrator")
    with pytest.raises(ExportError, match="every row you may see yourself"):
        export_approve(actor=no_identity, request=request)
    request.refresh_from_db()
    assert request.status == "awaiting_approval"
    denied = AuditEvent.objects.filter(action="access.denied", target_id=str(request.pk))
    assert set(denied.values_list("actor_id", flat=True)) == {one_team.pk, no_identity.pk}
    both = identity_staff(user_factory, "administrator", "intake_officer", teams=("team-a", "team-b"))
    export_approve(actor=both, request=request)
    text = export_render(actor=requester, request=request).decode("utf-8-sig")
    assert "Abdul Karimi" in text and "Muhammad Hussaini" in text


def test_a_family_is_left_out_for_a_requester_who_does_not_see_families(world, user_factory):
    verifier = identity_staff(user_factory, "administrator", "df_verifier")  # names, no family
    request = export_request(actor=verifier, kind="applications", identified=True, reason="check")
    export_approve(actor=identity_staff(user_factory, "administrator", "df_verifier"), request=request)
    rows = parse(export_render(actor=verifier, request=request))[1]
    assert rows and {r["relationship"] for r in rows} == {"principal"}


@pytest.mark.parametrize("reason", ["x,=2+5", "audit, +SUM(A1:A9)", 'quoted "a",@cmd', "line\n=2+5"])
def test_a_formula_in_the_reason_never_reaches_the_file_as_a_cell(world, user_factory, reason):
    requester = identity_staff(user_factory, "administrator", "intake_officer")
    request = export_request(actor=requester, kind="applications", identified=True, reason=reason)
    export_approve(actor=identity_staff(user_factory, "administrator", "intake_officer"), request=request)
    data = export_render(actor=requester, request=request).decode("utf-8-sig")
    for row in csv.reader(io.StringIO(data)):
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
