"""The benchmark generator's ablations take one difficulty away and change nothing else, so
docs/benchmarks.md can say what each difficulty costs."""

import pytest

from bench.matching.generate import generate
from resettle.names.normalise import detect_script

FIELDS = ("birth_year", "role", "unit", "location", "start_date", "end_date")


@pytest.fixture(scope="module")
def base():
    return generate(3000, 300, seed=11)


@pytest.mark.parametrize("aspect", ["typos", "script", "spelling"])
def test_ablation_keeps_people_records_and_gaps(base, aspect):
    records, applicants, link_truth, person = generate(3000, 300, seed=11, clean=frozenset([aspect]))
    assert link_truth == base[2] and person == base[3]
    assert [{k: r[k] for k in FIELDS} for r in records] == [{k: r[k] for k in FIELDS} for r in base[0]]
    # A missing father's name stays missing; only spellings change.
    assert [bool(r["father_name"]) for r in records] == [bool(r["father_name"]) for r in base[0]]
    assert [a["birth_date"] for a in applicants] == [a["birth_date"] for a in base[1]]
    assert sum(r["full_name"] != b["full_name"] for r, b in zip(records, base[0])) > 100


def test_without_script_every_name_is_latin(base):
    records, applicants, *_ = generate(3000, 300, seed=11, clean=frozenset(["script"]))
    assert any(detect_script(r["full_name"]) == "arabic" for r in base[0])
    assert all(detect_script(r[k]) in ("latin", "none") for r in records + applicants for k in ("full_name", "father_name"))


def test_canonical_spelling_writes_one_form_per_person(base):
    records, applicants, link_truth, person = generate(3000, 300, seed=11, clean=frozenset(["spelling"]))
    by_person: dict[int, set[str]] = {}
    for r in records:
        by_person.setdefault(r["_pid"], set()).add(r["full_name"].split(" s/o ")[0].split(" S/O ")[0].split(" son of ")[0])
    assert all(len(forms) == 1 for forms in by_person.values())
