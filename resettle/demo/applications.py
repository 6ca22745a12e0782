"""Applications to the NZ pathways, as the demo world's people (and pretenders) filed them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from resettle.demo.names import load_aliases
from resettle.demo.world import (
    AFGHAN_2021,
    BAMYAN_2012,
    DUPLICATE,
    EVACUATION_DEADLINE,
    EVACUATION_OPEN,
    GENUINE,
    NAMESAKE,
    NO_RECORD,
    NZ_SOURCES,
    REAPPLICATION,
    RELATIVE,
    SOURCE_BY_NAME,
    Person,
    Spell,
    Spelling,
    World,
    rand_date,
    weighted,
    crib_for,
    solar_hijri,
)

# Shares of each kind among applications; the rest of the population never applies.
KIND_SHARES = ((GENUINE, 58), (DUPLICATE, 8), (REAPPLICATION, 4), (RELATIVE, 8), (NAMESAKE, 8),
               (NO_RECORD, 14))
ALIASES = load_aliases()
# The 2012 package covered staff employed by the PRT (or NZ Police in Bamyan) after Dec 2010.
BAMYAN_2012_SINCE = date(2010, 12, 1)


@dataclass
class _App:
    seq: int
    person: Person
    kind: str
    pathway: str
    received: date
    channel: str
    claim: Spell | None
    claimed_person: Person | None = None
    duplicate_of: _App | None = None
    application_id: str = ""


class Applications:
    def __init__(self, world: World, staff: list[Person]) -> None:
        self.world, self.staff = world, staff
        self.rng = world.rng
        self.apps: list[_App] = []
        self._passports: dict[str, str] = {}
        self._principal_names: dict[int, str] = {}  # seq -> principal's name as written
        self._bamyan_2012: list[_App] = []   # genuine 2012 applications (re-application sources)
        self._online_2021: list[_App] = []   # genuine 2021 web/e-mail applications (duplicate sources)
        self._nz = [p for p in staff if any(s.source in NZ_SOURCES for s in p.spells)]

    def build(self) -> tuple[list[dict], list[dict]]:
        rng = self.rng
        nz_staff = list(self._nz)  # a copy: genuine applicants are popped from it
        other_staff = [p for p in self.staff if not any(s.source in NZ_SOURCES for s in p.spells)]
        rng.shuffle(nz_staff)
        rng.shuffle(other_staff)
        total = self.world.application_count
        kinds = [weighted(rng, KIND_SHARES) for _ in range(total)]
        # Genuine applications come first so duplicates and re-applications have something to copy.
        kinds.sort(key=lambda k: k != GENUINE)
        for kind in kinds:
            if kind == GENUINE:
                pool = other_staff if rng.random() < 0.08 and other_staff else nz_staff
                if pool:
                    self.genuine(pool.pop())
            elif kind == DUPLICATE:
                self.duplicate()
            elif kind == REAPPLICATION:
                self.reapplication()
            elif kind == RELATIVE:
                self.relative(rng.choice(self._nz))
            elif kind == NAMESAKE:
                self.namesake(rng.choice(self._nz))
            else:
                self.no_record()
        self.apps.sort(key=lambda a: (a.received, a.seq))
        for n, app in enumerate(self.apps, start=1):
            app.application_id = f"APP-{n:06d}"
        rows, truth = [], []
        for app in self.apps:
            app_rows, members = self.render(app)
            rows.extend(app_rows)
            truth.append(self.truth_row(app, members))
        return rows, truth

    # --- kinds of application ----------------------------------------------------------------

    def add(self, person: Person, kind: str, pathway: str, claim: Spell | None, *,
            claimed_person: Person | None = None, duplicate_of: _App | None = None,
            channel: str | None = None) -> _App:
        rng = self.rng
        if pathway == BAMYAN_2012:
            received = rand_date(rng, date(2012, 10, 15), date(2013, 6, 30))
            channel = channel or ("paper" if rng.random() < 0.6 else "email")
        else:
            late = rng.random() < 0.05
            received = (rand_date(rng, EVACUATION_DEADLINE + timedelta(days=1), date(2021, 8, 29))
                        if late else rand_date(rng, EVACUATION_OPEN, EVACUATION_DEADLINE))
            channel = channel or weighted(rng, (("web", 65), ("email", 30), ("import", 5)))
        if duplicate_of is not None:
            received = max(received, duplicate_of.received)
        app = _App(len(self.apps), person, kind, pathway, received, channel, claim,
                   claimed_person=claimed_person, duplicate_of=duplicate_of)
        self.apps.append(app)
        if kind == GENUINE and pathway == BAMYAN_2012:
            self._bamyan_2012.append(app)
        elif kind == GENUINE and channel in ("web", "email"):
            self._online_2021.append(app)
        return app

    def genuine(self, person: Person) -> None:
        nz = [s for s in person.spells if s.source in NZ_SOURCES]
        claim = max(nz or person.spells, key=lambda s: s.end)
        eligible_2012 = any(s.source in ("nzdf-prt-bamyan", "nz-police-bamyan")
                            and s.end >= BAMYAN_2012_SINCE for s in person.spells)
        pathway = BAMYAN_2012 if eligible_2012 and self.rng.random() < 0.55 else AFGHAN_2021
        self.add(person, GENUINE, pathway, claim, claimed_person=person)

    def duplicate(self) -> None:
        if not self._online_2021:
            return self.no_record()
        first = self.rng.choice(self._online_2021)
        other = "email" if first.channel == "web" else "web"
        self.add(first.person, DUPLICATE, AFGHAN_2021, first.claim, claimed_person=first.claimed_person,
                 duplicate_of=first, channel=other)

    def reapplication(self) -> None:
        if not self._bamyan_2012:
            return self.no_record()
        first = self.rng.choice(self._bamyan_2012)
        self.add(first.person, REAPPLICATION, AFGHAN_2021, first.claim,
                 claimed_person=first.person, duplicate_of=first)

    def relative(self, worker: Person) -> None:
        """A brother or son who claims the worker's service as his own."""
        rng, world = self.rng, self.world
        spell = next(s for s in worker.spells if s.source in NZ_SOURCES)
        son_birth = worker.birth + timedelta(days=rng.randint(19 * 365, 28 * 365))
        if rng.random() < 0.4 and son_birth < date(2003, 1, 1):
            applicant = world.new_person(gender="male", group=worker.group, birth=son_birth,
                                         surname=worker.surname, surname_known=False,
                                         father=worker.given, grandfather=worker.father)
        else:
            applicant = world.sibling(worker, younger=rng.random() < 0.6)
            applicant.gender = "male"
        self.add(applicant, RELATIVE, AFGHAN_2021, spell, claimed_person=worker)

    def namesake(self, worker: Person) -> None:
        """Someone who shares a staff member's (common) name but not their father or service."""
        rng, world = self.rng, self.world
        father = worker.father
        while father == worker.father:
            father = world.pick_name("male", worker.group)
        birth = worker.birth + timedelta(days=rng.randint(-8 * 365, 8 * 365))
        applicant = world.new_person(gender=worker.gender, group=worker.group, birth=birth,
                                     given=worker.given, surname=worker.surname,
                                     surname_known=False, father=father)
        spell = next(s for s in worker.spells if s.source in NZ_SOURCES)
        claim = Spell(spell.source, spell.role, spell.unit, spell.location,
                      rand_date(rng, SOURCE_BY_NAME[spell.source].start, spell.end), spell.end)
        self.add(applicant, NAMESAKE, AFGHAN_2021, claim, claimed_person=worker)

    def no_record(self) -> None:
        rng, world = self.rng, self.world
        src = SOURCE_BY_NAME[weighted(rng, (("nzdf-prt-bamyan", 70), ("nz-police-bamyan", 15),
                                               ("nz-embassy-kabul", 15)))]
        start = rand_date(rng, src.start, src.end - timedelta(days=120))
        claim = Spell(src.name, weighted(rng, src.roles), weighted(rng, src.units),
                      weighted(rng, src.locations), start,
                      min(src.end, start + timedelta(days=rng.randint(90, 1500))))
        group = weighted(rng, src.groups)
        birth = rand_date(rng, date(1960, 1, 1), date(1998, 12, 31))
        applicant = world.new_person(gender="male", group=group, birth=birth)
        self.add(applicant, NO_RECORD, AFGHAN_2021, claim)

    # --- rendering -----------------------------------------------------------------------------

    def writer(self, app: _App) -> tuple[Spelling, Spelling]:
        """The applicant's spelling habits for names and for fathers' names."""
        rng = self.world.sub_rng(f"applicant/{app.seq}")
        roll = rng.random()
        script = "dari" if roll < 0.15 else "latin"
        case = "title" if rng.random() < 0.85 else rng.choice(("upper", "lower"))
        names = Spelling(self.world.names, rng, script=script, case=case, canonical_bias=0.5)
        fathers = names
        if script == "latin" and rng.random() < 0.06:
            fathers = Spelling(self.world.names, rng, script="dari")
        return names, fathers

    def render(self, app: _App) -> tuple[list[dict], list[Person]]:
        rng, person = self.rng, app.person
        names, fathers = self.writer(app)
        with_surname = rng.random() > 0.1
        if app.duplicate_of is not None:
            # A duplicate is only hard to spot when it is spelt differently; re-draw until it is.
            first_full = self._principal_names[app.duplicate_of.seq].casefold()
            for attempt in range(8):
                if names.full(person, with_surname=with_surname).casefold() != first_full:
                    break
                names = Spelling(self.world.names, self.world.sub_rng(f"applicant/{app.seq}/{attempt}"),
                                 script="dari" if attempt == 6 else "latin", canonical_bias=0.0)
                with_surname = attempt != 7  # last resort: drop or add the surname
        family = self.world.family_of(person, app.received)
        if app.duplicate_of is not None and len(family) > 1 and rng.random() < 0.3:
            family = family[:-1]  # the second filing forgot someone
        base = {"application_id": app.application_id, "pathway": app.pathway,
                "received_on": app.received.isoformat(), "channel": app.channel}
        principal = dict(base, **self.person_fields(person, app, names, fathers, "principal",
                                                     with_surname=with_surname))
        self._principal_names[app.seq] = principal["full_name"]
        principal["marital_status"] = "married" if any(r == "spouse" for r, _ in family) else \
            rng.choice(("single", "single", "single", "widowed"))
        principal.update(self.claim_fields(app))
        if person.tazkira == "":
            person.tazkira = self.tazkira(app)
        principal["tazkira_number"] = person.tazkira if rng.random() > 0.08 else ""
        if not person.phone or (app.duplicate_of is not None and rng.random() < 0.3):
            person.phone = self.world.phone()
        principal["phone"] = person.phone
        if app.channel in ("web", "email"):
            principal["email"] = self.email(person, rng)
        rows = [principal]
        for relationship, member in family:
            row = dict(base, **self.person_fields(member, app, names, fathers, relationship))
            rows.append(row)
        return rows, [m for _, m in family]

    def person_fields(self, member: Person, app: _App, names: Spelling, fathers: Spelling,
                      relationship: str, with_surname: bool | None = None) -> dict:
        rng = self.rng
        if with_surname is None:
            with_surname = rng.random() > 0.1
        on = app.received
        age = (on - member.birth).days / 365.25
        fields = {
            "relationship": relationship,
            "full_name": names.full(member, with_surname=with_surname),
            "father_name": fathers.word(member.father),
            "grandfather_name": fathers.word(member.grandfather) if rng.random() < 0.35 else "",
            "birth_date": self.birth_date(member, rng, child=relationship == "child"),
            "gender": member.gender if rng.random() > 0.01 else "unknown",
        }
        if relationship == "spouse":
            fields["marital_status"] = "married"
        elif relationship == "child":
            fields["marital_status"] = "single" if age >= 14 else ""
            fields["dependent"] = "yes" if age < 18 else rng.choice(("yes", "no", ""))
        elif relationship == "parent":
            fields["marital_status"] = rng.choice(("married", "widowed"))
            fields["dependent"] = rng.choice(("yes", "no"))
        elif relationship == "sibling":
            fields["marital_status"] = "single"
            fields["dependent"] = "yes" if age < 18 else "no"
        if relationship != "principal" and age >= 18 and rng.random() < 0.5:
            fields["tazkira_number"] = self.tazkira(app)
        if app.pathway == AFGHAN_2021 and age >= 1 and rng.random() < 0.3:
            fields["passport_number"] = self.passport(member)
        return fields

    def birth_date(self, person: Person, rng: random.Random, *, child: bool) -> str:
        born = person.birth
        if not child and rng.random() < 0.1:  # adults often know their birth year only roughly
            born = born.replace(year=born.year + rng.choice((-1, 1)), day=min(born.day, 28))
        sh = solar_hijri(born)
        weights = (40, 5, 45, 8, 2) if child else (28, 16, 30, 14, 12)
        style = rng.choices(("sh_full", "sh_year", "full", "year", "circa"), weights=weights)[0]
        if style == "sh_full":
            return f"{sh.year:04d}-{sh.month:02d}-{sh.day:02d}"
        if style == "sh_year":
            return str(sh.year)
        if style == "full":
            return born.isoformat()
        if style == "year":
            return str(born.year)
        return f"c. {born.year + rng.randint(-2, 2)}"

    def claim_fields(self, app: _App) -> dict:
        rng, spell = self.rng, app.claim
        if spell is None:
            return {}
        src = SOURCE_BY_NAME[spell.source]
        start = spell.start + timedelta(days=rng.randint(-120, 60))
        end = spell.end + timedelta(days=rng.randint(-60, 120))
        end = max(end, start)  # a misremembered date still makes a period, as the intake form requires
        unit = spell.unit
        roll = rng.random()
        if unit == "nz_prt_bamyan" and roll < 0.25:
            unit = f"CRIB {crib_for(spell.start)}"
        elif roll < 0.6 and unit in ALIASES:
            unit = rng.choice(ALIASES[unit])
        elif roll > 0.9:
            unit = ""
        role = spell.role
        if role in ALIASES and rng.random() < 0.35:
            role = rng.choice(ALIASES[role])
        location = spell.location
        if location in ALIASES and rng.random() < 0.4:
            location = rng.choice(ALIASES[location])
        return {
            "claimed_employer": src.employer if rng.random() > 0.05 else "",
            "claimed_role": role,
            "claimed_unit": unit,
            "claimed_location": location if rng.random() > 0.1 else "",
            "claimed_start": start.isoformat() if rng.random() > 0.05 else "",
            "claimed_end": end.isoformat() if rng.random() > 0.1 else "",
        }

    def tazkira(self, app: _App) -> str:
        rng = self.rng
        if app.pathway == AFGHAN_2021 and rng.random() < 0.4:  # electronic tazkira
            return f"{rng.randint(1397, 1400)}-{rng.randint(100, 3499):04d}-{rng.randint(0, 99999):05d}"
        return str(rng.randint(100000, 9999999))

    def passport(self, person: Person) -> str:
        if person.pid not in self._passports:
            self._passports[person.pid] = f"P{self.rng.randint(0, 9_999_999):07d}"
        return self._passports[person.pid]

    def email(self, person: Person, rng: random.Random) -> str:
        first = person.given.split(" ")[-1].lower()
        last = (person.surname or person.father.split(" ")[-1]).lower()
        return f"{first}.{last}{rng.randint(1, 99)}@example.org"

    def truth_row(self, app: _App, members: list[Person]) -> dict:
        refs = [f"{s.source}:{s.record_id}" for s in app.person.spells if s.record_id]
        return {
            "application_id": app.application_id,
            "person_id": app.person.pid,
            "kind": app.kind,
            "record_refs": "|".join(refs),
            "claimed_person_id": app.claimed_person.pid if app.claimed_person else "",
            "duplicate_of": app.duplicate_of.application_id if app.duplicate_of else "",
            "members": "|".join(m.pid for m in members),
        }
