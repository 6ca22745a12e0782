"""The issue's "done when": the bytes an attacker would copy hold no name, birth date or document.

Values are imported the ordinary way, committed, and then the raw database is read: on SQLite the
database file and its write-ahead log, on PostgreSQL a `pg_dump` of the test database.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.db import connection

from resettle.applications.models import Application
from resettle.applications.imports import import_applications
from resettle.core.fields import digest
from resettle.names.keys import name_key
from resettle.people.models import IdentityDocument, Person
from resettle.records.models import EmploymentRecord
from resettle.records.services import import_records

PG_DUMP = "/usr/lib/postgresql/15/bin/pg_dump"

# Invented names, so that no other test's values can be confused with these.
SECRETS = {
    "principal": "Zarghunwal Paktiyawal",
    "principal_dari": "زرغونول پکتیاوال",
    "father": "Gulbadinzai",
    "father_dari": "گلبدین‌زی",
    "grandfather": "Shinwarikhel",
    "spouse": "Palwashayi Nooristani",
    "spouse_dari": "پلوشه نورستانی",
    "child": "Spozhmayi",
    "tazkira": "TZ-88412-66031",
    "passport": "PQ7730219",
    "phone": "+93 799 314 271",
    "email": "zarghunwal.p@example.org",
    "birth": "1358-07-19",
    "birth_spouse": "1364-02-03",
    "record_name": "ZARGHUNWAL PAKTIYAWALL",
    "record_father": "GULBADINZAI",
}
# A bare year is too short to search for: four digits turn up by chance in hashes and timestamps.
# Full birth dates above are distinctive and are checked.
RECORD_BIRTH_YEAR = "1358"
PLAIN = "Qarghanatu Base"  # an ordinary, non-identifying value stored in clear: proves the scan sees data

RECORDS = ("record_id,full_name,father_name,grandfather_name,birth_year,role,unit,location\n"
           f"HR-1,{SECRETS['record_name']},{SECRETS['record_father']},{SECRETS['grandfather']},"
           f"{RECORD_BIRTH_YEAR},terp,{PLAIN},Bamiyan\n"
           f"HR-2,{SECRETS['principal_dari']},{SECRETS['father_dari']},,{RECORD_BIRTH_YEAR},driver,{PLAIN},بامیان\n")
APPLICATIONS = (
    "application_id,relationship,full_name,father_name,grandfather_name,birth_date,tazkira_number,passport_number,"
    "phone,email,claimed_employer,claimed_role,claimed_unit,pathway,received_on\n"
    f"SEC-1,principal,{SECRETS['principal']},{SECRETS['father']},{SECRETS['grandfather']},{SECRETS['birth']},"
    f"{SECRETS['tazkira']},{SECRETS['passport']},{SECRETS['phone']},{SECRETS['email']},NZDF,interpreter,PRT Bamyan,"
    "nz-bamyan-2012,2013-01-15\n"
    f"SEC-1,spouse,{SECRETS['spouse']},,,{SECRETS['birth_spouse']},,,,,,,,,\n"
    f"SEC-1,child,{SECRETS['child']},{SECRETS['principal']},,2009,,,,,,,,,\n"
    f"SEC-2,principal,{SECRETS['spouse_dari']},{SECRETS['father_dari']},,1360,,,,,NZ Police,driver,Bamyan,"
    "nz-bamyan-2012,2013-02-01\n"
)


def forms(value: str) -> set[bytes]:
    """The byte strings under which a value could sit on disk."""
    variants = {value, value.lower(), value.upper(), value.replace("\u06cc", "\u064a").replace("\u06a9", "\u0643")}
    # The matcher's normalised form of a name identifies as well as the name itself.
    if any(ch.isalpha() for ch in value) and len(name_key(value)) >= 6:
        variants.add(name_key(value))
    out = set()
    for v in variants:
        out |= {v.encode("utf-8"), v.encode("utf-16-le")}
    return out


def raw_database_bytes() -> bytes:
    if connection.vendor == "sqlite":
        path = Path(connection.settings_dict["NAME"])
        assert path.exists(), "the test database must be a file (settings: DATABASES TEST NAME)"
        parts = [path.read_bytes()]
        for suffix in ("-wal", "-journal"):
            extra = Path(str(path) + suffix)
            if extra.exists():
                parts.append(extra.read_bytes())
        return b"".join(parts)
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    result = subprocess.run([PG_DUMP, "-h", s["HOST"] or "localhost", "-p", str(s["PORT"] or 5432), "-U", s["USER"],
                             "--no-owner", "-d", s["NAME"]], capture_output=True, env=env, timeout=60, check=True)
    return result.stdout


@pytest.fixture
def imported(tmp_path, transactional_db):
    (tmp_path / "hr.csv").write_text(RECORDS, encoding="utf-8")
    (tmp_path / "intake.csv").write_text(APPLICATIONS, encoding="utf-8")
    import_records(path=tmp_path / "hr.csv", source_name="nzdf-prt-bamyan")
    import_applications(path=tmp_path / "intake.csv")
    assert Application.objects.count() == 2 and EmploymentRecord.objects.count() == 2
    # Read back through the models: the values are really there, just not in the clear.
    assert Person.objects.count() == 4
    return tmp_path


def check_no_secret_in(raw: bytes) -> None:
    assert any(f in raw for f in forms(PLAIN)), "scan sees nothing: wrong file?"
    leaks = sorted(name for name, value in SECRETS.items() if any(f in raw for f in forms(value)))
    assert leaks == [], f"plain identifying values found in the raw database: {leaks}"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite half; the PostgreSQL half reads a pg_dump")
def test_sqlite_file_and_wal_hold_no_identifying_value(imported):
    check_no_secret_in(raw_database_bytes())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL half; runs when DATABASE_URL is PostgreSQL")
def test_pg_dump_holds_no_identifying_value(imported):
    if not shutil.which(PG_DUMP):
        pytest.fail(f"{PG_DUMP} is missing: install postgresql-client-15")
    check_no_secret_in(raw_database_bytes())


def test_the_scan_does_catch_a_plain_name(imported):
    # A name typed into a free-text field that is not encrypted: exactly what the scan is for.
    from resettle.records.models import RecordSource

    RecordSource.objects.filter(name="nzdf-prt-bamyan").update(description=f"list from {SECRETS['father']}")
    with pytest.raises(AssertionError, match="father"):
        check_no_secret_in(raw_database_bytes())


def test_blind_indexes_still_find_the_people(imported):
    wanted = digest("person.name", name_key, "  zarghunwal  PAKTIYAWAL")  # as a clerk might type it
    assert Person.objects.filter(full_name_index=wanted).get().full_name == SECRETS["principal"]
    by_dari = digest("person.name", name_key, SECRETS["spouse_dari"])
    assert {p.full_name for p in Person.objects.filter(full_name_index=by_dari)} >= {SECRETS["spouse_dari"]}
    doc = digest("document.number", lambda v: "".join(c for c in v.upper() if c.isalnum()), "tz 8841266031")
    assert IdentityDocument.objects.get(number_index=doc).person.full_name == SECRETS["principal"]
    record = digest("record.name", name_key, SECRETS["principal"])
    assert EmploymentRecord.objects.filter(full_name_index=record).exists()
