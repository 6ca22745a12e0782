"""The second, wider search (issue 13): an applicant whose first search finds no strong
candidate is looked for again among names one letter away and keys over their caps, narrowed
by birth year, unit and period; applicants with a strong candidate, and de-duplication, are not."""

from resettle.matching import ApplicantIn, Index, RecordIn
from resettle.matching import engine
from resettle.matching.engine import _prepare_applicants

from test_blocking import _common_name_index, filler


def _ids(index, applicant, limit=50):
    return [c.record_id for c in index.candidates(applicant, limit=limit)]


# 'Kardm' (one letter wrong in a one-part name), born 1952, father given; the record 'Karem'
# has neither father nor birth year: no token, skeleton, slip or year key is shared.
APPLICANT = ApplicantIn("A", "Kardm", "Abdulsamad", "1952-07-28", "driver", "NZ PRT", "Bamyan", "2010-02-01", "2012-01-01")
SLIPPED = RecordIn("T1", "Karem", "", "", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")


def test_a_slipped_one_part_name_without_father_or_year_is_found_by_the_wider_search(monkeypatch):
    index = Index([SLIPPED] + filler(300))
    a, = _prepare_applicants([APPLICANT], None)
    t1 = next(i for i, p in enumerate(index.items) if p.id == "T1")
    assert t1 not in index._block(a)
    assert "t:karim" in index._near_keys(a)
    assert "T1" in _ids(index, APPLICANT)
    # Its explanation is a candidate's like any other: the name weighed as a slip.
    cand = next(c for c in index.candidates(APPLICANT) if c.record_id == "T1")
    assert any(c.field == "name" for c in cand.contributions)
    monkeypatch.setattr(index, "_near_keys", lambda a: set())
    assert "T1" not in _ids(index, APPLICANT)


def test_the_wider_search_needs_a_birth_year_or_unit_that_agrees():
    """A one-letter neighbour of the name is otherwise just another name: a 'Karem' in another
    unit with no birth year is not brought in, nor one born twenty years apart."""
    elsewhere = RecordIn("T2", "Karem", "", "", "Driver", "US PRT", "Bamyan", "2010-01-01", "2012-01-01")
    older = RecordIn("T3", "Karem", "", "1932", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    ids = _ids(Index([elsewhere, older] + filler(300)), APPLICANT)
    assert "T2" not in ids and "T3" not in ids


def test_an_applicant_with_a_strong_candidate_is_not_searched_again():
    own = RecordIn("T0", "Kardm", "Abdulsamad", "1952", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    index = Index([own, SLIPPED] + filler(300))
    cands = index.candidates(APPLICANT)
    assert cands[0].record_id == "T0" and cands[0].probability >= engine.WIDE_BELOW
    assert "T1" not in [c.record_id for c in cands]


def test_de_duplication_does_not_search_widely():
    """A record compared with the other records (exclude_id, de-duplication) is not an
    applicant: the wider search is made only when asked for (an applicant's candidates)."""
    index = Index([SLIPPED] + filler(300))
    a, = _prepare_applicants([APPLICANT], None)
    t1 = next(i for i, p in enumerate(index.items) if p.id == "T1")
    assert t1 in [i for _, i, _, _ in index.score_prepared(a, wide=True)]
    assert t1 not in [i for _, i, _, _ in index.score_prepared(a, exclude_id="none")]
    assert t1 not in [i for _, i, _, _ in index.score_prepared(a)]


def test_keys_over_their_caps_are_looked_into_again_without_assuming_a_narrower_key_reached():
    """The second search looks into a key over its cap (the name 'Ahmad', 300 records) with
    the narrowing by birth year and service alone, whatever the applicant's narrower keys
    could reach: a slip elsewhere may have cost those."""
    index = _common_name_index()
    applicant = ApplicantIn("A", "Ahmad", "Karim", "", "interpreter", "NZ PRT", "Bamyan", "2009-01-01", "2011-06-30")
    a, = _prepare_applicants([applicant], None)
    wide = {index.items[i].id for i in index._wide_block(a, set())}
    # Only records whose unit and period fit the claim come in.
    assert "T1" in wide and "T2" not in wide
    for rid in wide:
        rec = next(p for p in index.items if p.id == rid)
        assert rec.unit in (None, a.unit)


def test_a_slip_in_a_short_part_is_found_by_the_whole_names_skeleton_one_letter_away(monkeypatch):
    """'Hasan Ashmi' for 'Hasan Hashimi': the slipped part's skeleton (a$m / h$m) is too short
    for a neighbourhood of its own and its spelling is two letters away, so no key is shared;
    the whole name's skeleton is one letter away, and the common part keeps that specific. (No
    birth year: with one, the leading given name and the year (gy keys) find it first.)"""
    applicant = ApplicantIn("A", "حسن عاشمی", "", "", "driver", "NZ PRT", "Bamyan", "2010-02-01", "2012-01-01")
    record = RecordIn("T1", "Hasan Hashimi", "", "", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
    index = Index([record] + filler(300))
    a, = _prepare_applicants([applicant], None)
    t1 = next(i for i, p in enumerate(index.items) if p.id == "T1")
    assert t1 not in index._block(a)
    assert "sk:" + "_".join(index.items[t1].name.skel) in index._near_keys(a)
    cand = next(c for c in index.candidates(applicant) if c.record_id == "T1")
    assert any(c.field == "name" for c in cand.contributions)
    monkeypatch.setattr(index, "_near_whole_table", lambda: {})
    assert "T1" not in _ids(index, applicant)


def test_the_small_keys_tested_at_once_keep_what_fits_keeps():
    """_wide_block tests its small keys in one call (_fit_keys); that must keep exactly the
    records _fits keeps, key by key, with and without the tie, whichever fields are missing."""
    import numpy as np

    index = _common_name_index()
    rng = np.random.default_rng(3)
    arr = rng.integers(0, len(index.items), 400).astype(np.int64)
    claims = [
        ApplicantIn("A", "Ahmad", "Karim", "1980", "interpreter", "NZ PRT", "Bamyan", "2009-01-01", "2011-06-30"),
        ApplicantIn("B", "Ahmad", "", "", "interpreter", "NZ PRT", "Bamyan", "", ""),
        ApplicantIn("C", "Ahmad", "", "1975", "", "", "", "2012-01-01", "2013-01-01"),
        ApplicantIn("D", "Ahmad", "", "", "", "", "", "", ""),
    ]
    keys = sorted(k for k, post in index.postings.items() if len(post) <= engine.WIDE_KEY)[:60]
    found = [(len(index.postings[k]), k, i % 2 == 1) for i, k in enumerate(keys)]
    for a in _prepare_applicants(claims, None):
        at_once = index._fit_keys(a, found)
        for (_, k, tie), kept in zip(found, at_once):
            post = np.frombuffer(index.postings[k], dtype=np.int32)
            assert kept.tolist() == index._fits(a, post, tie).tolist()
        # And the rules themselves, on records drawn at random: a contradicting unit, a birth
        # year two or more apart, or a period apart is dropped; with the tie, unit or year agrees.
        for tie in (False, True):
            for i in index._fits(a, arr, tie).tolist():
                p = index.items[i]
                assert a.unit is None or p.unit in (None, a.unit)
                assert a.years is None or p.years is None or (p.years[0] <= a.years[1] + 1
                                                              and p.years[1] >= a.years[0] - 1)
                if tie:
                    assert (a.unit is not None and p.unit == a.unit) or (
                        a.years is not None and p.years is not None)
