"""An independent synthetic-data generator for the record-linkage benchmark.

Model, in short (README.md has the sources):

* A *person* has a given name made of one or two elements (simple names,
  Abdul- names, -ullah names, -uddin names, Mohammad/Ghulam + X, X + Jan ...),
  perhaps a family/tribal name, perhaps titles (Haji, Sayed, Eng., Khan ...),
  a father and a grandfather, a birth date (Gregorian, and a tazkira date that
  may be an estimate years off), and one or more employment spells.
* The defence force's *clerks* write one record per contract (some contracts
  were entered twice, on two lists).  Every list has a clerk with fixed
  habits: case, Latin or Dari script, where the father's name goes
  (its own column, or "X s/o Y" inside the name), whether the family name is
  kept, surname-first with the father's name as surname, Mohammad shortened to
  MOHD, Gregorian or Solar Hijri birth years, typos.
* *Applicants* write their own names their own way (their preferred
  romanisation, or Dari/Pashto script), with birth dates from the passport
  (Gregorian), from the tazkira (Solar Hijri) or not at all.  Some apply
  twice, some never worked for the force (among them brothers and namesakes
  of staff), some had several contracts.

Determinism: a single ``random.Random(seed)``; no set or hash ordering is used.
"""

import argparse
import csv
import datetime as _dt
import os
import random
import sys
import time
import zlib
from bisect import bisect
from itertools import accumulate

import jdatetime

from . import names as _N

RECORD_COLUMNS = ["record_id", "full_name", "father_name", "birth_year", "role", "unit",
                  "location", "start_date", "end_date"]
APPLICANT_COLUMNS = ["applicant_id", "full_name", "father_name", "birth_date", "claimed_role",
                     "claimed_unit", "claimed_location", "claimed_start", "claimed_end"]

# Scenarios forced onto some true (applicant, record) pairs, so that each
# pattern occurs even in a small run; most pairs get none and vary at random.
SCENARIOS = [
    "given_only",            # applicant writes given names only; the record has the family name
    "family_only_applicant",  # applicant adds the family/tribal name; the record lacks it
    "father_in_name",        # record: "X s/o Y" in full_name, father_name empty
    "title_diff",            # a title/honorific on one side only
    "compound_split",        # Abdul Rahman / Abdulrahman, Noor Ullah / Noorullah
    "script_no_birth",       # Perso-Arabic on one side, Latin on the other, no birth on either
    "sh_vs_greg",            # Solar Hijri on one side, Gregorian on the other
    "typo",                  # typing errors
    "missing_fields",        # unit/location/dates/father missing
    "drop_mohammad",         # one side drops the Mohammad element (called by the proper name)
    "father_as_surname",     # record is "FATHER, Given": the father's name used as a surname
]


# --------------------------------------------------------------------------
# tables

def _parse(block):
    out = []
    for line in block.strip().splitlines():
        parts = line.split("|")
        out.append((parts[0], parts[1], tuple(parts[2].split(","))) + tuple(parts[3:]))
    return out


class _Lex:
    """Entries with a Zipf-like weight by rank (common names first)."""

    def __init__(self, entries, skew=1.0, offset=2.0):
        self.entries = entries
        self.cum = list(accumulate(1.0 / (r + offset) ** skew for r in range(len(entries))))
        self.total = self.cum[-1]
        self.by_key = {e[0]: e for e in entries}

    def pick(self, rng):
        return self.entries[bisect(self.cum, rng.random() * self.total)]


MALE = _Lex(_parse(_N.MALE), skew=1.05)
FEMALE = _Lex(_parse(_N.FEMALE), skew=0.8)
ABDUL = _Lex(_parse(_N.ABDUL), skew=0.9)
ULLAH = _Lex(_parse(_N.ULLAH), skew=0.8)
UDDIN = _Lex(_parse(_N.UDDIN), skew=0.8)
FAMILY = _Lex(_parse(_N.FAMILY), skew=0.75, offset=3.0)
TITLES = {e[0]: e for e in _parse(_N.TITLES)}
MOHAMMAD = MALE.by_key["mohammad"]
GHULAM = MALE.by_key["ghulam"]
SECOND_PARTS = [MALE.by_key[k] for k in ("jan", "gul", "khan", "shah", "ali", "ahmad", "mohammad")]

ROLE_KEYS = list(_N.ROLES)
ROLE_CUM = list(accumulate(_N.ROLES[k][0] for k in ROLE_KEYS))
PLACE_KEYS = list(_N.PLACES)
PLACE_CUM = list(accumulate(_N.PLACES[k][0] for k in PLACE_KEYS))

CONNECTORS = ["s/o", "S/O", "s/o", "son of", "Son of", "bin", "walad-e", "wald", "s.o.", "ibn", "S/o"]
SCRIPT_CONNECTORS = ["ولد", "فرزند", "ولد", "بن"]
ARABIC_CHARS = set(chr(c) for c in range(0x0600, 0x0700))
VOWELS = "aeiou"
KEY_NEIGHBOURS = {
    "a": "sq", "e": "wr", "i": "uo", "o": "ip", "u": "yi", "s": "ad", "d": "sf", "h": "gj",
    "m": "n", "n": "mb", "r": "et", "l": "k", "k": "lj", "b": "vn", "z": "xs", "q": "wa",
}
TRANSLIT_RULES = [("oo", "u"), ("u", "oo"), ("ee", "i"), ("i", "ee"), ("w", "v"), ("v", "w"),
                  ("q", "k"), ("q", "gh"), ("gh", "g"), ("kh", "k"), ("ai", "ay"), ("ay", "ai"),
                  ("ou", "u"), ("a", "e"), ("e", "a"), ("ss", "s"), ("dd", "d"), ("z", "s"),
                  ("ph", "f"), ("j", "dj")]

SUN_PREFIX = ("sh", "r", "s", "n", "z", "t", "d")


def _wpick(rng, items, cum):
    return items[bisect(cum, rng.random() * cum[-1])]


def _variant(rng, entry):
    """A clerk's spelling of an entry: the first spelling most often."""
    v = entry[2]
    r = rng.random()
    if r < 0.45 or len(v) == 1:
        return v[0]
    if r < 0.72:
        return v[1]
    return v[rng.randrange(len(v))]


def _pref_variant(pref, entry):
    """The applicant's own, stable spelling of an entry."""
    v = entry[2]
    h = (zlib.crc32(entry[0].encode()) ^ pref) & 0xFFFF
    if h % 100 < 55:
        return v[0]
    return v[h % len(v)]


# --------------------------------------------------------------------------
# people

def _given_name(rng, sex):
    """List of name elements (kind, entry)."""
    if sex == "f":
        return [("s", FEMALE.pick(rng))]
    r = rng.random()
    if r < 0.20:
        return [("s", MALE.pick(rng))]
    if r < 0.38:
        e = MALE.pick(rng)
        while e is MOHAMMAD:
            e = MALE.pick(rng)
        return [("s", MOHAMMAD), ("s", e)] if rng.random() < 0.85 else [("s", e), ("s", MOHAMMAD)]
    if r < 0.53:
        return [("abdul", ABDUL.pick(rng))]
    if r < 0.65:
        return [("ullah", ULLAH.pick(rng))]
    if r < 0.70:
        return [("uddin", UDDIN.pick(rng))]
    if r < 0.77:
        e = MALE.pick(rng)
        while e is GHULAM or e is MOHAMMAD:
            e = MALE.pick(rng)
        return [("s", GHULAM), ("s", e)]
    if r < 0.88:
        a, b = MALE.pick(rng), MALE.pick(rng)
        while b is a:
            b = MALE.pick(rng)
        return [("s", a), ("s", b)]
    a = MALE.pick(rng)
    b = SECOND_PARTS[rng.randrange(len(SECOND_PARTS))]
    if a is b:
        return [("s", a)]
    return [("s", a), ("s", b)]


def _birth(rng):
    y = int(rng.gauss(1985, 7))
    y = min(max(y, 1956), 2001)
    return _dt.date(y, 1, 1) + _dt.timedelta(days=rng.randrange(365))


def _tazkira_date(rng, born):
    """Tazkiras often carry an age estimate: the date may be years off, or the 1st of Hamal."""
    r = rng.random()
    if r < 0.72:
        return born
    shift = rng.choice([-3, -2, -1, -1, 1, 1, 2, 3])
    try:
        d = born.replace(year=born.year + shift)
    except ValueError:
        d = born.replace(year=born.year + shift, day=28)
    if rng.random() < 0.4:  # recorded as the first day of the Solar Hijri year
        d = jdatetime.date(_to_sh(d)[0], 1, 1).togregorian()
    return d


def _spells(rng, born):
    k = 1
    r = rng.random()
    if r > 0.70:
        k = 2
    if r > 0.88:
        k = 3
    if r > 0.96:
        k = 4 + (r > 0.99)
    first = max(2002, born.year + 17)
    if first > 2020:
        first = 2020
    out = []
    start = _dt.date(rng.randint(first, 2020), rng.randint(1, 12), rng.randint(1, 28))
    home = _wpick(rng, PLACE_KEYS, PLACE_CUM)
    role = _wpick(rng, ROLE_KEYS, ROLE_CUM)
    for _ in range(k):
        if start > _dt.date(2021, 7, 31):
            break
        length = int(rng.expovariate(1 / 420)) + 60
        end = min(start + _dt.timedelta(days=length), _dt.date(2021, 8, 31))
        place = home if rng.random() < 0.65 else _wpick(rng, PLACE_KEYS, PLACE_CUM)
        if rng.random() < 0.15:
            role = _wpick(rng, ROLE_KEYS, ROLE_CUM)
        out.append((role, place, rng.randrange(16), start, end))
        start = end + _dt.timedelta(days=rng.randint(1, 400))
    return out


def _ethnic_family(rng, ethnic):
    if rng.random() < 0.42:
        return None
    for _ in range(6):
        e = FAMILY.pick(rng)
        k = e[0]
        pashtun_name = k.endswith("zai") or k.endswith("khel") or k in ("kakar", "shinwari", "mohmand", "safi",
                                                                        "afridi", "wardak", "zadran", "mangal")
        if (ethnic == "p") == pashtun_name or rng.random() < 0.15:
            return e
    return e


def _titles(rng, ethnic, born):
    t = []
    if rng.random() < (0.12 if ethnic in "ht" else 0.04):
        t.append(TITLES["sayed"])
    r = rng.random()
    if r < 0.05 + max(0, 1985 - born.year) * 0.004:
        t.append(TITLES["haji"])
    elif r < 0.09:
        t.append(TITLES["eng"])
    elif r < 0.105:
        t.append(TITLES["dr"])
    elif r < 0.12:
        t.append(TITLES["mullah"] if rng.random() < 0.6 else TITLES["mawlawi"])
    elif r < 0.13:
        t.append(TITLES["qari"])
    elif r < 0.14:
        t.append(TITLES["agha"])
    if ethnic == "p" and rng.random() < 0.06:
        t.append(TITLES["khan"])
    return t


def _new_person(rng, pid, like=None, mode=None):
    """A new person; mode 'brother' shares father/family with `like`, 'namesake' copies the name."""
    p = {"pid": pid}
    if mode == "brother":
        p["ethnic"] = like["ethnic"]
        p["sex"] = "m"
        p["family"] = like["family"]
        p["father"] = like["father"]
        p["grandfather"] = like["grandfather"]
        g = _given_name(rng, "m")
        while g == like["given"]:
            g = _given_name(rng, "m")
        p["given"] = g
        b = like["born"]
        b = b + _dt.timedelta(days=rng.choice([-1, 1]) * rng.randint(300, 4000))
        p["born"] = min(b, _dt.date(2001, 12, 31))
    else:
        p["ethnic"] = _wpick(rng, "pthu", [42, 70, 90, 100])
        p["sex"] = "f" if rng.random() < 0.04 else "m"
        p["given"] = _given_name(rng, p["sex"])
        p["family"] = _ethnic_family(rng, p["ethnic"])
        fathers_titles = [TITLES["haji"]] if rng.random() < 0.25 else []
        p["father"] = {"given": _given_name(rng, "m"), "titles": fathers_titles}
        p["grandfather"] = _given_name(rng, "m")
        p["born"] = _birth(rng)
        if mode == "namesake":
            p["given"] = like["given"]
            p["sex"] = like["sex"]
            if rng.random() < 0.7:
                p["family"] = like["family"]
            if rng.random() < 0.25:  # same name *and* same father's name: a hard namesake
                p["father"] = like["father"]
    p["titles"] = _titles(rng, p["ethnic"], p["born"])
    if mode in ("brother", "namesake") and like.get("titles") and TITLES["sayed"] in like["titles"]:
        if TITLES["sayed"] not in p["titles"]:
            p["titles"].insert(0, TITLES["sayed"])  # Sayed is inherited
    p["tazkira"] = _tazkira_date(rng, p["born"])
    p["pref"] = rng.randrange(1 << 16)
    return p


# --------------------------------------------------------------------------
# rendering

def _latin_element(rng, kind, entry, pick, seg=None):
    """Render one name element in Latin letters; seg: None, 'apart' or 'joined'."""
    x = pick(entry)
    if kind == "s":
        return x
    r = rng.random()
    if kind == "abdul":
        low = x.lower()
        if seg == "apart":
            return "Abdul " + x if r < 0.8 else "Abdur " + x if low.startswith("r") else "Abdul " + x
        if seg == "joined":
            return "Abdul" + low if r < 0.85 or not low.startswith(SUN_PREFIX) else "Abdu" + low[0] + low
        if r < 0.42:
            return "Abdul " + x
        if r < 0.62:
            return "Abdul" + low
        if r < 0.72 and low.startswith(SUN_PREFIX):
            c = "sh" if low.startswith("sh") else low[0]
            return "Abdu" + c + " " + x
        if r < 0.76:
            return "Abdul-" + x
        if r < 0.80:
            return "Abd al-" + x
        if r < 0.84:
            return "Abdol" + low
        if r < 0.88:
            return "Abd-ul-" + x
        if r < 0.91:
            return "Abdel " + x
        if r < 0.95 and low.startswith(SUN_PREFIX):
            c = "sh" if low.startswith("sh") else low[0]
            return "Abdu" + c + low
        return "Abdul " + x
    if kind == "ullah":
        if seg == "apart":
            return x + " Ullah" if r < 0.85 else x + " Ulla"
        if seg == "joined":
            return x + "ullah" if r < 0.85 else x + "ulla"
        if r < 0.45:
            return x + "ullah"
        if r < 0.70:
            return x + " Ullah"
        if r < 0.76:
            return x + "-ullah"
        if r < 0.82:
            return x + "ulla"
        if r < 0.87:
            return x + "ollah"
        if r < 0.92:
            return x + "allah"
        if r < 0.95:
            return x + " Allah"
        return x + "ullah"
    # uddin
    if seg == "apart":
        return x + " Uddin" if r < 0.7 else x + " ud Din"
    if seg == "joined":
        return x + "uddin" if r < 0.8 else x + "uddeen"
    if r < 0.40:
        return x + "uddin"
    if r < 0.60:
        return x + " Uddin"
    if r < 0.70:
        return x + "-ud-Din"
    if r < 0.76:
        return x + " al-Din"
    if r < 0.82:
        return x + "uddeen"
    if r < 0.88:
        return x + "oddin"
    if r < 0.94:
        return x + " ud Din"
    return x + "uddin"


def _script_element(rng, kind, entry):
    s = entry[1]
    if kind == "s":
        return s
    r = rng.random()
    if kind == "abdul":
        return "عبدال" + s if r < 0.8 else ("عبد ال" + s if r < 0.9 else "عبد " + "ال" + s)
    if kind == "ullah":
        return s + "الله" if r < 0.6 else s + " الله"
    return s + "الدین" if r < 0.6 else s + " الدین"


def _script_noise(rng, text):
    r = rng.random()
    if r < 0.12:
        text = text.replace("ی", "ي")
    elif r < 0.2:
        text = text.replace("ک", "ك")
    return text


def _typo(rng, text):
    if not text:
        return text
    pos = [i for i, c in enumerate(text) if c.isalpha()]
    if not pos:
        return text
    i = pos[rng.randrange(len(pos))]
    c = text[i]
    r = rng.random()
    if c in ARABIC_CHARS:
        if r < 0.5:
            return text[:i] + text[i + 1:]
        return text[:i] + c + text[i:]
    if r < 0.3:
        return text[:i] + text[i + 1:]
    if r < 0.5:
        return text[:i] + c + text[i:]
    if r < 0.7 and i + 1 < len(text) and text[i + 1].isalpha():
        return text[:i] + text[i + 1] + c + text[i + 2:]
    lc = c.lower()
    if lc in VOWELS:
        n = VOWELS[rng.randrange(5)]
    else:
        n = KEY_NEIGHBOURS.get(lc, lc + lc)[0] if lc in KEY_NEIGHBOURS else lc
    if c.isupper():
        n = n.upper()
    return text[:i] + n + text[i + 1:]


def _translit_noise(rng, token):
    low = token.lower()
    for _ in range(3):
        a, b = TRANSLIT_RULES[rng.randrange(len(TRANSLIT_RULES))]
        j = low.find(a)
        if j >= 0:
            new = low[:j] + b + low[j + len(a):]
            if token.isupper():
                return new.upper()
            return new[:1].upper() + new[1:] if token[:1].isupper() else new
    return token


def _case(text, mode):
    if mode == "upper":
        return text.upper()
    if mode == "lower":
        return text.lower()
    return text


def _render_name(rng, elements, pick, script, seg=None, drop_mohammad=False, mohd=False, join_two=False):
    if drop_mohammad and len(elements) == 2 and any(e is MOHAMMAD for _, e in elements):
        elements = [(k, e) for k, e in elements if e is not MOHAMMAD]
    parts = []
    for kind, entry in elements:
        if script:
            parts.append(_script_element(rng, kind, entry))
        elif mohd and entry is MOHAMMAD and len(elements) > 1:
            parts.append(rng.choice(["Mohd", "Mohd.", "Md.", "Muhd", "M."]))
        else:
            parts.append(_latin_element(rng, kind, entry, pick, seg))
    if join_two and len(parts) == 2 and not script and " " not in parts[0] + parts[1]:
        return parts[0] + parts[1].lower()
    return " ".join(parts)


def _father_string(rng, person, pick, script, short=False, with_family=False, with_title=True):
    f = person["father"]
    elements = f["given"]
    if short and len(elements) == 2:  # clerks often kept only one element of the father's name
        elements = [elements[0] if rng.random() < 0.6 else elements[1]]
    name = _render_name(rng, elements, pick, script)
    if with_title and f["titles"]:
        t = f["titles"][0]
        name = (t[1] if script else pick(t)) + " " + name
    if with_family and person["family"] is not None:
        name += " " + (person["family"][1] if script else pick(person["family"]))
    return name


def _render_titles(rng, titles, pick, script, keep_prob):
    pre, post = [], []
    for t in titles:
        if rng.random() >= keep_prob:
            continue
        s = t[1] if script else pick(t)
        (post if t[3] == "post" else pre).append(s)
    return pre, post


# --------------------------------------------------------------------------
# clerks

def _make_clerk(rng):
    script = rng.random() < 0.10
    return {
        "case": "title" if script else _wpick(rng, ["upper", "title", "lower"], [45, 92, 100]),
        "script": script,
        "father": _wpick(rng, ["column", "in_name", "both", "none"], [50, 85, 90, 100]),
        "connector": rng.choice(SCRIPT_CONNECTORS if script else CONNECTORS),
        "father_short": rng.random() < 0.35,
        "family_keep": rng.uniform(0.35, 0.95),
        "surname_first": (not script) and rng.random() < 0.15,
        "mohd": (not script) and rng.random() < 0.3,
        "join_two": rng.random() < 0.08,
        "birth": rng.choice([(70, 80, 100), (30, 80, 100), (45, 60, 100), (10, 85, 100), (60, 70, 100)]),
        "birth_fuzz": rng.uniform(0.05, 0.3),
        "typo": rng.uniform(0.01, 0.12),
        "translit": rng.uniform(0.0, 0.12),
        "title_keep": rng.uniform(0.2, 0.95),
        "missing": rng.uniform(0.01, 0.12),
        "grandfather": rng.random() < 0.1,
    }


_JCACHE = {}


def _to_sh(d):
    """(year, month, day) in the Solar Hijri calendar; cached (jdatetime is slow per call)."""
    t = _JCACHE.get(d)
    if t is None:
        j = jdatetime.date.fromgregorian(date=d)
        t = _JCACHE[d] = (j.year, j.month, j.day)
    return t


def _sh_year(d):
    return _to_sh(d)[0]


def _render_record(rng, person, spell, clerk, ov, place_spell):
    role, place, unit_ix, start, end = spell
    script = clerk["script"] if "script" not in ov else ov["script"]
    pick = lambda e: _variant(rng, e)  # noqa: E731
    pre, post = _render_titles(rng, person["titles"], pick, script,
                               {"all": 1.0, "none": 0.0}.get(ov.get("titles"), clerk["title_keep"]))
    given = _render_name(rng, person["given"], pick, script, seg=ov.get("seg"),
                         drop_mohammad=ov.get("drop_mohammad", False),
                         mohd=clerk["mohd"] and not ov.get("no_mohd"), join_two=clerk["join_two"])
    fam_keep = ov.get("family", rng.random() < clerk["family_keep"])
    family = None
    if fam_keep and person["family"] is not None:
        family = person["family"][1] if script else pick(person["family"])
    father_mode = ov.get("father_mode", clerk["father"])
    surname_first = ov.get("surname_first", clerk["surname_first"])
    father_str = _father_string(rng, person, pick, script, short=clerk["father_short"])
    if surname_first and not script:
        sur = family
        if sur is None or ov.get("father_surname"):
            # no family name: the HR system wanted a surname and got the father's name
            sur = _render_name(rng, person["father"]["given"][-1:], pick, False)
            if father_mode in ("in_name", "both"):
                father_mode = "column"
        name = sur.upper() + ", " + " ".join(pre + [given] + post)
    else:
        name = " ".join(pre + [given] + ([family] if family else []) + post)
    father_col = ""
    if father_mode == "column" or father_mode == "both":
        father_col = father_str
    conn = clerk["connector"]
    if script != clerk["script"]:
        conn = SCRIPT_CONNECTORS[0] if script else CONNECTORS[0]
    if father_mode in ("in_name", "both"):
        name += " " + conn + " " + father_str
        if clerk["grandfather"] and rng.random() < 0.3:
            g = _render_name(rng, person["grandfather"], pick, script)
            name += " " + conn + " " + g
    if not script:
        toks = name.split(" ")
        for i, t in enumerate(toks):
            if len(t) > 2 and rng.random() < clerk["translit"]:
                toks[i] = _translit_noise(rng, t)
        name = " ".join(toks)
    else:
        name = _script_noise(rng, name)
        father_col = _script_noise(rng, father_col)
    typo_rate = 0.9 if ov.get("typo") else clerk["typo"]
    if rng.random() < typo_rate:
        name = _typo(rng, name)
    if father_col and rng.random() < clerk["typo"] / 2:
        father_col = _typo(rng, father_col)
    name = _case(name, clerk["case"])
    father_col = _case(father_col, clerk["case"])
    # birth year
    bmode = ov.get("birth")
    if bmode is None:
        r = rng.random() * 100
        g, s, _ = clerk["birth"]
        bmode = "greg" if r < g else ("sh" if r < s else "empty")
        if script and bmode == "greg" and rng.random() < 0.7:
            bmode = "sh"
    if bmode == "greg":
        y = person["born"].year
        if rng.random() < clerk["birth_fuzz"]:
            y += rng.choice([-1, 1, -1, 1, 2, -2])
        birth = str(y)
    elif bmode == "sh":
        birth = str(_sh_year(person["tazkira"]))
    else:
        birth = ""
    # job
    clerk_roles = _N.ROLES[role][1]
    role_s = clerk_roles[0] if rng.random() < 0.5 else clerk_roles[rng.randrange(len(clerk_roles))]
    templates = _N.PLACES[place][2]
    unit = templates[unit_ix % len(templates)].format(p=place_spell)
    loc = place_spell
    miss = 0.8 if ov.get("missing") else clerk["missing"]
    s_date = start.isoformat() if rng.random() >= miss else ""
    e_date = end.isoformat() if rng.random() >= miss * 1.5 else ""
    if s_date and rng.random() < 0.1:
        s_date = start.replace(day=1).isoformat()
    if rng.random() < miss:
        unit = ""
    if rng.random() < miss:
        loc = ""
    if ov.get("missing") and rng.random() < 0.5:
        father_col = ""
    if clerk["case"] == "upper":
        role_s, unit, loc = role_s.upper(), unit.upper(), loc.upper()
    return [name, father_col, birth, role_s, unit, loc, s_date, e_date]


# --------------------------------------------------------------------------
# applicants

def _render_applicant(rng, person, spells, ov, pref):
    script = ov.get("script", rng.random() < 0.13)
    pashto = script and rng.random() < 0.3
    pick = lambda e: _pref_variant(pref, e)  # noqa: E731
    keep_titles = {"all": 1.0, "none": 0.0}.get(ov.get("titles"), 0.5)
    pre, post = _render_titles(rng, person["titles"], pick, script, keep_titles)
    given = _render_name(rng, person["given"], pick, script, seg=ov.get("seg"),
                         drop_mohammad=ov.get("drop_mohammad", False))
    fam = ov.get("family", rng.random() < 0.8)
    parts = pre + [given]
    if fam and person["family"] is not None:
        parts.append(person["family"][1] if script else pick(person["family"]))
    parts += post
    name = " ".join(parts)
    father = ""
    if ov.get("father", rng.random() < 0.9):
        father = _father_string(rng, person, pick, script, with_family=rng.random() < 0.15,
                                with_title=rng.random() < 0.6)
    if script:
        name = _script_noise(rng, name)
        father = _script_noise(rng, father)
        if pashto:
            name = name.replace("ی", "ې") if rng.random() < 0.3 else name
    else:
        r = rng.random()
        if r < 0.08:
            name, father = name.upper(), father.upper()
        elif r < 0.14:
            name = name.lower()
    typo_rate = 0.9 if ov.get("typo") else 0.05
    if rng.random() < typo_rate:
        name = _typo(rng, name)
    if father and rng.random() < 0.03:
        father = _typo(rng, father)
    # birth
    bmode = ov.get("birth")
    if bmode is None:
        bmode = _wpick(rng, ["iso", "sh", "year_g", "year_sh", "empty"],
                       [40, 62, 72, 80, 100] if not script else [15, 55, 60, 75, 100])
    if bmode == "iso":
        birth = person["born"].isoformat()
    elif bmode == "sh":
        birth = "%04d-%02d-%02d" % _to_sh(person["tazkira"])
    elif bmode == "year_g":
        birth = str(person["born"].year)
    elif bmode == "year_sh":
        birth = str(_sh_year(person["tazkira"]))
    else:
        birth = ""
    # claimed job: the most recent / longest spell, in the applicant's words
    role_s = unit = loc = c_start = c_end = ""
    if spells:
        sp = spells[rng.randrange(len(spells))] if rng.random() < 0.3 else spells[-1]
        role, place, _, start, end = sp
        words = _N.ROLES[role][2]
        role_s = words[rng.randrange(len(words))]
        uw = _N.PLACES[place][2 + 1]
        unit = uw[rng.randrange(len(uw))]
        ls = _N.PLACES[place][1]
        loc = ls[0] if rng.random() < 0.6 else ls[rng.randrange(len(ls))]
        c_start = _approx_date(rng, start)
        c_end = _approx_date(rng, end)
    else:
        # never on the payroll: claims made-up or relatives' work, or worked for a contractor
        role = _wpick(rng, ROLE_KEYS, ROLE_CUM)
        place = _wpick(rng, PLACE_KEYS, PLACE_CUM)
        words = _N.ROLES[role][2]
        role_s = words[rng.randrange(len(words))]
        uw = _N.PLACES[place][3]
        unit = uw[rng.randrange(len(uw))] if rng.random() < 0.8 else "contractor"
        loc = _N.PLACES[place][1][0]
        y = rng.randint(2004, 2020)
        c_start = _approx_date(rng, _dt.date(y, rng.randint(1, 12), 1))
        c_end = _approx_date(rng, _dt.date(min(y + rng.randint(0, 4), 2021), rng.randint(1, 12), 1))
    miss = 0.75 if ov.get("missing") else 0.08
    if rng.random() < miss:
        unit = ""
    if rng.random() < miss:
        loc = ""
    if rng.random() < miss:
        c_start = ""
    if rng.random() < miss * 1.5:
        c_end = ""
    if ov.get("missing") and rng.random() < 0.5:
        role_s = ""
    return [name, father, birth, role_s, unit, loc, c_start, c_end]


def _approx_date(rng, d):
    r = rng.random()
    if r < 0.35:
        return d.isoformat()
    if r < 0.65:
        return d.replace(day=1).isoformat()
    if r < 0.8:
        return d.replace(month=1, day=1).isoformat()
    shifted = d + _dt.timedelta(days=rng.randint(-200, 200))
    return shifted.replace(day=1).isoformat()


def _has_mohammad(p):
    return len(p["given"]) == 2 and any(e is MOHAMMAD for _, e in p["given"])


def _has_compound(p):
    return any(k != "s" for k, _ in p["given"])


PRECONDITION = {
    "given_only": lambda p: p["family"] is not None,
    "family_only_applicant": lambda p: p["family"] is not None,
    "compound_split": _has_compound,
    "drop_mohammad": _has_mohammad,
    "father_as_surname": lambda p: True,
}


def _scenario_overrides(rng, name, p):
    """(record overrides, applicant overrides) for a scenario."""
    if name == "given_only":
        return {"family": True}, {"family": False}
    if name == "family_only_applicant":
        return {"family": False}, {"family": True}
    if name == "father_in_name":
        return {"father_mode": "in_name", "surname_first": False, "script": False}, {}
    if name == "title_diff":
        if not p["titles"]:
            p["titles"] = [TITLES[rng.choice(["haji", "sayed", "eng", "dr", "mullah", "khan"])]]
        if rng.random() < 0.5:
            return {"titles": "all"}, {"titles": "none"}
        return {"titles": "none"}, {"titles": "all"}
    if name == "compound_split":
        a, b = ("apart", "joined") if rng.random() < 0.5 else ("joined", "apart")
        return {"seg": a, "script": False}, {"seg": b, "script": False}
    if name == "script_no_birth":
        if rng.random() < 0.5:
            return {"script": True, "birth": "empty"}, {"script": False, "birth": "empty"}
        return {"script": False, "birth": "empty"}, {"script": True, "birth": "empty"}
    if name == "sh_vs_greg":
        if rng.random() < 0.5:
            return {"birth": "sh"}, {"birth": "iso"}
        return {"birth": "greg"}, {"birth": "sh"}
    if name == "typo":
        return {"typo": True}, {"typo": True}
    if name == "missing_fields":
        return {"missing": True}, {"missing": True, "father": False}
    if name == "drop_mohammad":
        if rng.random() < 0.5:
            return {"drop_mohammad": True}, {}
        return {"no_mohd": True}, {"drop_mohammad": True}
    if name == "father_as_surname":
        return {"surname_first": True, "father_surname": True, "script": False}, {}
    return {}, {}


# --------------------------------------------------------------------------
# main

def generate_annotated(n_records, n_applicants, seed):
    """As generate(), plus notes: pattern -> list of example ids (see SCENARIOS)."""
    rng = random.Random(seed)
    notes = {k: [] for k in SCENARIOS + ["brother_no_record", "namesake_no_record",
                                          "brothers_on_payroll", "applied_twice"]}
    clerks = {pk: [_make_clerk(rng) for _ in range(rng.randint(2, 4))] for pk in PLACE_KEYS}

    # 1. people on the payroll and their contracts
    persons = []
    rec_owner = []  # per record: (person index, spell, duplicate?)
    while len(rec_owner) < n_records:
        pid = len(persons)
        if persons and rng.random() < 0.08:
            like = persons[rng.randrange(len(persons))]
            p = _new_person(rng, pid, like, "brother")
            p["brother_of"] = like["pid"]
        else:
            p = _new_person(rng, pid)
        p["spells"] = _spells(rng, p["born"])
        persons.append(p)
        for sp in p["spells"]:
            rec_owner.append((pid, sp))
            if rng.random() < 0.04:  # the same contract on a second list
                rec_owner.append((pid, sp))
    del rec_owner[n_records:]
    owners = {}
    for i, (pid, _) in enumerate(rec_owner):
        owners.setdefault(pid, []).append(i)
    payroll = sorted(owners)  # persons with at least one record kept

    # 2. applicants
    n_dup = int(round(n_applicants * 0.06)) if n_applicants >= 10 else 0
    n_people = n_applicants - n_dup
    n_matched = min(int(round(n_people * rng.uniform(0.66, 0.74))), len(payroll))
    matched = rng.sample(payroll, n_matched)
    app_people = []  # (person, has_records)
    for pid in matched:
        app_people.append(persons[pid])
    next_pid = len(persons)
    for _ in range(n_people - n_matched):
        r = rng.random()
        if payroll and r < 0.2:
            like = persons[payroll[rng.randrange(len(payroll))]]
            p = _new_person(rng, next_pid, like, "brother")
            p["brother_of"] = like["pid"]
            p["note"] = "brother_no_record"
        elif payroll and r < 0.35:
            like = persons[payroll[rng.randrange(len(payroll))]]
            p = _new_person(rng, next_pid, like, "namesake")
            p["namesake_of"] = like["pid"]
            p["note"] = "namesake_no_record"
        else:
            p = _new_person(rng, next_pid)
        p["spells"] = []
        if p.get("note") and rng.random() < 0.5:
            # a brother or namesake claims the same base and work (a contractor's, a relative's, or his own word)
            p["claimed"] = persons[p.get("brother_of", p.get("namesake_of"))]["spells"]
        persons.append(p)
        app_people.append(p)
        next_pid += 1

    # scenarios: each at least once (when a person fits), then ~30% at random
    rec_ov, app_ov, scen_of = {}, {}, {}
    order = list(range(n_matched))
    rng.shuffle(order)
    cursor = 0
    for name in SCENARIOS:
        cond = PRECONDITION.get(name, lambda p: True)
        for j in range(cursor, len(order)):
            p = app_people[order[j]]
            if cond(p):
                order[cursor], order[j] = order[j], order[cursor]
                scen_of[p["pid"]] = name
                cursor += 1
                break
    for j in range(cursor, len(order)):
        p = app_people[order[j]]
        if rng.random() < 0.30:
            name = SCENARIOS[rng.randrange(len(SCENARIOS))]
            if PRECONDITION.get(name, lambda q: True)(p):
                scen_of[p["pid"]] = name
    for p in app_people[:n_matched]:
        name = scen_of.get(p["pid"])
        if name:
            ro, ao = _scenario_overrides(rng, name, p)
            rec_ov[p["pid"]] = ro
            app_ov[p["pid"]] = ao

    # 3. render records
    order_r = list(range(len(rec_owner)))
    rng.shuffle(order_r)
    rec_id_of = [None] * len(rec_owner)
    for new_ix, old_ix in enumerate(order_r):
        rec_id_of[old_ix] = "HR%07d" % (new_ix + 1)
    records = [None] * len(rec_owner)
    for i, (pid, sp) in enumerate(rec_owner):
        p = persons[pid]
        place = sp[1]
        cl = clerks[place]
        clerk = cl[rng.randrange(len(cl))]
        spells_ = _N.PLACES[place][1]
        place_spell = spells_[0] if rng.random() < 0.55 else spells_[rng.randrange(len(spells_))]
        row = _render_record(rng, p, sp, clerk, rec_ov.get(pid, {}), place_spell)
        records[i] = [rec_id_of[i]] + row
    records.sort(key=lambda r: r[0])

    # 4. render applicants (people in random order; some apply twice)
    twice = rng.sample(range(len(app_people)), min(n_dup, len(app_people)))
    queue = [(k, 0) for k in range(len(app_people))] + [(k, 1) for k in twice]
    rng.shuffle(queue)
    applicants, link_truth, person_of = [], set(), {}
    first_name_of = {}
    for n, (k, second) in enumerate(queue):
        p = app_people[k]
        aid = "APP%06d" % (n + 1)
        ov = app_ov.get(p["pid"], {}) if not second else {}
        pref = p["pref"] if not second else (p["pref"] * 7919 + 13) & 0xFFFF
        row = _render_applicant(rng, p, p["spells"] or p.get("claimed", []), ov, pref)
        if first_name_of.get(k) == row[0]:  # a second application is spelled differently
            row[0] = _typo(rng, row[0]) if row[0] else "-"
        first_name_of[k] = row[0]
        applicants.append([aid] + row)
        person_of[aid] = "P%07d" % p["pid"]
        for ri in owners.get(p["pid"], ()):
            link_truth.add((aid, rec_id_of[ri]))
        if k < n_matched and not second and p["pid"] in scen_of:
            notes[scen_of[p["pid"]]].append(aid)
        if p.get("note") and not second:
            notes[p["note"]].append(aid)
    # notes computed afterwards
    apps_of = {}
    for aid, pid in person_of.items():
        apps_of.setdefault(pid, []).append(aid)
    notes["applied_twice"] = sorted(v[0] for v in apps_of.values() if len(v) > 1)
    notes["brothers_on_payroll"] = sorted("P%07d" % p["pid"] for p in persons[:len(persons)]
                                          if p.get("brother_of") is not None and p["pid"] in owners
                                          and p["brother_of"] in owners)[:1000]

    rec_dicts = [dict(zip(RECORD_COLUMNS, r)) for r in records]
    app_dicts = [dict(zip(APPLICANT_COLUMNS, a)) for a in applicants]
    return rec_dicts, app_dicts, link_truth, person_of, notes


def generate(n_records, n_applicants, seed):
    """(records, applicants, link_truth {(applicant_id, record_id)}, person_of {applicant_id: person_id})."""
    records, applicants, links, person_of, _ = generate_annotated(n_records, n_applicants, seed)
    return records, applicants, links, person_of


def write(out, records, applicants, links, person_of):
    os.makedirs(out, exist_ok=True)

    def dump(name, cols, rows):
        with open(os.path.join(out, name), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(cols)
            w.writerows(rows)

    dump("records.csv", RECORD_COLUMNS, ([r[c] for c in RECORD_COLUMNS] for r in records))
    dump("applicants.csv", APPLICANT_COLUMNS, ([a[c] for c in APPLICANT_COLUMNS] for a in applicants))
    dump("truth_links.csv", ["applicant_id", "record_id"], sorted(links))
    dump("truth_persons.csv", ["applicant_id", "person_id"], sorted(person_of.items()))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m bench.matching.second_generator.generate",
                                 description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=200000)
    ap.add_argument("--applicants", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    a = ap.parse_args(argv)
    t0 = time.time()
    records, applicants, links, person_of = generate(a.records, a.applicants, a.seed)
    write(a.out, records, applicants, links, person_of)
    linked = len({x for x, _ in links})
    print("second_generator: %d records, %d applicants (%.1f%% with a record), %d true links, "
          "%d persons; seed %d -> %s in %.1f s"
          % (len(records), len(applicants), 100.0 * linked / max(1, len(applicants)), len(links),
             len(set(person_of.values())), a.seed, a.out, time.time() - t0))


if __name__ == "__main__":
    sys.exit(main())
