"""grandfather_name and tazkira_number: optional in either CSV, used and explained when both
files have them, and nothing changes when one file or both lack them."""

import csv
import json

from resettle.matching.cli import match_files

RECORDS = [
    # Two namesakes with the same father and birth year: only the grandfather and the tazkira
    # tell them apart.
    {"record_id": "r1", "full_name": "AHMAD KARIMI", "father_name": "GHULAM", "birth_year": "1359",
     "grandfather_name": "Gholam Haidar", "tazkira_number": "۱۲۳۴-۵۶۷۸"},
    {"record_id": "r2", "full_name": "Ahmad Karimi", "father_name": "Ghulam", "birth_year": "1980",
     "grandfather_name": "Mohammad Nabi", "tazkira_number": "9876-5432"},
] + [{"record_id": f"x{i}", "full_name": f"{n} {s}", "father_name": f, "birth_year": str(1960 + i % 30)}
     for i, (n, s, f) in enumerate((n, s, f) for n in ("Qasim", "Wahid", "Farid", "Nazir", "Yusuf", "Rahim")
                                   for s in ("Rezai", "Jafari", "Nasiri", "Sultani", "Amiri")
                                   for f in ("Hamid", "Rasul"))]
APPLICANTS = [{"applicant_id": "a1", "full_name": "احمد کریمی", "father_name": "غلام", "birth_date": "1980",
               "grandfather_name": "غلام حیدر", "tazkira_number": "1234 5678"}]

BASE_R = ["record_id", "full_name", "father_name", "birth_year", "role", "unit", "location", "start_date", "end_date"]
BASE_A = ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role", "claimed_unit", "claimed_location",
          "claimed_start", "claimed_end"]
OPTIONAL = ["grandfather_name", "tazkira_number"]


def _write(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


def _run(tmp_path, r_cols, a_cols, tag):
    R = _write(tmp_path / f"R{tag}.csv", RECORDS, r_cols)
    A = _write(tmp_path / f"A{tag}.csv", APPLICANTS, a_cols)
    out, explain = tmp_path / f"M{tag}.csv", tmp_path / f"E{tag}.jsonl"
    match_files(R, A, out, 0.01, quiet=True, workers=1, explain=explain)
    with open(out, encoding="utf-8") as fh:
        pairs = {r["record_id"]: float(r["match_probability"]) for r in csv.DictReader(fh)}
    with open(explain, encoding="utf-8") as fh:
        reasons = {row["record_id"]: row["reasons"] for row in map(json.loads, fh)}
    return pairs, reasons


def test_used_and_explained_when_both_files_have_them(tmp_path):
    without, _ = _run(tmp_path, BASE_R, BASE_A, "0")
    with_ids, reasons = _run(tmp_path, BASE_R + OPTIONAL, BASE_A + OPTIONAL, "1")
    # Without them the namesakes are one hypothesis each; with them r1 is the applicant.
    assert with_ids["r1"] > 0.99 and with_ids.get("r2", 0) < 0.05
    assert without.get("r2", 0) > with_ids.get("r2", 0)
    by_field = {x["field"]: x for x in reasons["r1"]}
    assert by_field["grandfather_name"]["level"] == "exact" and by_field["grandfather_name"]["bits"] > 0
    assert "ghulam haidar" in by_field["grandfather_name"]["text"]  # Dari and Latin met
    assert by_field["tazkira_number"]["level"] == "exact" and "same digits" in by_field["tazkira_number"]["text"]


def test_nothing_changes_when_only_one_file_has_them(tmp_path):
    base, base_reasons = _run(tmp_path, BASE_R, BASE_A, "0")
    for tag, r_cols, a_cols in (("r", BASE_R + OPTIONAL, BASE_A), ("a", BASE_R, BASE_A + OPTIONAL)):
        pairs, reasons = _run(tmp_path, r_cols, a_cols, tag)
        assert pairs.keys() == base.keys()
        assert all(abs(pairs[k] - base[k]) < 1e-6 for k in base)
        for k in base:
            used = [x for x in reasons[k] if x["field"] in OPTIONAL]
            assert all(x["level"] == "missing" and x["bits"] == 0 for x in used)
