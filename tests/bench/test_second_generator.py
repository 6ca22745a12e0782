"""The independent second generator: contract, determinism, truth, and every pattern it promises."""

import csv
import re
from collections import Counter, defaultdict

import jdatetime
import pytest

from bench.matching.second_generator import generate as gen_mod
from bench.matching.second_generator.generate import (
    APPLICANT_COLUMNS,
    RECORD_COLUMNS,
    generate,
    generate_annotated,
    write,
)

N_REC, N_APP, SEED = 2000, 200, 11
ARABIC = re.compile("[\u0600-\u06ff]")
CONNECTOR = re.compile(r"(?i)(?:^|\s)(s/o|s\.o\.|son of|bin|ibn|walad-e|wald|ولد|فرزند|بن)\s")
TITLE = re.compile(r"(?i)(?:^|[\s,])(haji|hajji|hadji|alhaj|al-haj|sayed|syed|sayyid|seyed|sayid|sayyed|mullah|mulla|"
                   r"molla|mula|mawlawi|maulawi|maulvi|molvi|mawlavi|qari|kari|qaari|eng\.?|engr\.|engineer|dr\.?|"
                   r"doctor|agha|aga|aqa|khan|khaan|حاجی|سید|ملا|مولوی|قاری|انجنیر|داکتر|آغا)(?=\s|$)")
MOHAMMAD = re.compile(r"(?i)\b(m[ou]h?a?m+[ae]d|mohmmad|mohd\.?|md\.|muhd|m\.)(?=\s|$)|محمد")


@pytest.fixture(scope="module")
def run():
    return generate_annotated(N_REC, N_APP, SEED)


@pytest.fixture(scope="module")
def pairs(run):
    records, applicants, links, _, _ = run
    r = {x["record_id"]: x for x in records}
    a = {x["applicant_id"]: x for x in applicants}
    return [(a[aid], r[rid]) for aid, rid in sorted(links)]


def test_columns_are_exactly_the_contract(run, tmp_path):
    records, applicants, links, person_of, _ = run
    assert RECORD_COLUMNS == ["record_id", "full_name", "father_name", "birth_year", "role", "unit",
                              "location", "start_date", "end_date"]
    assert APPLICANT_COLUMNS == ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role",
                                 "claimed_unit", "claimed_location", "claimed_start", "claimed_end"]
    assert len(records) == N_REC and len(applicants) == N_APP
    assert all(list(r) == RECORD_COLUMNS for r in records)
    assert all(list(a) == APPLICANT_COLUMNS for a in applicants)
    assert all(isinstance(v, str) for r in records for v in r.values())
    assert all(isinstance(v, str) for a in applicants for v in a.values())
    write(str(tmp_path), records, applicants, links, person_of)
    headers = {
        "records.csv": RECORD_COLUMNS,
        "applicants.csv": APPLICANT_COLUMNS,
        "truth_links.csv": ["applicant_id", "record_id"],
        "truth_persons.csv": ["applicant_id", "person_id"],
    }
    for name, cols in headers.items():
        with open(tmp_path / name, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == cols
    with open(tmp_path / "records.csv", encoding="utf-8", newline="") as f:
        back = list(csv.DictReader(f))
    assert back == records  # commas, quotes and Dari script survive the CSV round trip


def test_deterministic_per_seed():
    a = generate(500, 60, 3)
    b = generate(500, 60, 3)
    c = generate(500, 60, 4)
    assert a == b
    assert a[0] != c[0]


def test_ids_unique_and_truth_ids_exist(run):
    records, applicants, links, person_of, _ = run
    rids = [r["record_id"] for r in records]
    aids = [a["applicant_id"] for a in applicants]
    assert len(set(rids)) == len(rids) and len(set(aids)) == len(aids)
    assert all(rid for rid in rids) and all(aid for aid in aids)
    rset, aset = set(rids), set(aids)
    assert links and all(a in aset and r in rset for a, r in links)
    assert set(person_of) == aset
    # applications of one person link to the same records; different persons never share a record
    recs_of_person = defaultdict(set)
    owner = {}
    for a, r in links:
        recs_of_person[person_of[a]].add(r)
        assert owner.setdefault(r, person_of[a]) == person_of[a]
    by_app = defaultdict(set)
    for a, r in links:
        by_app[a].add(r)
    for a in aids:
        if by_app.get(a):
            assert by_app[a] == recs_of_person[person_of[a]]


def test_share_of_applicants_with_a_record(run):
    _, applicants, links, _, _ = run
    linked = {a for a, _ in links}
    share = len(linked) / len(applicants)
    assert 0.6 <= share <= 0.8
    assert len(linked) < len(applicants)  # applicants with no record exist


def test_field_formats(run):
    records, applicants, _, _, _ = run
    iso = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    seen = Counter()
    for r in records:
        y = r["birth_year"]
        assert y == "" or (y.isdigit() and (1300 <= int(y) <= 1385 or 1940 <= int(y) <= 2005)), y
        seen["sh" if y and int(y) < 1500 else "greg" if y else "empty"] += 1
        for k in ("start_date", "end_date"):
            if r[k]:
                assert iso.match(r[k])
                jdatetime.date.fromgregorian(date=__import__("datetime").date.fromisoformat(r[k]))
    assert seen["sh"] and seen["greg"] and seen["empty"]
    kinds = Counter()
    for a in applicants:
        b = a["birth_date"]
        if not b:
            kinds["empty"] += 1
        elif re.match(r"^\d{4}$", b):
            kinds["year"] += 1
        else:
            assert iso.match(b), b
            y, m, d = map(int, b.split("-"))
            if y < 1500:
                jdatetime.date(y, m, d)  # a valid Solar Hijri date
                kinds["sh_date"] += 1
            else:
                __import__("datetime").date(y, m, d)
                kinds["greg_date"] += 1
        for k in ("claimed_start", "claimed_end"):
            assert a[k] == "" or iso.match(a[k])
    assert all(kinds[k] for k in ("empty", "year", "sh_date", "greg_date")), kinds


def test_name_tables_are_big_skewed_and_carry_perso_arabic():
    given = gen_mod.MALE.entries + gen_mod.FEMALE.entries + gen_mod.ABDUL.entries \
        + gen_mod.ULLAH.entries + gen_mod.UDDIN.entries
    assert len(given) >= 200
    assert len(gen_mod.FAMILY.entries) >= 100
    for e in given + gen_mod.FAMILY.entries:
        assert ARABIC.search(e[1]) and not re.search("[A-Za-z]", e[1]), e
        assert e[2] and all(re.match(r"^[A-Za-z][A-Za-z .'-]*$", v) for v in e[2]), e
    records = generate(3000, 10, 5)[0]
    words = Counter(w for r in records if not ARABIC.search(r["full_name"])
                    for w in re.findall(r"[a-z]+", r["full_name"].lower()))
    top = words.most_common()
    assert top[0][1] > 20 * top[len(top) // 2][1]  # a few names are very common, most are rare


def test_several_contracts_and_applied_twice(run):
    _, applicants, links, person_of, notes = run
    per_app = Counter(a for a, _ in links)
    assert max(per_app.values()) >= 2  # someone had several contracts (several records)
    names = {a["applicant_id"]: a["full_name"] for a in applicants}
    apps = defaultdict(list)
    for aid, pid in person_of.items():
        apps[pid].append(aid)
    twice = [v for v in apps.values() if len(v) > 1]
    assert twice
    assert any(len({names[a] for a in v}) > 1 for v in twice)  # with different spellings
    assert notes["applied_twice"]


def test_father_only_inside_the_record_name(pairs, run):
    hits = [r for a, r in pairs if CONNECTOR.search(r["full_name"]) and r["father_name"] == ""]
    assert hits
    assert any(a["applicant_id"] in run[4]["father_in_name"] for a, r in pairs
               if CONNECTOR.search(r["full_name"]) and r["father_name"] == "")


def test_titles_on_one_side_only(pairs):
    def has(x):
        return bool(TITLE.search(x["full_name"]))
    assert any(has(a) != has(r) for a, r in pairs)


def test_compound_names_written_apart_and_together(pairs):
    apart = re.compile(r"(?i)\babd(ul|ur|us|un|uz|ush|ut|ud)[ -][a-z]|\b[a-z]+[ -]ull?ah?\b|\b[a-z]+ (uddin|ud din)\b")
    joined = re.compile(r"(?i)\babd(ul|ur|us|un|uz|ush|ut|ud|ol)[a-z]{3,}|[a-z]{2,}(ullah|ulla|ollah)\b|[a-z]{2,}uddin\b")
    assert any((apart.search(a["full_name"]) and joined.search(r["full_name"]) and not apart.search(r["full_name"]))
               or (apart.search(r["full_name"]) and joined.search(a["full_name"]) and not apart.search(a["full_name"]))
               for a, r in pairs)


def test_script_on_one_side_latin_on_the_other_without_birth(pairs):
    assert any(bool(ARABIC.search(a["full_name"])) != bool(ARABIC.search(r["full_name"]))
               and a["birth_date"] == "" and r["birth_year"] == "" for a, r in pairs)


def test_solar_hijri_against_gregorian(pairs):
    def sh(v):
        return bool(v) and int(v[:4]) < 1500

    def greg(v):
        return bool(v) and int(v[:4]) > 1900
    assert any((sh(r["birth_year"]) and greg(a["birth_date"])) or (greg(r["birth_year"]) and sh(a["birth_date"]))
               for a, r in pairs)


def test_given_names_only_against_family_name_and_reverse(pairs, run):
    notes = run[4]
    by_app = defaultdict(list)
    for a, r in pairs:
        by_app[a["applicant_id"]].append((a, r))

    def words(s):
        s = CONNECTOR.split(s)[0] if CONNECTOR.search(s) else s
        return len(s.replace(",", " ").split())
    assert notes["given_only"] and notes["family_only_applicant"]
    assert any(words(a["full_name"]) < words(r["full_name"])
               for aid in notes["given_only"] for a, r in by_app[aid])
    assert any(words(a["full_name"]) > words(r["full_name"])
               for aid in notes["family_only_applicant"] for a, r in by_app[aid])


def test_father_name_as_surname_and_mohammad_dropped_or_shortened(pairs, run):
    notes = run[4]
    assert notes["father_as_surname"]
    assert any("," in r["full_name"] for a, r in pairs if a["applicant_id"] in notes["father_as_surname"])
    assert any(bool(MOHAMMAD.search(a["full_name"])) != bool(MOHAMMAD.search(r["full_name"])) for a, r in pairs)
    records = run[0]
    assert any(re.search(r"(?i)\b(mohd|md\.|muhd)", r["full_name"]) for r in records)


def test_typos_and_missing_fields(pairs, run):
    records, applicants, _, _, notes = run
    assert notes["typo"] and notes["missing_fields"]
    for col in ("father_name", "birth_year", "unit", "location", "start_date", "end_date"):
        assert any(r[col] == "" for r in records), col
    for col in ("father_name", "birth_date", "claimed_unit", "claimed_location", "claimed_start", "claimed_end"):
        assert any(a[col] == "" for a in applicants), col
    # a true pair whose names differ by a small edit exists (typos, spelling variants)
    assert any(a["full_name"].lower() != r["full_name"].lower() for a, r in pairs)


def test_namesakes_and_brothers(run):
    records, applicants, links, person_of, notes = run
    linked = {a for a, _ in links}
    assert notes["namesake_no_record"] and notes["brother_no_record"]
    assert not (set(notes["namesake_no_record"]) & linked)
    assert not (set(notes["brother_no_record"]) & linked)
    assert notes["brothers_on_payroll"]
    # the same written name on records of different people: common names are very common
    recs = generate_annotated(20000, 50, 2)[0]
    counts = Counter(r["full_name"].lower() for r in recs)
    assert counts.most_common(1)[0][1] >= 5


def test_every_scenario_occurs(run):
    notes = run[4]
    for name in gen_mod.SCENARIOS:
        assert notes[name], name


def test_cli_writes_four_files_and_is_stable_across_processes(tmp_path):
    import hashlib
    import os
    import subprocess
    import sys
    digests = []
    for hs in ("1", "2"):
        out = tmp_path / hs
        env = dict(os.environ, PYTHONHASHSEED=hs)
        res = subprocess.run([sys.executable, "-m", "bench.matching.second_generator.generate", "--records", "800",
                              "--applicants", "80", "--seed", "9", "--out", str(out)],
                             capture_output=True, text=True, env=env, check=True,
                             cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        lines = res.stdout.strip().splitlines()
        assert len(lines) == 1 and "800 records" in lines[0] and "80 applicants" in lines[0]
        names = ["records.csv", "applicants.csv", "truth_links.csv", "truth_persons.csv"]
        digests.append([hashlib.sha256((out / n).read_bytes()).hexdigest() for n in names])
    assert digests[0] == digests[1]
