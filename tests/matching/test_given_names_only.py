"""Issue 13's first pattern: one side gives only the given names, the other adds the family name
("Sayyid Muhammad" / "Sayyid Muhammad Amiri"). Their distinctive parts then differ (a given name
on one side, the family name on the other), so the keys that pair a distinctive part with the
father's name or the birth year miss; the first given name with the father's name, and the
leading given names with the birth year, meet."""

import pytest

from resettle.matching import ApplicantIn, Index, RecordIn
from resettle.matching.engine import _blocking_keys, _prepare_applicants

from test_blocking import filler


def _first_search(applicant_name, record_name, father, record_year, birth):
    """The record 'T1' and an applicant of the same service among 300 unrelated records: the
    records the first search (Index._block) compares, the index and the applicant."""
    record = RecordIn("T1", record_name, father, record_year, "Interpreter", "NZ PRT", "Bamyan", "2010-01-01",
                      "2012-01-01")
    applicant = ApplicantIn("A", applicant_name, father, birth, "interpreter", "NZ PRT", "Bamyan", "2010-01-01",
                            "2012-01-01")
    index = Index([record] + filler(300))
    a, = _prepare_applicants([applicant], None)
    return {index.items[i].id for i in index._block(a)}, index, applicant


@pytest.mark.parametrize("applicant_name, record_name", [
    ("Sayyid Muhammad", "Sayyid Muhammad Amiri"),   # the applicant gives only the given names
    ("Muhammad Alizada", "MUHAMMAD"),               # the record does
    ("Ghulam Ahmad Tahiri", "GHULAM AHMAD"),
])
def test_given_names_only_with_the_fathers_name_reach_the_record(applicant_name, record_name):
    # The record gives no birth year: only the name and the father's name can tie them.
    block, index, applicant = _first_search(applicant_name, record_name, "Mir Mahdi", "", "1994-11-08")
    assert "T1" in block
    assert "T1" in [c.record_id for c in index.candidates(applicant)]


@pytest.mark.parametrize("applicant_name, record_name", [
    ("Ghulam Hasan", "ghulam hasan hashimi"),
    ("Ahmad Jan", "احمد جان کریمی"),                  # the family name in Dari script too
])
def test_given_names_only_without_a_fathers_name_reach_the_record_by_birth_year(applicant_name, record_name):
    block, _, _ = _first_search(applicant_name, record_name, "", "1979", "1979-05-01")
    assert "T1" in block


def test_the_given_name_keys_need_a_common_first_name():
    """A name that starts with a rarer part already pairs that part with the father's name and
    the year; the given-name keys are only made where the first part is a common given name."""
    rare, = _prepare_applicants([ApplicantIn("A", "Zarghun Amiri", "Mir Mahdi", "1979-05-01")], None)
    common, = _prepare_applicants([ApplicantIn("B", "Muhammad Amiri", "Mir Mahdi", "1979-05-01")], None)
    assert not {k for k in _blocking_keys(rare, query=True) if k.startswith(("fg:", "fgk:", "gy:"))}
    assert {k.split(":")[0] for k in _blocking_keys(common, query=True)} >= {"fg", "fgk", "gy"}
