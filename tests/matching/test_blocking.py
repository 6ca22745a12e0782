"""Candidate generation (issue 13): a true record must reach the verifier's list even when its
name is common or slipped and the fields that usually narrow it are missing on one side."""

import random

from resettle.matching import ApplicantIn, Index, RecordIn
from resettle.matching import engine
from resettle.matching.engine import _blocking_keys, _prepare_applicants, _skeleton_slip_keys
from resettle.matching.features import name_feat

GIVEN = ["Karim", "Rahim", "Nasir", "Bashir", "Jawad", "Farid", "Zahir", "Hamid", "Jalil", "Najib", "Sharif", "Amin"]
SURNAMES = ["Karimi", "Rahimi", "Sultani", "Akbari", "Haidari", "Azizi", "Amiri", "Rasuli", "", "", ""]


def filler(n, seed=1):
    """Unrelated HR rows so that frequencies and the prior are not degenerate."""
    rng = random.Random(seed)
    return [
        RecordIn(f"F{i}", f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}".strip(), rng.choice(["Nabi", "Wali", "Daud"]),
                 str(rng.randint(1960, 1995)), rng.choice(["Driver", "Guard", "Cook"]), rng.choice(["US PRT", "ISAF HQ"]),
                 rng.choice(["Kabul", "Helmand"]), f"{rng.randint(2004, 2018)}-01-01", "")
        for i in range(n)
    ]


def _ids(index, applicant, limit=50):
    return [c.record_id for c in index.candidates(applicant, limit=limit)]


def test_skeleton_slip_keys_meet_across_a_consonant_slip_and_script():
    keys = _skeleton_slip_keys
    # One consonant wrong in a one-part name: no token, skeleton or slip key is shared.
    assert keys(name_feat("Rasid")) & keys(name_feat("Rasheed"))
    # Names of several parts have slip keys of their own (_slip_keys), not these.
    assert not keys(name_feat("Ahmad Nazari"))
    # Dari script with a slip against the Latin form.
    assert keys(name_feat("نجب")) & keys(name_feat("Najib"))
    # Two names two consonants apart do not meet.
    assert not keys(name_feat("Rasid")) & keys(name_feat("Nabi"))


def test_a_one_part_name_with_a_slip_and_no_father_is_found_by_year():
    """'Rasid' born 1996 (no father given) and the record 'Rasheed', 1996: they share no
    token, skeleton or slip key; the whole skeleton with one letter left out, paired with the
    birth year, brings the record in, and without that key nothing does."""
    record = RecordIn("T1", "Rasheed", "Gholam Sultan", "1996", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    applicant = ApplicantIn("A", "Rasid", "", "1996-06-14", "driver", "NZ PRT", "Bamyan", "2010-02-01", "2012-01-01")
    a, = _prepare_applicants([applicant], None)
    b = Index([record], lazy_params=True).items[0]
    shared = _blocking_keys(a) & _blocking_keys(b)
    assert shared and all(k.startswith("dk:") and k.endswith(":1996") for k in shared)
    index = Index([record] + filler(300))
    assert "T1" in _ids(index, applicant)
    # A record of another birth year is not brought in by the slip.
    other = RecordIn("T2", "Rasheed", "Gholam Sultan", "1970", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    assert "T2" not in _ids(Index([other] + filler(300)), applicant)


def _common_name_index(*extra):
    """300 'Ahmad's, each with a father and a birth year, and the applicant's own record, which
    has neither (as some HR lists keep them)."""
    rng = random.Random(5)
    namesakes = [
        RecordIn(f"N{i}", "Ahmad", rng.choice(["Nabi", "Wali", "Daud", "Musa", "Isa"]), str(rng.randint(1960, 1995)),
                 "Driver", rng.choice(["US PRT", "ISAF HQ", "NZ PRT"]), "Kabul",
                 f"{rng.randint(2004, 2018)}-01-01", "")
        for i in range(300)
    ]
    mine = RecordIn("T1", "AHMAD", "", "", "Interpreter", "NZ PRT", "Bamyan", "2009-03-01", "2011-05-30")
    # Another 'Ahmad' without father or year, who served elsewhere at another time.
    elsewhere = RecordIn("T2", "Ahmad", "", "", "Guard", "US PRT", "Kandahar", "2016-01-01", "2017-01-01")
    return Index(namesakes + [mine, elsewhere, *extra] + filler(200))


def test_a_common_name_over_its_cap_still_brings_in_the_record_no_narrower_key_reaches(monkeypatch):
    """The whole name 'Ahmad' is shared by more records than its cap, so it is not compared on
    its own; the applicant's narrower keys (name x birth year, name x father) cannot reach a
    record that has neither. Of the capped key, the records missing those fields whose unit
    and period fit the claim are compared: the applicant's own is, the one who served
    elsewhere is not."""
    index = _common_name_index()
    assert len(index.postings["s:ahmad"]) > engine.NARROW_BLOCK["s"]
    applicant = ApplicantIn("A", "Ahmad", "Karim", "1980", "interpreter", "NZ PRT", "Bamyan", "2009-01-01", "2011-06-30")
    ids = _ids(index, applicant)
    assert "T1" in ids and "T2" not in ids
    a, = _prepare_applicants([applicant], None)
    block = {index.items[i].id for i in index._block(a)}
    # Namesakes with a father and a birth year are left to the narrower keys: only those born
    # in 1980 (name x birth year) are compared, not every 'Ahmad' in the unit.
    assert "T1" in block
    years = {p.id: p.years for p in index.items}
    assert {i for i in block if i.startswith("N")} == {i for i, y in years.items() if i.startswith("N") and y == (1980, 1980)}
    monkeypatch.setattr(engine, "NARROWED", -1)
    # Without the narrowing, only the wider second search (_wide_block) still finds it.
    assert "T1" in _ids(index, applicant)
    monkeypatch.setattr(engine, "WIDE_KEY", -1)
    assert "T1" not in _ids(index, applicant)


def test_an_applicant_without_father_or_year_compares_namesakes_by_service():
    """An applicant who gives only 'Ahmad' and a service claim: every 'Ahmad' is a possible
    record, so those whose unit and period fit the claim are compared, and the others not."""
    index = _common_name_index()
    applicant = ApplicantIn("A", "Ahmad", "", "", "interpreter", "NZ PRT", "Bamyan", "2009-01-01", "2011-06-30")
    a, = _prepare_applicants([applicant], None)
    block = {index.items[i].id for i in index._block(a)}
    assert "T1" in block and "T2" not in block
    for rid in block - {"T1"}:
        rec = index.items[next(i for i, p in enumerate(index.items) if p.id == rid)]
        assert rec.unit in (None, a.unit)
        assert rec.period[0] <= a.period[1] + engine.PERIOD_SLACK
    assert "T1" in _ids(index, applicant, limit=5)


def test_a_capped_name_brings_in_a_record_a_year_off_but_not_one_further():
    """'Ahmad' born 1980 with father Karim against a record 'Ahmad', no father, born 1981 (a
    year off, as people often give it): name x birth year cannot reach it, and neither can
    name x father; the capped name key does, when the service fits. A record three years off
    is left out."""
    near = RecordIn("Y1", "Ahmad", "", "1981", "Interpreter", "NZ PRT", "Bamyan", "2009-03-01", "2011-05-30")
    far = RecordIn("Y3", "Ahmad", "", "1983", "Interpreter", "NZ PRT", "Bamyan", "2009-03-01", "2011-05-30")
    index = _common_name_index(near, far)
    applicant = ApplicantIn("A", "Ahmad", "Karim", "1980", "interpreter", "NZ PRT", "Bamyan", "2009-01-01", "2011-06-30")
    a, = _prepare_applicants([applicant], None)
    block = {index.items[i].id for i in index._block(a)}
    assert "Y1" in block and "Y3" not in block



def test_father_and_year_keys_look_a_year_either_side_for_an_applicant(monkeypatch):
    """'Jawcd' (a slip) son of Abdul-Wahid, born 1979, against the record 'jawad' son of
    'abdul wahid', born 1980: the father x birth year x initial key meets only when the
    applicant's side looks a year either side; the index keeps one year per record."""
    record = RecordIn("T1", "jawad", "abdul wahid", "1980", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    applicant = ApplicantIn("A", "Jawcd", "Abdul-Wahid", "1979-01-22", "driver", "NZ PRT", "Bamyan", "2010-02-01", "")
    a, = _prepare_applicants([applicant], None)
    b = Index([record], lazy_params=True).items[0]
    assert not _blocking_keys(a) & _blocking_keys(b)
    assert {k for k in _blocking_keys(a, query=True) & _blocking_keys(b)} >= {"fy:abdulwahid:1980:j"}
    assert not {k for k in _blocking_keys(b) if ":1979" in k or ":1981" in k}
    index = Index([record] + filler(300))
    assert "T1" in _ids(index, applicant)
    # Two years off is not looked at.
    far = RecordIn("T2", "jawad", "abdul wahid", "1981", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    a_keys = _blocking_keys(a, query=True)
    assert not a_keys & _blocking_keys(Index([far], lazy_params=True).items[0])


def test_postings_built_by_group_are_each_records_keys_in_record_order():
    """Index builds its postings per group of records sharing a name (and years, father's
    name, extra fields); the result must be what posting every record's own keys gives."""
    from bench.matching.generate import generate

    records, _, _, _ = generate(3000, 10, seed=31)
    rng = random.Random(31)
    recs = []
    for r in records:
        extra = {}
        if rng.random() < 0.3:
            extra = {"grandfather_name": rng.choice(["Ghulam Haidar", "غلام حیدر", ""]),
                     "tazkira_number": rng.choice(["1234-5678", "9876", ""])}
        recs.append(RecordIn(**{k: v for k, v in r.items() if not k.startswith("_")}, **extra))
    index = Index(recs, lazy_params=True)
    expected: dict[str, list[int]] = {}
    for i, p in enumerate(index.items):
        for k in _blocking_keys(p):
            expected.setdefault(k, []).append(i)
    assert any(k.startswith("x:") for k in expected) and any(k.startswith("fy:") for k in expected)
    assert {k: list(v) for k, v in index.postings.items()} == expected


def test_name_frequencies_counted_per_distinct_name_are_per_record_shares():
    names = [name_feat(t) for t in ["Ahmad Karimi", "AHMAD  KARIMI", "Karimi, Ahmad", "Ahmad", "احمد کریمی",
                                    "Mohammad Ahmad", None, "Ahmad Karimi"]]
    tokens, bags, n = engine._token_freq(names)
    present = [nf for nf in names if nf is not None]
    assert n == len(present) == 7
    for t in {t for nf in present for t in nf.bag}:
        assert tokens[t] == sum(t in nf.bag for nf in present) / n
    for nf in present:
        assert bags[nf.bag] == sum(o.bag == nf.bag for o in present) / n
        assert bags[("#skel",) + nf.skel] == sum(o.skel == nf.skel for o in present) / n
