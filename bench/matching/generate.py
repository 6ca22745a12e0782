"""Seeded synthetic HR records and applications with the difficulties of the real data.

Independent of resettle/names on purpose: names are drawn from this file's own lists (a base
romanisation and the Dari spelling of each name) and spelled by simulated clerks, each with fixed
habits: all caps, "s/o" in the name column, "Surname, Given" order, Dari script, Solar Hijri
years, romanisation preferences (o/u, e/i/ee, q/k/gh, v/w, single or double consonants), typos
and missing fields. On top: namesakes (names follow a Zipf-like distribution), brothers sharing
a father's name, relatives claiming a relative's service, applicants with no record, and people
who applied twice with different spellings.

Not the demo data (resettle/demo); this exists only to measure the matcher.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

import jdatetime

# (base romanisation, Dari). Many are also in the matcher's variant table, many are not.
GIVEN = [
    ("muhammad", "محمد"), ("ahmad", "احمد"), ("ali", "علی"), ("husain", "حسین"), ("hasan", "حسن"),
    ("qasim", "قاسم"), ("wahid", "وحید"), ("habibullah", "حبیب‌الله"), ("zahir", "ظاهر"), ("farid", "فرید"),
    ("nazir", "نذیر"), ("yusuf", "یوسف"), ("rahim", "رحیم"), ("karim", "کریم"), ("nasir", "ناصر"),
    ("bashir", "بشیر"), ("jawad", "جواد"), ("riza", "رضا"), ("mahdi", "مهدی"), ("ibrahim", "ابراهیم"),
    ("ismail", "اسماعیل"), ("mustafa", "مصطفی"), ("mahmud", "محمود"), ("sharif", "شریف"), ("amin", "امین"),
    ("umar", "عمر"), ("khalil", "خلیل"), ("jalil", "جلیل"), ("jamil", "جمیل"), ("hamid", "حمید"),
    ("rasul", "رسول"), ("musa", "موسی"), ("isa", "عیسی"), ("yaqub", "یعقوب"), ("najib", "نجیب"),
    ("naim", "نعیم"), ("zabihullah", "ذبیح‌الله"), ("rahmatullah", "رحمت‌الله"), ("haidar", "حیدر"),
    ("sakhi", "سخی"), ("akbar", "اکبر"), ("asghar", "اصغر"), ("anwar", "انور"), ("nabi", "نبی"),
    ("wali", "ولی"), ("daud", "داود"), ("sultan", "سلطان"), ("aziz", "عزیز"), ("abdullah", "عبدالله"),
    ("shakib", "شکیب"), ("mansur", "منصور"), ("qudratullah", "قدرت‌الله"), ("farhad", "فرهاد"),
    ("nasrullah", "نصرالله"), ("sadiq", "صادق"), ("tahir", "طاهر"), ("munir", "منیر"), ("rashid", "رشید"),
    ("sabir", "صابر"), ("hakim", "حکیم"), ("hafizullah", "حفیظ‌الله"), ("ziauddin", "ضیاالدین"),
    ("nurullah", "نورالله"), ("samiullah", "سمیع‌الله"), ("ishaq", "اسحاق"), ("murtaza", "مرتضی"),
    ("mujtaba", "مجتبی"), ("hadi", "هادی"), ("baqir", "باقر"), ("kazim", "کاظم"), ("taqi", "تقی"),
    ("jafar", "جعفر"), ("sarwar", "سرور"), ("nadir", "نادر"), ("qadir", "قادر"), ("shafiq", "شفیق"),
    ("rafiq", "رفیق"), ("tawfiq", "توفیق"), ("wakil", "وکیل"), ("zaki", "زکی"), ("ilyas", "الیاس"),
]
ABDUL_SECOND = [("rahman", "رحمن"), ("rahim", "رحیم"), ("karim", "کریم"), ("hamid", "حمید"),
                ("aziz", "عزیز"), ("latif", "لطیف"), ("ghafur", "غفور"), ("qadir", "قادر"),
                ("wahid", "واحد"), ("jalil", "جلیل"), ("samad", "صمد"), ("basir", "بصیر")]
PREFIX = [("muhammad", "محمد"), ("ghulam", "غلام"), ("sayyid", "سید"), ("mir", "میر")]
SUFFIX = [("jan", "جان"), ("gul", "گل"), ("khan", "خان")]
SURNAMES = [
    ("husaini", "حسینی"), ("rizai", "رضایی"), ("karimi", "کریمی"), ("ahmadi", "احمدی"), ("muhammadi", "محمدی"),
    ("jafari", "جعفری"), ("rahimi", "رحیمی"), ("nasiri", "ناصری"), ("yusufi", "یوسفی"), ("bamyani", "بامیانی"),
    ("sultani", "سلطانی"), ("akbari", "اکبری"), ("haidari", "حیدری"), ("sakhizada", "سخی‌زاده"),
    ("qasimi", "قاسمی"), ("amiri", "امیری"), ("azizi", "عزیزی"), ("hakimi", "حکیمی"), ("sharifi", "شریفی"),
    ("rasuli", "رسولی"), ("wahidi", "وحیدی"), ("farhadi", "فرهادی"), ("mansuri", "منصوری"), ("naimi", "نعیمی"),
    ("alizada", "علیزاده"), ("hasanzada", "حسن‌زاده"), ("danish", "دانش"), ("sadiqi", "صادقی"),
    ("tahiri", "طاهری"), ("rashidi", "رشیدی"), ("sabiri", "صابری"), ("jawadi", "جوادی"), ("musawi", "موسوی"),
    ("hashimi", "هاشمی"), ("mirzai", "میرزایی"), ("nazari", "نظری"), ("ghulami", "غلامی"), ("sarwari", "سروری"),
    ("kazimi", "کاظمی"), ("baqiri", "باقری"), ("shafiqi", "شفیقی"), ("wakili", "وکیلی"), ("nadiri", "نادری"),
    ("ilyasi", "الیاسی"), ("muradi", "مرادی"), ("yaqubi", "یعقوبی"), ("sharifzada", "شریف‌زاده"),
    ("rahmani", "رحمانی"), ("ibrahimi", "ابراهیمی"), ("mustafawi", "مصطفوی"),
]

# Units as clerks and applicants write them, by canonical unit (vocabulary in /tmp/brief/vocab.md).
UNIT_TEXT = {
    "nz_prt_bamyan": ["NZ PRT", "PRT Bamyan", "NZPRT Bamiyan", "Kiwi Base", "Task Force Bamyan"]
    + [f"CRIB {i}" for i in range(1, 21)],
    "nz_police_bamyan": ["NZ Police Bamyan", "NZ Police"],
    "nzsas_kabul": ["Task Force 81", "NZSAS"],
    "us_prt": ["US PRT"],
    "uk_task_force_helmand": ["Task Force Helmand", "UK TFH"],
    "isaf_hq_kabul": ["ISAF HQ", "HQ ISAF"],
}
UNIT_WEIGHTS = {"nz_prt_bamyan": 55, "nz_police_bamyan": 5, "nzsas_kabul": 3, "us_prt": 15,
                "uk_task_force_helmand": 12, "isaf_hq_kabul": 10}
UNIT_LOCATION = {"nz_prt_bamyan": ["Bamyan", "Bamiyan", "Yakawlang", "Kahmard", "Shibar", "Panjab"],
                 "nz_police_bamyan": ["Bamyan", "Bamian"], "nzsas_kabul": ["Kabul"], "us_prt": ["Kandahar", "Mazar-e-Sharif"],
                 "uk_task_force_helmand": ["Helmand", "Lashkar Gah"], "isaf_hq_kabul": ["Kabul"]}
ROLE_TEXT = {"interpreter": ["Interpreter", "Terp", "Linguist", "Language Assistant", "ترجمان"],
             "guard": ["Guard", "Security Guard"], "driver": ["Driver"], "labourer": ["Labourer", "Worker"],
             "cook": ["Cook"], "cleaner": ["Cleaner"], "engineer": ["Engineer"], "mechanic": ["Mechanic"],
             "administrator": ["Admin", "Administrator"], "cultural_adviser": ["Cultural Adviser"]}
ROLE_WEIGHTS = {"interpreter": 25, "guard": 20, "driver": 15, "labourer": 15, "cook": 5, "cleaner": 5,
                "engineer": 5, "mechanic": 4, "administrator": 4, "cultural_adviser": 2}


@dataclass
class Person:
    pid: int
    given: list[tuple[str, str]]  # name parts (base, dari)
    surname: tuple[str, str] | None
    father: list[tuple[str, str]]
    birth: datetime.date
    records: list[dict] = field(default_factory=list)


def _zipf_choice(rng: random.Random, items: list, s: float = 1.0):
    # Rank-based weights: a few names are very common, like Mohammad and Ali.
    weights = getattr(_zipf_choice, "_cache", {}).get((id(items), s))
    if weights is None:
        weights = [1 / (i + 1) ** s for i in range(len(items))]
        _zipf_choice._cache = getattr(_zipf_choice, "_cache", {})
        _zipf_choice._cache[(id(items), s)] = weights
    return rng.choices(items, weights=weights)[0]


def _given_name(rng: random.Random) -> list[tuple[str, str]]:
    r = rng.random()
    if r < 0.12:
        return [("abdul", "عبد"), rng.choice(ABDUL_SECOND)]
    if r < 0.40:
        return [_zipf_choice(rng, PREFIX, 0.8), _zipf_choice(rng, GIVEN, 0.7)]
    if r < 0.50:
        return [_zipf_choice(rng, GIVEN, 0.7), _zipf_choice(rng, SUFFIX, 1.0)]
    return [_zipf_choice(rng, GIVEN, 0.7)]


class Clerk:
    """Spelling habits of one person typing names into an HR list (or of one applicant)."""

    def __init__(self, rng: random.Random, *, applicant: bool = False, clean: frozenset[str] = frozenset(),
                 side: random.Random | None = None) -> None:
        self.rng = rng
        self.clean = clean
        # Spellings redrawn for the ablations come from side, so the main stream (and with it
        # every person, record and missing field) stays exactly as in the noisy run.
        self.side = side
        self.case = rng.choices(["upper", "title", "lower", "asis"], [40, 45, 5, 10])[0] if not applicant else "title"
        self.father_mode = rng.choices(["column", "s/o", "son of", "missing"], [60, 25, 5, 10])[0]
        if applicant:
            self.father_mode = rng.choices(["column", "missing"], [92, 8])[0]
        self.swap = rng.random() < (0.15 if not applicant else 0.03)
        self.dari = rng.random() < (0.15 if not applicant else 0.30)
        self.year_mode = rng.choices(["sh", "greg", "approx", "missing"], [40, 48, 6, 6])[0]
        self.typo = rng.uniform(0.0, 0.12)
        self.u = rng.choice(["u", "o", "oo", "ou"])
        self.i = rng.choices(["i", "e", "ee"], [60, 25, 15])[0]
        self.q = rng.choices(["q", "k", "gh"], [60, 25, 15])[0]
        self.w = rng.choices(["w", "v"], [80, 20])[0]
        self.double = rng.random() < 0.6
        self.mohd = rng.random() < 0.2
        self.abdul_join = rng.choice(["space", "join", "hyphen", "assimilate"])
        self.ullah = rng.choice(["ullah", "ulla", "ollah", "allah", " Ullah", "-ullah"])
        self.arabic_letters = rng.random() < 0.3  # Arabic-keyboard ي/ك instead of Persian ی/ک

    # -- Latin spelling ------------------------------------------------------------------
    def _romanise(self, base: str) -> str:
        rng = self.rng
        s = base
        if s == "muhammad" and self.mohd:
            return rng.choice(["mohd", "md"])
        suffix = ""
        if s.endswith("ullah") and len(s) > 6:
            s, suffix = s[:-5], self.ullah
        out = []
        i = 0
        while i < len(s):
            ch = s[i]
            nxt = s[i + 1] if i + 1 < len(s) else ""
            if ch == nxt and ch not in "aiu":
                out.append(ch * (2 if self.double else 1))
                i += 2
                continue
            if ch == "u":
                out.append(self.u if rng.random() < 0.8 else "u")
            elif ch == "i" and i > 0:
                out.append(self.i if rng.random() < 0.7 else "i")
            elif ch == "q":
                out.append(self.q)
            elif ch == "w":
                out.append(self.w)
            elif ch == "a" and i > 0 and rng.random() < 0.05:
                out.append("e")
            else:
                out.append(ch)
            i += 1
        word = "".join(out)
        if self.double and base in ("muhammad", "husain", "husaini", "hasan") and rng.random() < 0.5:
            word = word.replace("s", "ss", 1) if "ss" not in word and "s" in word else word
        return word + suffix

    def _part_latin(self, parts: list[tuple[str, str]]) -> str:
        words = [self._romanise(b) for b, _ in parts]
        if parts and parts[0][0] == "abdul" and len(parts) > 1:
            second = words[1]
            style = self.abdul_join
            if style == "join":
                return "abdul" + second
            if style == "hyphen":
                return "abdul-" + second
            if style == "assimilate" and second[0] in "rsztdn":
                return "abd" + ("u" if self.u == "u" else "o") + second[0] + second
            return "abdul " + second
        return " ".join(words)

    def _part_dari(self, parts: list[tuple[str, str]]) -> str:
        if parts and parts[0][0] == "abdul" and len(parts) > 1:
            text = "عبد" + ("ال" if self.rng.random() < 0.9 else " ال") + parts[1][1]
        else:
            text = " ".join(d for _, d in parts)
        if self.arabic_letters:
            text = text.replace("ی", "ي").replace("ک", "ك")
        if self.rng.random() < 0.3:
            text = text.replace("\u200c", " ")
        return text

    def _typo(self, s: str) -> str:
        rng = self.rng
        if len(s) < 4 or rng.random() >= self.typo:
            return s
        i = rng.randrange(1, len(s) - 1)
        op = rng.choice(["delete", "swap", "sub", "double"])
        if op == "delete":
            return s[:i] + s[i + 1:]
        if op == "swap":
            return s[:i] + s[i + 1] + s[i] + s[i + 2:]
        if op == "sub":
            letters = "abcdefghijklmnopqrstuvwxyz" if s.isascii() else "ابپتجحخدرزسشعفقکگلمنوهی"
            return s[:i] + rng.choice(letters) + s[i + 1:]
        return s[:i] + s[i] + s[i:]

    def _case(self, s: str) -> str:
        if self.case == "upper":
            return s.upper()
        if self.case == "title":
            return s.title()
        if self.case == "lower":
            return s.lower()
        return s.capitalize()

    def write_name(self, given, surname) -> str:
        return self._ablated(self._write_name, given, surname)

    def write_father(self, father) -> str:
        return self._ablated(self._write_father, father)

    def _ablated(self, write, *parts) -> str:
        """The text as drawn, or (ablations) with a difficulty taken away: "spelling" writes
        the canonical romanisation; "script" (a Dari-script clerk writes Latin letters) and
        "typos" (no typo) redraw the spelling from the same clerk's habits."""
        text = write(*parts)
        if not self.clean:
            return text
        if "spelling" in self.clean:
            return _canonical(parts[0], parts[1] if len(parts) > 1 else None)
        saved = self.rng, self.dari, self.typo
        self.rng = self.side
        if "script" in self.clean:
            self.dari = False
        if "typos" in self.clean:
            self.typo = 0.0
        try:
            return write(*parts) if (self.dari, self.typo) != saved[1:] else text
        finally:
            self.rng, self.dari, self.typo = saved

    def _write_name(self, given, surname) -> str:
        if self.dari:
            g = self._part_dari(given)
            return self._typo(g + (" " + self._part_dari([surname]) if surname else ""))
        g = self._part_latin(given)
        if surname:
            sn = self._romanise(surname[0])
            text = f"{sn}, {g}" if self.swap else f"{g} {sn}"
        else:
            text = g
        return self._case(self._typo(text))

    def _write_father(self, father) -> str:
        if self.dari:
            return self._typo(self._part_dari(father))
        return self._case(self._typo(self._part_latin(father)))

    def write_year(self, birth: datetime.date) -> str:
        mode = self.year_mode
        if mode == "missing":
            return ""
        if mode == "sh":
            return str(jdatetime.date.fromgregorian(date=birth).year)
        # People often give a year off by one; clerks copy what they are told.
        year = birth.year + (self.rng.choice([-1, 1]) if self.rng.random() < 0.08 else 0)
        return f"c. {year}" if mode == "approx" else str(year)


def _canonical(given, surname) -> str:
    """A name as one careful clerk would write it: the base romanisation, Latin script, no typo."""
    return " ".join(b for b, _ in given + ([surname] if surname else [])).title()


def _period(rng: random.Random, start_year: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(start_year, rng.randint(1, 12), rng.randint(1, 28))
    end = start + datetime.timedelta(days=rng.randint(120, 1500))
    # Foreign forces' local employment ended with the withdrawal in August 2021.
    last = datetime.date(2021, 8, 15)
    return min(start, last - datetime.timedelta(days=90)), min(end, last)


def generate(n_records: int, n_applicants: int, seed: int = 7, clean: frozenset[str] = frozenset()):
    """Return (records, applicants, link_truth, dedupe_truth).

    clean names difficulties to take away (ablations: what each costs): "typos", "script"
    (no Dari script), "spelling" (every name in its canonical romanisation, which also drops
    the other two). The people, records, applications and missing fields are the same.

    records / applicants: lists of dicts with the CSV contract's columns; link_truth: set of
    (applicant_id, record_id); dedupe_truth: dict applicant_id -> person id.
    """
    rng = random.Random(seed)
    persons: list[Person] = []

    def new_person(father=None, surname="keep", birth_near=None, not_given=None) -> Person:
        given = _given_name(rng)
        while not_given is not None and given == not_given:
            given = _given_name(rng)
        sn = (rng.choice(SURNAMES) if rng.random() < 0.55 else None) if surname == "keep" else surname
        fa = father or _given_name(rng)
        if birth_near:
            birth = birth_near + datetime.timedelta(days=rng.choice([-1, 1]) * rng.randint(400, 3650))
        else:
            birth = datetime.date(rng.randint(1955, 1998), rng.randint(1, 12), rng.randint(1, 28))
        p = Person(len(persons), given, sn, fa, birth)
        persons.append(p)
        return p

    # HR records: people with 1-3 records (rotations, re-hires); some have brothers who also worked.
    side = random.Random(seed + 1)
    clerks = [Clerk(rng, clean=clean, side=side) for _ in range(80)]
    records: list[dict] = []
    workers: list[Person] = []
    while len(records) < n_records:
        p = new_person()
        if rng.random() < 0.08 and workers:
            # A brother of an earlier worker: same father and family name.
            b = rng.choice(workers)
            while p.given == b.given:
                p.given = _given_name(rng)
            p.father, p.surname = b.father, b.surname
            p.birth = b.birth + datetime.timedelta(days=rng.choice([-1, 1]) * rng.randint(400, 3650))
        workers.append(p)
        unit = rng.choices(list(UNIT_WEIGHTS), list(UNIT_WEIGHTS.values()))[0]
        role = rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]
        n = rng.choices([1, 2, 3], [55, 30, 15])[0]
        year = rng.randint(2003, 2019)
        for _ in range(n):
            if len(records) >= n_records:
                break
            clerk = clerks[rng.randrange(len(clerks))]
            start, end = _period(rng, min(year, 2020))
            year = end.year + rng.randint(0, 2)
            rec_role = role if rng.random() < 0.9 else rng.choice(list(ROLE_WEIGHTS))
            rid = f"R{len(records):07d}"
            full = clerk.write_name(p.given, p.surname)
            father = clerk.write_father(p.father)
            if clerk.father_mode == "s/o":
                full, father = f"{full} {'S/O' if clerk.case == 'upper' else 's/o'} {father}", ""
            elif clerk.father_mode == "son of":
                full, father = f"{full} son of {father}", ""
            elif clerk.father_mode == "missing":
                father = ""
            rec = {
                "record_id": rid,
                "full_name": full,
                "father_name": father,
                "birth_year": clerk.write_year(p.birth),
                "role": "" if rng.random() < 0.05 else rng.choice(ROLE_TEXT[rec_role]),
                "unit": rng.choice(UNIT_TEXT[unit]),
                "location": "" if rng.random() < 0.1 else rng.choice(UNIT_LOCATION[unit]),
                "start_date": "" if rng.random() < 0.08 else start.isoformat(),
                "end_date": "" if rng.random() < 0.12 else end.isoformat(),
                "_pid": p.pid,
                "_person": p,
                "_unit": unit,
                "_role": rec_role,
                "_period": (start, end),
            }
            p.records.append(rec)
            records.append(rec)

    # Applicants.
    applicants: list[dict] = []
    apid = {}

    def add_applicant(p: Person, claim_from: Person | None = None) -> None:
        claim = claim_from or p
        clerk = Clerk(rng, applicant=True, clean=clean, side=side)
        aid = f"A{len(applicants):06d}"
        recs = claim.records
        if recs:
            last = recs[-1]
            unit, role = last["_unit"], last["_role"]
            start = min(r["_period"][0] for r in recs)
            end = max(r["_period"][1] for r in recs)
        else:
            # Someone with no record claims one service, the same each time they apply.
            if not hasattr(claim, "claim"):
                claim.claim = (
                    rng.choices(list(UNIT_WEIGHTS), list(UNIT_WEIGHTS.values()))[0],
                    rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0],
                    *_period(rng, rng.randint(2003, 2019)),
                )
            unit, role, start, end = claim.claim
        if rng.random() < 0.1:
            role = rng.choice(list(ROLE_WEIGHTS))
        jitter = lambda d: d + datetime.timedelta(days=rng.randint(-180, 180))  # noqa: E731
        r = rng.random()
        if r < 0.35:
            bd = p.birth.isoformat()
        elif r < 0.55:
            j = jdatetime.date.fromgregorian(date=p.birth)
            bd = f"{j.year}-{j.month:02d}-{j.day:02d}"
        elif r < 0.75:
            bd = str(jdatetime.date.fromgregorian(date=p.birth).year)
        elif r < 0.95:
            bd = str(p.birth.year)
        else:
            bd = ""
        if clerk.dari:
            bd = bd.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) if rng.random() < 0.5 else bd
        applicants.append({
            "applicant_id": aid,
            "full_name": clerk.write_name(p.given, p.surname),
            "father_name": clerk.write_father(p.father) if clerk.father_mode == "column" else "",
            "birth_date": bd,
            "claimed_role": rng.choice(ROLE_TEXT[role]) if rng.random() < 0.95 else "",
            "claimed_unit": rng.choice(UNIT_TEXT[unit]) if rng.random() < 0.9 else "",
            "claimed_location": rng.choice(UNIT_LOCATION[unit]) if rng.random() < 0.8 else "",
            "claimed_start": jitter(start).isoformat() if rng.random() < 0.9 else "",
            "claimed_end": jitter(end).isoformat() if rng.random() < 0.9 else "",
            "_pid": p.pid,
            "_person": p,
        })
        apid[aid] = p.pid

    n_dups = int(n_applicants * 0.08)
    n_first = n_applicants - n_dups
    first_pids = []
    rng.shuffle(workers)
    wi = 0
    for k in range(n_first):
        r = rng.random()
        if r < 0.75 and wi < len(workers):
            p = workers[wi]
            wi += 1
            add_applicant(p)
        elif r < 0.87:
            add_applicant(new_person())  # never worked for anyone in the records
        else:
            # A relative claims a worker's service: same father and family name, own given name.
            w = workers[rng.randrange(len(workers))]
            rel = new_person(father=w.father, surname=w.surname, birth_near=w.birth, not_given=w.given)
            rel.claims_for = w
            add_applicant(rel, claim_from=w)
        first_pids.append(applicants[-1]["_pid"])
    for _ in range(n_dups):
        p = persons[rng.choice(first_pids)]
        add_applicant(p, claim_from=getattr(p, "claims_for", None))

    by_person: dict[int, list[str]] = {}
    for r in records:
        by_person.setdefault(r["_pid"], []).append(r["record_id"])
    link_truth = {(a["applicant_id"], rid) for a in applicants for rid in by_person.get(a["_pid"], [])}
    dedupe_truth = {a["applicant_id"]: a["_pid"] for a in applicants}
    return records, applicants, link_truth, dedupe_truth


RECORD_COLUMNS = ["record_id", "full_name", "father_name", "birth_year", "role", "unit", "location", "start_date", "end_date"]
APPLICANT_COLUMNS = ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role", "claimed_unit",
                     "claimed_location", "claimed_start", "claimed_end"]


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
