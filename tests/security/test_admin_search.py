"""The admin's person search never puts the searched name in a URL (access logs, history)."""

from urllib.parse import unquote

from django.urls import reverse

from resettle.accounts import roles
from web.staffkit import PRINCIPAL_A, cases, fast_passwords, staff  # noqa: F401  (fixtures)


def test_a_searched_name_never_appears_in_any_url(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    url = reverse("admin:people_person_changelist")
    form = client.get(url).content.decode()
    assert 'id="changelist-search" method="post"' in form and 'name="q"' not in form
    response = client.post(url, {"name_search": PRINCIPAL_A})
    assert response.status_code == 302
    target = response["Location"]
    for word in PRINCIPAL_A.split():
        assert word.lower() not in unquote(target).lower()
    page = client.get(target)
    html = page.content.decode()
    principal = cases["a"].members.get(relationship="principal").person
    other = cases["b"].members.get(relationship="principal").person
    assert str(principal.pk) in html and str(other.pk) not in html
    # Nor does the page link anywhere with the name in it (pagination, filters, sorting).
    assert "Hussaini" not in html.split("<tbody>")[0]


def test_a_search_token_from_someone_elses_session_finds_nothing(staff, cases):
    _, client = staff[roles.INTAKE_OFFICER]
    url = reverse("admin:people_person_changelist")
    target = client.post(url, {"name_search": PRINCIPAL_A})["Location"]
    _, other = staff[roles.DF_VERIFIER]
    html = other.get(target).content.decode()
    principal = cases["a"].members.get(relationship="principal").person
    assert str(principal.pk) not in html
