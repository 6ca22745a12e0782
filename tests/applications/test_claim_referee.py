import datetime as dt

from django.db import connection

from resettle.applications.services import ApplicationIn, ClaimIn, MemberIn, application_create
from resettle.people.services import PersonIn


def test_a_claims_referee_and_details_are_sealed_and_a_given_reference_is_kept(db):
    application = application_create(data=ApplicationIn(
        pathway="nz-afghan-2021", received_on=dt.date(2021, 8, 20), reference="RST-ABCD-EFGH",
        members=[MemberIn(PersonIn(full_name="Wahid"), "principal")],
        claims=[ClaimIn(employer="NZDF", role="interpreter", referee="Capt. Smith · +64 21 000 000",
                        details="Interpreted at the Kiwi Base clinic")]))
    assert application.reference == "RST-ABCD-EFGH"
    claim = application.claimed_employment.get()
    assert claim.referee.startswith("Capt. Smith") and "clinic" in claim.details
    with connection.cursor() as cursor:
        cursor.execute("SELECT referee, details FROM applications_claimedemployment")
        raw = " ".join(cursor.fetchone())
    assert "Smith" not in raw and "clinic" not in raw
