import pytest

from resettle.names.places import (
    canonical_employer,
    canonical_location,
    canonical_role,
    canonical_unit,
    canonical_values,
)

VOCAB = {
    "unit": {"nz_prt_bamyan", "nz_police_bamyan", "nzsas_kabul", "nz_embassy_kabul", "nz_aid_bamyan",
             "us_prt", "uk_task_force_helmand", "isaf_hq_kabul", "other"},
    "role": {"interpreter", "cultural_adviser", "driver", "guard", "engineer", "mechanic", "cook",
             "cleaner", "labourer", "administrator", "other"},
    "location": {"bamyan", "kabul", "yakawlang", "kahmard", "shibar", "panjab", "waras", "do_abi",
                 "helmand", "kandahar", "mazar_i_sharif", "other"},
    "employer": {"nzdf", "nz_police", "mfat", "nz_aid", "nz_other_agency", "us_forces", "uk_forces",
                 "isaf_other", "contractor", "other"},
}


@pytest.mark.parametrize("kind", sorted(VOCAB))
def test_alias_tables_only_produce_vocabulary_values(kind):
    assert canonical_values(kind) <= VOCAB[kind]


@pytest.mark.parametrize(
    "text, value",
    [("NZ PRT", "nz_prt_bamyan"), ("PRT Bamyan", "nz_prt_bamyan"), ("NZPRT Bamiyan", "nz_prt_bamyan"),
     ("Kiwi Base", "nz_prt_bamyan"), ("CRIB 7", "nz_prt_bamyan"), ("crib14", "nz_prt_bamyan"),
     ("Task Force 81", "nzsas_kabul"), ("NZSAS", "nzsas_kabul"), ("Afghan National Army", "other")],
)
def test_units(text, value):
    assert canonical_unit(text) == value


def test_roles_locations_employers():
    assert canonical_role("Terp") == canonical_role("ترجمان") == canonical_role("LINGUIST") == "interpreter"
    assert canonical_role("intrepeter") == "interpreter"  # typo
    assert canonical_location("Bamian") == canonical_location("بامیان") == "bamyan"
    assert canonical_employer("New Zealand Defence Force") == "nzdf"


def test_empty_is_none():
    assert canonical_unit("") is None and canonical_role(None) is None and canonical_location("  ") is None
