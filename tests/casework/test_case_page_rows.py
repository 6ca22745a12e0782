"""The case page asks once which optional kinds of row a case has (notes, requests, changes,
documents, links, flagged duplicates, assignments, decisions) and reads only those: every kind a
case has is still shown, and the page's queries do not grow with the number of rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from casekit import new_case
from web.staffkit import PRINCIPAL_A

from resettle.accounts import roles
from resettle.casework import services
from resettle.casework.selectors import case_rows, relations_with_rows
from resettle.verification.models import DuplicateLink

pytestmark = pytest.mark.django_db

ALL_KINDS = {"decisions", "requests", "changes", "documents", "notes", "links", "duplicates", "assigned"}


def _page(client, case) -> str:
    response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, case)
    return len(queries.captured_queries)


def _add_every_kind(case, other, actor, n: int):
    for i in range(n):
        services.note_add(application=case, actor=actor, text=f"note number {i}")
        services.information_request_create(application=case, actor=actor, question=f"question number {i}")
        services.circumstance_change_report(application=case, kind="birth", details=f"change number {i}", actor=actor)
        services.document_upload(application=case, actor=actor, kind="tazkira", upload=SimpleUploadedFile(
            f"scan{i}.pdf", b"%PDF-1.4 " + bytes([i]) * 32, content_type="application/pdf"))
    services.case_link(application=case, other=other, actor=actor, kind="related", reason="travel together")
    services.case_assign(application=case, actor=actor, users=[actor])
    if not DuplicateLink.objects.filter(application=case).exists():  # a case not linked yet: shown as such
        DuplicateLink.objects.create(application=case, other=new_case(case.team), probability=0.97, kind="principal")


def test_a_new_case_has_none_of_the_optional_kinds(cases):
    assert relations_with_rows(cases["a"]) == set()
    rows = case_rows(cases["a"])
    assert (rows.decisions, rows.requests, rows.changes, rows.documents) == ([], [], [], [])


def test_each_kind_is_reported_when_the_case_has_a_row_of_it(staff, cases):
    user, _ = staff[roles.INTAKE_OFFICER]
    case, other = cases["a"], cases["b"]
    other.team = case.team
    other.save(update_fields=["team"])
    _add_every_kind(case, other, user, 1)
    assert relations_with_rows(case) == ALL_KINDS - {"decisions"}
    assert relations_with_rows(other) == {"links"}  # a link is written both ways
    rows = case_rows(case)
    assert [len(rows.requests), len(rows.changes), len(rows.documents), len(rows.decisions)] == [1, 1, 1, 0]


def test_the_page_shows_every_kind_the_case_has_in_the_same_number_of_queries(staff, cases):
    user, client = staff[roles.INTAKE_OFFICER]
    case, other = cases["a"], cases["b"]
    other.team = case.team
    other.save(update_fields=["team"])
    _page(client, case)
    empty = _queries(client, case)
    _add_every_kind(case, other, user, 1)
    html = _page(client, case)
    one_each = _queries(client, case)
    assert PRINCIPAL_A in html
    for shown in ["note number 0", "question number 0", "change number 0", "Document added",
                  "Related household", other.reference, "Possible duplicates flagged by the matcher",
                  f"assigned to {user.username}"]:
        assert shown in html, shown
    _add_every_kind(case, other, user, 3)  # more rows of each kind: no more queries
    html = _page(client, case)
    assert "note number 2" in html and "question number 2" in html
    assert _queries(client, case) == one_each
    # a case without them skips their reads (seven kinds, and the scope check of flagged duplicates)
    assert empty + 6 <= one_each <= empty + 9, (empty, one_each)


def test_the_fact_form_offers_each_case_its_own_members_around_the_kept_fields(staff, cases):
    import re

    from resettle.casework.forms import FactForm

    _, client = staff[roles.DECISION_MAKER]
    from web.staffkit import at_a_stage_for

    seen = []
    for case in (cases["a"], new_case(cases["a"].team)):
        at_a_stage_for(roles.DECISION_MAKER, case)
        html = _page(client, case)
        form = html[html.index('/facts/"'):]
        form = form[:form.index("</form>")]
        members = [str(m.pk) for m in case.members.all()]
        offered = re.findall(r'<option value="([0-9a-f-]{36})">', form)
        assert sorted(offered) == sorted(members), (offered, members)
        # the form's own fields, in its order, around the member choice
        names = re.findall(r'name="(\w+)"', form)
        assert [n for n in names if n in ("field", "value", "member", "reason")] == ["field", "value", "member", "reason"]
        # the member choice's label and help text are the form field's own
        member = FactForm.base_fields["member"]
        assert f'<label for="id_member">{member.label}:</label>' in form
        assert f'id="id_member_helptext">{member.help_text}</span>' in form
        seen.append(offered)
    assert not set(seen[0]) & set(seen[1])
