"""Malformed ids in admin URLs are a 404, never a server error."""

import pytest

from resettle.accounts import roles
from web.staffkit import cases, fast_passwords, staff  # noqa: F401  (fixtures)


@pytest.mark.parametrize("path", [
    "/admin/people/person/not-a-uuid/change/",
    "/admin/people/person/not-a-uuid/delete/",
    "/admin/people/person/not-a-uuid/history/",
    "/admin/applications/application/%00/change/",
    "/admin/auth/user/not-a-number/change/",
])
@pytest.mark.parametrize("role", [roles.INTAKE_OFFICER, roles.ADMINISTRATOR])
def test_malformed_ids_in_admin_urls_are_not_found(staff, role, path):
    _, client = staff[role]
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code in (403, 404), (path, response.status_code)
