import csv
import json

import pytest

from resettle.matching.cli import InputError, dedupe_file, match_files, run

R_HEADER = "record_id,full_name,father_name,birth_year,role,unit,location,start_date,end_date\n"
A_HEADER = "applicant_id,full_name,father_name,birth_date,claimed_role,claimed_unit,claimed_location,claimed_start,claimed_end\n"


def write(path, text):
    path.write_text(text, encoding="utf-8-sig")
    return path


@pytest.fixture
def files(tmp_path):
    filler = "".join(
        f"F{i},{n} {s},{f},{1960 + i % 30},Driver,US PRT,Kandahar,2008-01-01,\n"
        for i, (n, s, f) in enumerate(
            (n, s, f)
            for n in ("Karim", "Rahim", "Nasir", "Bashir", "Jawad", "Farid")
            for s in ("Karimi", "Sultani", "Azizi", "Amiri")
            for f in ("Nabi", "Wali", "Daud")
        )
    )
    r = write(
        tmp_path / "R.csv",
        R_HEADER
        + "R1,MOHD HUSAINI S/O GHOLAM,,1361,Terp,CRIB 5,Bamian,2009-03-01,2010-09-30\n"
        + "R2,\"Husaini, Muhammad\",Ghulam,1982,Interpreter,CRIB 7,Bamyan,2011-01-10,2012-04-01\n"
        + filler,
    )
    a = write(
        tmp_path / "A.csv",
        A_HEADER
        + "A1,محمد حسینی,غلام,۱۳۶۱/۰۵/۱۲,interpreter,NZ PRT,bamyan,2009-06-01,2012-03-01\n"
        + "A2,Muhammad Hussaini,Gholam,1982,Interpreter,Kiwi Base,Bamyan,2009-01-01,\n"
        + "A3,Hamid Rasuli,Yaqub,1970,Cook,,,,\n",
    )
    return r, a, tmp_path


def test_match_writes_the_contract(files):
    r, a, tmp = files
    n = match_files(r, a, tmp / "M.csv", quiet=True, workers=1)
    with open(tmp / "M.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0].keys()) == ["applicant_id", "record_id", "match_probability"]
    pairs = {(x["applicant_id"], x["record_id"]) for x in rows}
    assert n == len(rows)
    assert {("A1", "R1"), ("A1", "R2"), ("A2", "R1"), ("A2", "R2")} <= pairs
    assert not any(x["applicant_id"] == "A3" for x in rows)
    assert all(0 < float(x["match_probability"]) <= 1 for x in rows)


def test_explain_writes_the_reasons_beside_the_unchanged_contract(files):
    r, a, tmp = files
    match_files(r, a, tmp / "M.csv", quiet=True, workers=1)
    match_files(r, a, tmp / "M2.csv", quiet=True, workers=1, explain=tmp / "reasons.jsonl")
    assert (tmp / "M.csv").read_bytes() == (tmp / "M2.csv").read_bytes()  # the contract file is the same
    lines = [json.loads(x) for x in (tmp / "reasons.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(tmp / "M.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(x["applicant_id"], x["record_id"]) for x in lines] == [(x["applicant_id"], x["record_id"]) for x in rows]
    one = next(x for x in lines if (x["applicant_id"], x["record_id"]) == ("A1", "R2"))
    fields = {x["field"]: x for x in one["reasons"]}
    assert {"prior", "name", "father", "birth"} <= set(fields)
    assert "GHOLAM" in fields["father"]["text"] or "Ghulam" in fields["father"]["text"]
    bits = sum(x["bits"] for x in one["reasons"])
    assert 2 ** bits / (1 + 2 ** bits) == pytest.approx(one["match_probability"], abs=1e-3)
    assert one["conflict"] is True and one["conflicting_applicants"] == ["A2"]  # A2 claims the same records

    dedupe_file(a, tmp / "C.csv", quiet=True, workers=1, explain=tmp / "pairs.jsonl")
    pairs = [json.loads(x) for x in (tmp / "pairs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(p["applicant_id"], p["other_id"]) for p in pairs] == [("A1", "A2")]
    assert pairs[0]["cluster_id"] == "A1" and pairs[0]["joined"] is True and pairs[0]["reasons"]


def test_an_output_that_cannot_be_written_is_refused_before_any_work(files):
    r, a, tmp = files
    with pytest.raises(InputError, match="reasons.jsonl: cannot write file"):
        match_files(r, a, tmp / "M.csv", quiet=True, workers=1, explain=tmp / "missing" / "reasons.jsonl")
    assert not (tmp / "M.csv").exists()  # nothing half-written
    with pytest.raises(InputError, match="C.csv: cannot write file"):
        dedupe_file(a, tmp / "missing" / "C.csv", quiet=True, workers=1)


def test_a_higher_threshold_keeps_fewer_pairs(files):
    r, a, tmp = files
    low = match_files(r, a, tmp / "lo.csv", threshold=0.05, quiet=True, workers=1)
    high = match_files(r, a, tmp / "hi.csv", threshold=0.999999, quiet=True, workers=1)
    assert high <= low


def test_dedupe_writes_every_row(files):
    _, a, tmp = files
    dedupe_file(a, tmp / "C.csv", quiet=True, workers=1)
    with open(tmp / "C.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [x["applicant_id"] for x in rows] == ["A1", "A2", "A3"]
    cl = {x["applicant_id"]: x["cluster_id"] for x in rows}
    assert cl["A1"] == cl["A2"] != cl["A3"]


def test_missing_column_is_named(files, tmp_path):
    r, _, tmp = files
    bad = write(tmp_path / "bad.csv", "applicant_id,full_name\nA1,Ali\n")
    with pytest.raises(InputError, match=r"bad.csv, row 1 \(header\): missing column\(s\) father_name"):
        match_files(r, bad, tmp / "M.csv", quiet=True)


def test_bad_date_names_file_row_and_column(files, tmp_path):
    r, _, tmp = files
    bad = write(tmp_path / "bad.csv", A_HEADER + "A1,Ali,,1982,,,,,\nA2,Reza,,1361-13-01,,,,,\n")
    with pytest.raises(InputError, match=r"bad.csv, row 3, column birth_date: .*month 13 is not a month"):
        match_files(r, bad, tmp / "M.csv", quiet=True, workers=1)


def test_duplicate_and_empty_ids(files, tmp_path):
    r, _, tmp = files
    dup = write(tmp_path / "dup.csv", A_HEADER + "A1,Ali,,,,,,,\nA1,Reza,,,,,,,\n")
    with pytest.raises(InputError, match="row 3, column applicant_id: id 'A1' already used on row 2"):
        match_files(r, dup, tmp / "M.csv", quiet=True)
    empty = write(tmp_path / "empty.csv", A_HEADER + ",Ali,,,,,,,\n")
    with pytest.raises(InputError, match="row 2, column applicant_id: empty id"):
        dedupe_file(empty, tmp / "C.csv", quiet=True)


def test_rows_are_read_as_a_spreadsheet_writes_them(tmp_path):
    """Columns in any order, a blank line, a short row and a stray column; a row with more
    values than the header is refused with its number (blank lines are not counted)."""
    from resettle.matching.cli import read_applicants

    header = "note,claimed_end,applicant_id,full_name,father_name,birth_date,claimed_role,claimed_unit," \
             "claimed_location,claimed_start\n"
    ok = write(tmp_path / "ok.csv", header + "x, 2012-03-01 ,A1, Ali Ahmadi ,Wali,1982,,,,\n\n,,A2,Reza\n")
    a1, a2 = read_applicants(ok)
    assert (a1.applicant_id, a1.full_name, a1.claimed_end, a1.father_name) == ("A1", "Ali Ahmadi", "2012-03-01", "Wali")
    assert (a2.applicant_id, a2.full_name, a2.father_name, a2.claimed_end) == ("A2", "Reza", "", "")
    assert read_applicants(ok).rows == {"A1": 2, "A2": 3}
    long = write(tmp_path / "long.csv", header + ",,A1,Ali,,,,,,\n\n,,A2,Reza,,,,,,,extra\n")
    with pytest.raises(InputError, match=r"long.csv, row 3: more values than columns in the header"):
        read_applicants(long)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="cannot read file"):
        dedupe_file(tmp_path / "nope.csv", tmp_path / "C.csv", quiet=True)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(A_HEADER.encode() + "A1,Jos\xe9,,,,,,,\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        dedupe_file(latin1, tmp_path / "C.csv", quiet=True)


def test_run_returns_non_zero_and_prints_the_error(files, tmp_path, capsys):
    r, _, tmp = files
    code = run(["match", "--records", str(r), "--applicants", str(tmp_path / "missing.csv"), "--out", str(tmp / "M.csv")])
    assert code == 2
    assert "missing.csv: cannot read file" in capsys.readouterr().err
