"""Fuzz the forms (hypothesis): whatever is typed or uploaded, no page answers 500.

Each form is posted (or, for filters, requested) by a role that may use it, with text that
includes NUL bytes, lone surrogates' neighbours, right-to-left marks, very long values and
spreadsheet formulas, and uploads of random bytes named as CSV or XLSX.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from resettle.accounts import roles
from web.staffkit import cases, fast_passwords, staff  # noqa: F401  (fixtures)

NASTY = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from(list("\x00\"',;=+-@\n\r\t\u200f\u202e\ufeffمحمد%<>&")), max_size=40),
    st.sampled_from(["", " ", "=2+5", "%00", "\x00", "9" * 400, "a" * 5000, "2021-13-45", "-1e309", "NaN",
                     "../../etc/passwd", "<script>alert(1)</script>"]),
)
FUZZ = settings(max_examples=20, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])

# (role, url, method, fields): each field gets fuzzed text.
FORMS = [
    (None, "/accounts/login/", "post", ["username", "password", "token"]),
    (roles.INTAKE_OFFICER, "/cases/", "get", ["status", "pathway", "reference", "name", "page"]),
    (roles.ANALYST, "/exports/", "post", ["kind", "identified", "reason"]),
    (roles.ADMINISTRATOR, "/accounts/staff-changes/", "post", ["change", "decision"]),
    (roles.INTAKE_OFFICER, "/admin/people/person/", "post", ["name_search"]),
    (roles.INTAKE_OFFICER, "/admin/people/person/", "get", ["found", "o", "p"]),
    (roles.ANALYST, "/policies/simulate/", "get", ["policy", "compare_with", "on", "prior_dependants"]),
    (roles.ADMINISTRATOR, "/records/import/", "post", ["source", "employer", "encoding"]),
    (roles.INTAKE_OFFICER, "/cases/import/", "post", ["team", "encoding"]),
]


@pytest.mark.parametrize("role,url,method,fields", FORMS, ids=[f"{m} {u}" for _, u, m, _ in FORMS])
def test_no_form_input_answers_500(staff, cases, client, role, url, method, fields):
    web = staff[role][1] if role else client
    web.raise_request_exception = False
    failures = []
    uploads = url.endswith("/import/")

    @FUZZ
    @given(st.fixed_dictionaries({f: NASTY for f in fields}), st.binary(max_size=3000),
           st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
    def run(values, blob, name):
        data = dict(values)
        if uploads:
            data["file"] = SimpleUploadedFile(name, blob)
        response = web.post(url, data) if method == "post" else web.get(url, data)
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url} {values!r} -> {response.status_code}")

    run()
    assert not failures, "\n".join(failures[:10])


@FUZZ
@given(st.binary(min_size=1, max_size=4000))
@example(b"A-1,principal," + b"x" * 140_000 + b",nz-afghan-2021,2021-09-01\n")  # past the csv module's 128 KiB
@example(b'A-1,principal,"Ali\nA-2,principal,Karim,nz-afghan-2021,2021-09-01\n')  # a stray quote
def test_no_uploaded_applications_file_answers_500(staff, cases, tmp_path_factory, blob):
    _, web = staff[roles.INTAKE_OFFICER]
    web.raise_request_exception = False
    header = b"application_id,relationship,full_name,pathway,received_on\n"
    response = web.post("/cases/import/", {"file": SimpleUploadedFile("f.csv", header + blob)})
    assert response.status_code < 500, blob[:200]
