import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from casekit import evaluate, new_case, verify_all
from resettle.accounts import roles
from resettle.applications.services import MemberIn, application_create  # noqa: F401
from resettle.audit.models import AuditEvent
from resettle.casework import documents, services
from resettle.casework.models import Document
from web.staffkit import verified_client


@pytest.fixture
def decided(db, user_factory):
    from resettle.accounts.models import Team

    team = Team.objects.create(name="l")
    people = {k: user_factory(r, teams=["l"]) for k, r in
              (("intake", roles.INTAKE_OFFICER), ("dm1", roles.DECISION_MAKER), ("dm2", roles.DECISION_MAKER))}
    people["verifier"] = user_factory(roles.DF_VERIFIER)
    case = new_case(team)
    services.case_transition(application=case, action="start_verification", actor=people["intake"])
    verify_all(case, people["verifier"])
    evaluate(case, people["dm1"])
    decision = services.decision_propose(application=case, actor=people["dm1"], outcome="decline",
                                         reasons="Employment could not be confirmed.")
    services.decision_confirm(decision=decision, actor=people["dm2"])
    decision.refresh_from_db()
    return case, decision, people


def test_a_decline_letter_in_dari_is_stored_sealed_and_reads_right_to_left(decided):
    case, decision, people = decided
    doc = services.letter_generate(decision=decision, actor=people["dm1"], language="fa-af")
    assert doc.kind == "decision_letter" and doc.content_type == "application/pdf"
    stored = (documents.folder() / f"{doc.pk}.sealed").read_bytes()
    assert b"%PDF" not in stored  # sealed at rest
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(documents.read(doc))).pages)
    assert "Karimi" in text or "کریمی" in text or "Wahid" in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # Dari script in the letter
    assert AuditEvent.objects.filter(action="letter.generated", target_id=str(case.pk)).exists()


def test_a_letter_needs_a_confirmed_decision(decided):
    case, decision, people = decided
    services.case_transition(application=case, action="request_reconsideration", actor=None)
    services.case_transition(application=case, action="reassess", actor=people["dm2"])
    evaluate(case, people["dm2"])
    proposal = services.decision_propose(application=case, actor=people["dm2"], outcome="approve", reasons="roster")
    with pytest.raises(services.DecisionError):
        services.letter_generate(decision=proposal, actor=people["dm2"])


def test_documents_are_sniffed_limited_sealed_and_every_download_audited(decided):
    case, _, people = decided
    fake = SimpleUploadedFile("tazkira.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(documents.DocumentRefused, match="only PDF, JPEG or PNG"):
        services.document_upload(application=case, upload=fake, kind="tazkira", actor=people["intake"])
    big = SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * documents.MAX_BYTES, content_type="application/pdf")
    with pytest.raises(documents.DocumentRefused, match="limit|larger"):
        services.document_upload(application=case, upload=big, kind="tazkira", actor=people["intake"])
    png = SimpleUploadedFile("Wahid tazkira.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, content_type="text/plain")
    doc = services.document_upload(application=case, upload=png, kind="tazkira", actor=people["intake"])
    assert doc.content_type == "image/png" and Document.objects.count() >= 1
    client = verified_client(people["intake"])
    response = client.get(f"/casework/{case.pk}/documents/{doc.pk}/")
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
    assert "Wahid" not in response["Content-Disposition"] and response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(action="document.downloaded", actor_id=people["intake"].pk).count() == 1
