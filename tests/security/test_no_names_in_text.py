"""str() and repr() end up in logs, error reports, admin breadcrumbs and audit targets: they must
never carry what the encrypted fields protect."""

import pytest

from resettle.applications.imports import import_applications
from resettle.records.services import import_records
from resettle.security.rotation import encrypted_columns

RECORDS = ("record_id,full_name,father_name,grandfather_name,birth_year,role,unit\n"
           "N-1,Yarmohammad Tanaiwal,Sherdilzai,Akhundkhel,1361,terp,PRT Bamyan\n")
APPLICATIONS = ("application_id,relationship,full_name,father_name,birth_date,tazkira_number,phone,email,"
                "claimed_employer,claimed_role,claimed_unit,pathway,received_on\n"
                "X-1,principal,Yarmohammad Tanaiwal,Sherdilzai,1361-05-12,TZ-55120-77,+93 788 123 456,"
                "y.t@example.org,NZDF,interpreter,PRT Bamyan,nz-bamyan-2012,2013-01-15\n")


@pytest.mark.django_db
def test_no_model_with_encrypted_fields_shows_them_in_str_or_repr(tmp_path):
    (tmp_path / "r.csv").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "a.csv").write_text(APPLICATIONS, encoding="utf-8")
    import_records(path=tmp_path / "r.csv", source_name="nzdf-prt-bamyan")
    import_applications(path=tmp_path / "a.csv")
    checked = []
    for cols in encrypted_columns():
        for obj in cols.model._base_manager.all()[:3]:
            secrets = [v for v in (getattr(obj, f.attname) for f in cols.fields) if v and len(v) >= 4]
            shown = f"{obj} {obj!r}"
            assert not [s for s in secrets if s in shown], f"{cols.label}: {shown}"
            checked.append(cols.label)
    assert {"people.Person", "people.IdentityDocument", "people.ContactDetail",
            "records.EmploymentRecord"} <= set(checked)
