"""When the wider search (issue 13) is made for an applicant who does have a strong candidate:
when they spell a part of their name or father's name as no record does. The slip is then on
their side, so the keys built on it reach none of their records, and a strong candidate found
through the other keys says nothing of the person's other records."""

from resettle.matching import ApplicantIn, Index, RecordIn
from resettle.matching import engine
from resettle.matching.engine import _prepare_applicants

from test_blocking import filler

# 'Kardm' (a slip for Karim), father Abdulsamad, born 1952. One record of theirs gives the
# father's name and the year, so the father x year x initial keys find it and it is a strong
# candidate; another, written by another clerk, has neither, and shares no key with the slip.
APPLICANT = ApplicantIn("A", "Kardm", "Abdulsamad", "1952-07-28", "driver", "NZ PRT", "Bamyan", "2010-02-01", "2012-01-01")
STRONG = RecordIn("T0", "Karim", "Abdulsamad", "1952", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")
SLIPPED = RecordIn("T1", "Karem", "", "", "Driver", "NZ PRT", "Bamyan", "2010-01-01", "2012-01-01")


def _index(*records):
    return Index(list(records) + filler(300))


def _ids(index, applicant, limit=50):
    return [c.record_id for c in index.candidates(applicant, limit=limit)]


def test_an_applicant_spelling_a_name_as_no_record_does_is_searched_again_despite_a_strong_candidate(monkeypatch):
    index = _index(STRONG, SLIPPED)
    a, = _prepare_applicants([APPLICANT], None)
    t1 = next(i for i, p in enumerate(index.items) if p.id == "T1")
    assert t1 not in index._block(a)
    cands = index.candidates(APPLICANT)
    assert cands[0].record_id == "T0" and cands[0].probability >= engine.WIDE_BELOW
    assert index._spelt_as_no_record(a)
    assert "T1" in [c.record_id for c in cands]
    # Found by the wider search and explained like any candidate: the name weighed as a slip.
    cand = next(c for c in cands if c.record_id == "T1")
    assert any(c.field == "name" for c in cand.contributions)
    monkeypatch.setattr(index, "_spelt_as_no_record", lambda a: False)
    assert "T1" not in _ids(index, APPLICANT)


def test_a_name_spelt_as_a_record_spells_it_sends_no_one_with_a_strong_candidate_to_the_wider_search():
    """The same applicant spelling the name as the records do ('Karim') is not searched again:
    the keys built on the name reached what they could."""
    applicant = ApplicantIn("A", "Karim", "Abdulsamad", "1952-07-28", "driver", "NZ PRT", "Bamyan", "2010-02-01",
                            "2012-01-01")
    index = _index(STRONG, SLIPPED)
    a, = _prepare_applicants([applicant], None)
    assert not index._spelt_as_no_record(a)
    calls = []
    wide_block = index._wide_block
    index._wide_block = lambda a, done: calls.append(a.id) or wide_block(a, done)
    cands = index.candidates(applicant)
    assert cands[0].record_id == "T0" and cands[0].probability >= engine.WIDE_BELOW
    assert calls == []


def test_the_fathers_name_is_checked_against_the_records_fathers_names():
    index = _index(STRONG, SLIPPED)

    def spelt_as_no_record(name, father):
        a, = _prepare_applicants([ApplicantIn("A", name, father, "1952", "", "", "", "", "")], None)
        return index._spelt_as_no_record(a)

    assert not spelt_as_no_record("Karim", "Abdulsamad")
    assert not spelt_as_no_record("Karim", "")
    # A slip in the father's name, spelt by no record's father.
    assert spelt_as_no_record("Karim", "Abdulsamxd")
    # 'Karim' is a record's name here, but no record's father's name.
    assert spelt_as_no_record("Karim", "Karim")
    # 'Nabi' is the father's name of filler records.
    assert not spelt_as_no_record("Karim", "Nabi")
