"""The demo world's people, employers and HR clerks (see generator.py for the overview)."""

from __future__ import annotations

import functools
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

import jdatetime

from resettle.demo.names import NameTable

RECORD_COLUMNS = [
    "record_id", "full_name", "father_name", "grandfather_name", "birth_year", "employer",
    "role", "unit", "location", "start_date", "end_date",
]
APPLICATION_COLUMNS = [
    "application_id", "relationship", "full_name", "father_name", "grandfather_name",
    "birth_date", "gender", "marital_status", "dependent", "tazkira_number", "passport_number",
    "phone", "email", "claimed_employer", "claimed_role", "claimed_unit", "claimed_location",
    "claimed_start", "claimed_end", "pathway", "received_on", "channel",
]
TRUTH_COLUMNS = [
    "application_id", "person_id", "kind", "record_refs", "claimed_person_id", "duplicate_of",
    "members",
]

# Kinds of application in truth.csv.
GENUINE = "genuine"                # applicant's own records exist
DUPLICATE = "duplicate"            # same person filed again (other channel, other spelling)
REAPPLICATION = "reapplication"    # applied in 2012, applied again under the 2021 pathway
RELATIVE = "relative_claim"        # claims a brother's or father's service as their own
NAMESAKE = "namesake"              # same common name as a staff member, different father
NO_RECORD = "no_record"            # claims NZ service that no record shows

PRT_START, PRT_END = date(2003, 9, 1), date(2013, 4, 30)
CRIB_COUNT = 20
BAMYAN_2012 = "nz-bamyan-2012"
AFGHAN_2021 = "nz-afghan-2021"
EVACUATION_OPEN, EVACUATION_DEADLINE = date(2021, 8, 16), date(2021, 8, 25)


@dataclass(frozen=True)
class Source:
    """One employer's HR file."""

    name: str
    employer: str
    start: date
    end: date
    share: float                          # of the staff population whose main job was here
    units: tuple[tuple[str, float], ...]
    locations: tuple[tuple[str, float], ...]
    roles: tuple[tuple[str, float], ...]
    groups: tuple[tuple[str, float], ...]  # ethnic mix of local hires
    id_format: str
    encoding: str
    dari_clerks: int = 0                  # clerks who typed names in Perso-Arabic script


_BAMYAN_LOCS = (("bamyan", 60), ("yakawlang", 8), ("kahmard", 7), ("shibar", 6), ("do_abi", 7),
                ("panjab", 6), ("waras", 6))
_PRT_ROLES = (("interpreter", 14), ("driver", 10), ("guard", 30), ("cook", 6), ("cleaner", 6),
              ("labourer", 12), ("engineer", 5), ("mechanic", 5), ("cultural_adviser", 2),
              ("administrator", 4), ("other", 6))

SOURCES: tuple[Source, ...] = (
    Source("nzdf-prt-bamyan", "nzdf", PRT_START, PRT_END, 0.36, (("nz_prt_bamyan", 1),),
           _BAMYAN_LOCS, _PRT_ROLES, (("hazara", 80), ("tajik", 15), ("pashtun", 5)),
           "PRT-{n:05d}", "utf-8"),
    Source("nz-police-bamyan", "nz_police", date(2005, 3, 1), PRT_END, 0.07,
           (("nz_police_bamyan", 1),), (("bamyan", 85), ("yakawlang", 8), ("shibar", 7)),
           (("interpreter", 30), ("driver", 20), ("guard", 25), ("cook", 10), ("cleaner", 8),
            ("administrator", 7)), (("hazara", 85), ("tajik", 12), ("pashtun", 3)),
           "NZPOL/{year}/{n:04d}", "cp1256", dari_clerks=1),
    Source("nz-embassy-kabul", "mfat", date(2008, 6, 1), date(2021, 8, 15), 0.06,
           (("nz_embassy_kabul", 1),), (("kabul", 1),),
           (("administrator", 25), ("driver", 20), ("guard", 25), ("interpreter", 12),
            ("cultural_adviser", 6), ("cook", 6), ("cleaner", 6)),
           (("tajik", 45), ("hazara", 30), ("pashtun", 25)), "EMB-{n:04d}", "utf-8-sig",
           dari_clerks=1),
    Source("us-forces", "us_forces", date(2002, 1, 1), date(2021, 8, 30), 0.34,
           (("us_prt", 45), ("isaf_hq_kabul", 20), ("other", 35)),
           (("kabul", 30), ("kandahar", 25), ("helmand", 15), ("mazar_i_sharif", 15),
            ("bamyan", 5), ("other", 10)),
           (("interpreter", 30), ("driver", 12), ("guard", 25), ("labourer", 10),
            ("mechanic", 6), ("cook", 5), ("engineer", 5), ("other", 7)),
           (("pashtun", 50), ("tajik", 35), ("hazara", 15)), "{n:07d}", "utf-16"),
    Source("uk-forces", "uk_forces", date(2006, 5, 1), date(2014, 10, 31), 0.17,
           (("uk_task_force_helmand", 80), ("isaf_hq_kabul", 20)), (("helmand", 85), ("kabul", 15)),
           (("interpreter", 35), ("driver", 10), ("guard", 30), ("labourer", 15), ("cook", 10)),
           (("pashtun", 70), ("tajik", 20), ("hazara", 10)), "UKLES-{n:05d}", "utf-8"),
)
SOURCE_BY_NAME = {s.name: s for s in SOURCES}
NZ_SOURCES = ("nzdf-prt-bamyan", "nz-police-bamyan", "nz-embassy-kabul")

STAFF_PER_SCALE = 2400
APPLICATIONS_PER_SCALE = 420


@dataclass
class Spell:
    source: str
    role: str
    unit: str
    location: str
    start: date
    end: date
    record_id: str = ""


@dataclass
class Person:
    pid: str
    gender: str
    group: str
    given: str
    surname: str | None
    father: str
    grandfather: str
    birth: date
    spells: list[Spell] = field(default_factory=list)
    family: list[tuple[str, "Person"]] | None = None  # (relationship, member), drawn lazily
    tazkira: str = ""
    phone: str = ""


@functools.lru_cache(maxsize=None)
def _cumulative(pairs: tuple[tuple[str, float], ...]) -> tuple[list[str], list[float]]:
    return [p[0] for p in pairs], list(itertools.accumulate(p[1] for p in pairs))


def weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    names, cum = _cumulative(pairs)
    return rng.choices(names, cum_weights=cum)[0]


def rand_date(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


def crib_for(day: date) -> int:
    """CRIB rotation number covering a day (synthetic: 20 even rotations over the deployment)."""
    length = (PRT_END - PRT_START).days / CRIB_COUNT
    return max(1, min(CRIB_COUNT, 1 + int((day - PRT_START).days // length)))


def solar_hijri(day: date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=day)


class Spelling:
    """How one writer (an HR clerk or an applicant) spells names.

    A clerk keeps one habit per name (the cache); an applicant is a writer with a fresh cache.
    """

    def __init__(self, names: NameTable, rng: random.Random, *, script: str = "latin",
                 case: str = "title", canonical_bias: float = 0.45, typo_rate: float = 0.0,
                 son_of: bool = False, surname_first: bool = False) -> None:
        self.names, self.rng = names, rng
        self.script, self.case = script, case
        self.canonical_bias, self.typo_rate = canonical_bias, typo_rate
        self.son_of, self.surname_first = son_of, surname_first
        self._habit: dict[str, str] = {}

    def word(self, name: str) -> str:
        if self.script == "dari":
            return self.names.dari(name)
        spelt = self._habit.get(name)
        if spelt is None:
            options = self.names.spellings(name)
            spelt = options[0] if self.rng.random() < self.canonical_bias else self.rng.choice(options)
            self._habit[name] = spelt
        if self.typo_rate and self.rng.random() < self.typo_rate:
            spelt = _typo(self.rng, spelt)
        if self.case == "upper":
            return spelt.upper()
        if self.case == "lower":
            return spelt.lower()
        return spelt

    def full(self, person: Person, *, with_surname: bool = True) -> str:
        given = self.word(person.given)
        surname = self.word(person.surname) if person.surname and with_surname else ""
        if surname and self.surname_first and self.script == "latin":
            text = f"{surname}, {given}"
        else:
            text = f"{given} {surname}".strip()
        if self.son_of:
            if self.script == "dari":
                text += (" ولد " if person.gender == "male" else " بنت ") + self.word(person.father)
            else:
                text += (" s/o " if person.gender == "male" else " d/o ") + self.word(person.father)
        return text


def _typo(rng: random.Random, text: str) -> str:
    letters = [i for i, ch in enumerate(text) if ch.isalpha() and i > 0]
    if not letters:
        return text
    i = rng.choice(letters)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1:]          # dropped letter
    return text[:i] + text[i] + text[i:]        # doubled letter


class World:
    def __init__(self, seed: int, scale: float) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.names = NameTable()
        self.people: list[Person] = []
        self._pools: dict[tuple[str | None, str], tuple[list[str], list[float]]] = {}
        self._phone_counter = 0
        self.staff_count = max(20, round(STAFF_PER_SCALE * scale))
        self.application_count = max(12, round(APPLICATIONS_PER_SCALE * scale))

    def sub_rng(self, label: str) -> random.Random:
        # String seeds go through SHA-512, so this does not depend on PYTHONHASHSEED.
        return random.Random(f"{self.seed}/{label}")

    def pick_name(self, gender: str | None, group: str) -> str:
        key = (gender, group)
        if key not in self._pools:
            names, weights = self.names.pool(gender=gender, group=group)
            self._pools[key] = names, list(itertools.accumulate(weights))
        names, cum = self._pools[key]
        return self.rng.choices(names, cum_weights=cum)[0]

    def new_person(self, *, gender: str, group: str, birth: date, surname: str | None = None,
                   father: str | None = None, grandfather: str | None = None,
                   given: str | None = None, surname_known: bool = True) -> Person:
        rng = self.rng
        if surname is None and surname_known and rng.random() < 0.6:
            surname = self.pick_name(None, group)
        person = Person(
            pid=f"P{len(self.people) + 1:06d}", gender=gender, group=group,
            given=given or self.pick_name(gender, group), surname=surname,
            father=father or self.pick_name("male", group),
            grandfather=grandfather or self.pick_name("male", group), birth=birth,
        )
        self.people.append(person)
        return person

    def phone(self) -> str:
        self._phone_counter += 1
        n = self._phone_counter % 100_000
        return f"+93 700 0{n // 1000:02d} {n % 1000:03d}"

    # --- staff and their HR spells -------------------------------------------------------

    def staff(self) -> list[Person]:
        rng = self.rng
        shares = tuple((s.name, s.share) for s in SOURCES)
        staff = []
        for _ in range(self.staff_count):
            src = SOURCE_BY_NAME[weighted(rng, shares)]
            group = weighted(rng, src.groups)
            female_share = 0.12 if src.name == "nz-embassy-kabul" else 0.02
            gender = "female" if rng.random() < female_share else "male"
            hired = rand_date(rng, src.start, src.end - timedelta(days=60))
            birth = hired - timedelta(days=rng.randint(18 * 365, 48 * 365))
            person = self.new_person(gender=gender, group=group, birth=birth)
            person.spells.append(self.spell(src, hired))
            if rng.random() < 0.22:  # re-hired by the same employer after a gap
                after = person.spells[-1].end + timedelta(days=rng.randint(30, 700))
                if after < src.end - timedelta(days=30):
                    again = self.spell(src, after)
                    again.role = person.spells[-1].role if rng.random() < 0.7 else again.role
                    person.spells.append(again)
            if rng.random() < 0.10:  # also worked for another nation's or agency's unit
                other = SOURCE_BY_NAME[weighted(rng, tuple(p for p in shares if p[0] != src.name))]
                person.spells.append(self.spell(other, rand_date(rng, other.start, other.end - timedelta(days=60))))
            staff.append(person)
        return staff

    def spell(self, src: Source, start: date) -> Spell:
        rng = self.rng
        end = min(src.end, start + timedelta(days=rng.randint(90, 4 * 365)))
        return Spell(src.name, weighted(rng, src.roles), weighted(rng, src.units),
                     weighted(rng, src.locations), start, end)

    def record_files(self, staff: list[Person]) -> dict[str, list[dict]]:
        rows: dict[str, list[dict]] = {}
        for src in SOURCES:
            spells = [(s, p) for p in staff for s in p.spells if s.source == src.name]
            spells.sort(key=lambda sp: (sp[0].start, sp[1].pid))  # HR numbers grow with hire date
            clerks = self.clerks(src)
            out = []
            for n, (spell, person) in enumerate(spells, start=1):
                spell.record_id = src.id_format.format(n=n, year=spell.start.year)
                clerk = clerks[(n * 7 + spell.start.month) % len(clerks)]
                out.append(self.record_row(src, spell, person, clerk))
            rows[src.name] = out
        return rows

    def clerks(self, src: Source) -> list[Spelling]:
        styles = [
            dict(case="title"), dict(case="upper", son_of=True), dict(case="upper"),
            dict(case="title", surname_first=True), dict(case="upper", canonical_bias=0.2),
        ]
        clerks = [Spelling(self.names, self.sub_rng(f"clerk/{src.name}/{i}"), typo_rate=0.02, **st)
                  for i, st in enumerate(styles)]
        clerks += [Spelling(self.names, self.sub_rng(f"clerk/{src.name}/dari{i}"), script="dari",
                            son_of=(i % 2 == 0)) for i in range(src.dari_clerks)]
        return clerks

    def record_row(self, src: Source, spell: Spell, person: Person, clerk: Spelling) -> dict:
        rng = self.rng
        full = clerk.full(person, with_surname=rng.random() > 0.1)
        birth_year = ""
        roll = rng.random()
        if roll < 0.5:
            birth_year = str(solar_hijri(person.birth).year + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0))
        elif roll < 0.8:
            birth_year = str(person.birth.year + (rng.choice((-1, 1)) if rng.random() < 0.1 else 0))
        employer = ""
        if spell.role in ("cook", "cleaner", "labourer") and rng.random() < 0.25:
            employer = "contractor"  # hired through a local firm, not directly
        elif rng.random() < 0.3:
            employer = src.employer
        return {
            "record_id": spell.record_id,
            "full_name": full,
            "father_name": "" if (clerk.son_of and rng.random() < 0.6) or rng.random() < 0.08
            else clerk.word(person.father),
            "grandfather_name": clerk.word(person.grandfather) if rng.random() < 0.25 else "",
            "birth_year": birth_year,
            "employer": employer,
            "role": spell.role,
            "unit": "" if rng.random() < 0.04 else spell.unit,
            "location": "" if rng.random() < 0.04 else spell.location,
            "start_date": "" if rng.random() < 0.04 else spell.start.isoformat(),
            "end_date": "" if rng.random() < 0.06 else spell.end.isoformat(),
        }

    # --- families ------------------------------------------------------------------------

    def family_of(self, person: Person, on: date) -> list[tuple[str, Person]]:
        if person.family is not None:
            return person.family
        rng = self.rng
        family: list[tuple[str, Person]] = []
        age = (on - person.birth).days / 365.25
        married_p = 0.82 if age >= 25 else (0.5 if age >= 20 else 0.1)
        if rng.random() < married_p:
            spouse_gender = "female" if person.gender == "male" else "male"
            gap = rng.randint(0, 10) if spouse_gender == "female" else -rng.randint(0, 8)
            spouse_birth = min(person.birth + timedelta(days=gap * 365 + rng.randint(-180, 180)),
                               on - timedelta(days=17 * 365))
            spouse = self.new_person(gender=spouse_gender, group=person.group, birth=spouse_birth)
            family.append(("spouse", spouse))
            father, mother = (person, spouse) if person.gender == "male" else (spouse, person)
            first = max(father.birth + timedelta(days=20 * 365), mother.birth + timedelta(days=17 * 365))
            last = min(on - timedelta(days=30), mother.birth + timedelta(days=45 * 365))
            wanted = rng.choices(range(7), weights=(34, 28, 17, 10, 6, 3, 2))[0]
            births = sorted(rand_date(rng, first, last) for _ in range(wanted)) if first < last else []
            for born in births:
                child = self.new_person(
                    gender=rng.choice(("male", "female")), group=person.group, birth=born,
                    surname=father.surname if rng.random() < 0.7 else None, surname_known=False,
                    father=father.given, grandfather=father.father,
                )
                family.append(("child", child))
        if rng.random() < 0.09:
            dad = self.new_person(gender="male", group=person.group, given=person.father,
                                  father=person.grandfather, surname=person.surname,
                                  birth=person.birth - timedelta(days=rng.randint(20 * 365, 40 * 365)))
            family.append(("parent", dad))
            if rng.random() < 0.6:
                mum = self.new_person(gender="female", group=person.group,
                                      birth=dad.birth + timedelta(days=rng.randint(0, 10 * 365)))
                family.append(("parent", mum))
        if rng.random() < 0.07:
            for _ in range(rng.randint(1, 2)):
                family.append(("sibling", self.sibling(person, younger=True)))
        person.family = family
        return family

    def sibling(self, person: Person, *, younger: bool) -> Person:
        rng = self.rng
        days = rng.randint(365, 12 * 365)
        birth = person.birth + timedelta(days=days if younger else -days)
        return self.new_person(gender="male" if not younger or rng.random() < 0.5 else "female",
                               group=person.group, surname=person.surname, surname_known=False,
                               father=person.father, grandfather=person.grandfather, birth=birth)
