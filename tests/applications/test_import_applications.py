import pytest
from django.db import IntegrityError, transaction

from resettle.applications.models import Application, ClaimedEmployment, Member
from resettle.applications.imports import import_applications
from resettle.applications.services import ApplicationIn, MemberIn, application_create
from resettle.names.dates import BirthDate
from resettle.people.services import PersonIn
from resettle.tabular import TableError

HEADER = ("application_id,relationship,full_name,father_name,birth_date,gender,dependent,tazkira_number,phone,email,"
          "claimed_employer,claimed_role,claimed_unit,claimed_location,claimed_start,claimed_end,pathway,received_on,channel\n")
GOOD = [
    "W-1,principal,Muhammad Hussaini,Ghulam,1361-05-12,male,,1234-5678,+93 700 000 101,m.h@example.org,NZDF,interpreter,PRT Bamyan,Bamyan,2010-03,2012-11,nz-bamyan-2012,2013-01-15,web",
    "W-1,spouse,Fatima,Ali Ahmad,1365,female,yes,,,,,,,,,,,,",
    "W-1,child,Zahra,Muhammad,2008-02-01,f,yes,,,,,,,,,,,,",
    "E-7,principal,سید علی,حسین,c. 1980,m,,,,,NZ Police,driver,NZ Police Bamyan,Bamyan,2009,2011,nz-bamyan-2012,2013-02-01,email",
]


def write(tmp_path, rows, name="apps.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.django_db
def test_import_groups_rows_into_applications_with_family_and_claims(tmp_path):
    result = import_applications(path=write(tmp_path, GOOD))
    assert result.created == 2
    app = Application.objects.get(external_id="W-1")
    assert app.reference.startswith("RST-") and app.pathway == "nz-bamyan-2012" and app.channel == "web"
    assert [m.relationship for m in app.members.all()] == ["principal", "spouse", "child"]
    principal = app.principal.person
    assert principal.full_name == "Muhammad Hussaini"
    birth = principal.birth()
    assert (birth.calendar, birth.year, birth.month, birth.day) == ("solar_hijri", 1361, 5, 12)
    assert principal.documents.get().number == "1234-5678"
    assert {c.kind for c in principal.contacts.all()} == {"phone", "email"}
    claim = app.claimed_employment.get()
    assert (claim.employer, claim.unit, claim.role) == ("nzdf", "nz_prt_bamyan", "interpreter")
    assert claim.start_date.isoformat() == "2010-03-01" and claim.end_date.isoformat() == "2012-11-30"
    spouse = app.members.get(relationship="spouse")
    assert spouse.dependent is True and spouse.person.birth().gregorian_year_range() == (1986, 1987)
    other = Application.objects.get(external_id="E-7").principal.person
    assert other.name_script == "arabic" and other.birth().approximate


@pytest.mark.django_db
def test_reimport_adds_nothing(tmp_path):
    path = write(tmp_path, GOOD)
    import_applications(path=path)
    assert import_applications(path=path).already_imported
    # The same applications inside a different file are recognised by application_id.
    assert import_applications(path=write(tmp_path, GOOD[:3], name="again.csv")).created == 0
    assert Application.objects.count() == 2 and Member.objects.count() == 4


@pytest.mark.django_db
def test_invalid_rows_reject_the_whole_file(tmp_path):
    rows = GOOD + [
        "X-1,spouse,Nobody Principal,,,,,,,,,,,,,,,,",
        "X-2,principal,Two,,,,,,,,,,,,,,nz-afghan-2021,2021-08-20,web",
        "X-2,principal,Principals,,,,,,,,,,,,,,,,",
        "X-3,principal,Bad Email,,1361-13-01,,maybe,,,a@b.org; c@d.org,,,,,,,nz-afghan-2021,2021-08-20,web",
        "X-4,cousin,,,,,,,,,,,,,,,nz-afghan-2021,,web",
    ]
    with pytest.raises(TableError) as err:
        import_applications(path=write(tmp_path, rows))
    text = str(err.value)
    assert "apps.csv:6:relationship: application 'X-1' has 0 principals" in text
    assert "apps.csv:7:relationship: application 'X-2' has 2 principals" in text
    assert "apps.csv:9:birth_date:" in text
    assert "apps.csv:9:dependent: 'maybe' is not yes or no" in text
    assert "apps.csv:9:email: 'a@b.org; c@d.org' is not a single e-mail address" in text
    assert "apps.csv:10:relationship: 'cousin'" in text
    assert "apps.csv:10:full_name: is empty" in text
    assert "apps.csv:10:relationship: application 'X-4' has 0 principals" in text
    assert Application.objects.count() == 0 and Member.objects.count() == 0


@pytest.mark.django_db
def test_claims_only_on_the_principal_row(tmp_path):
    rows = [GOOD[0], "W-1,spouse,Fatima,,,,,,,,NZDF,,,,,,,,"]
    with pytest.raises(TableError, match="apps.csv:3:claimed_employer: belongs on the principal's row only"):
        import_applications(path=write(tmp_path, rows))


@pytest.mark.django_db
def test_one_principal_per_application_is_a_rule_of_service_and_database():
    person = PersonIn(full_name="A", birth_date=BirthDate("gregorian", 1980))
    with pytest.raises(ValueError, match="exactly one principal"):
        application_create(data=ApplicationIn(pathway="p", received_on=__import__("datetime").date(2021, 8, 20),
                                              members=[MemberIn(person, "spouse")]))
    app = application_create(data=ApplicationIn(pathway="p", received_on=__import__("datetime").date(2021, 8, 20),
                                                members=[MemberIn(person, "principal")]))
    second = Member(application=app, person=app.principal.person, relationship="principal")
    second.person = __import__("resettle.people.services", fromlist=["x"]).person_create(data=PersonIn(full_name="B"))
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    assert ClaimedEmployment.objects.count() == 0
