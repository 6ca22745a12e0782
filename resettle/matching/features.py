"""Turn records and applicants into comparable features, and compare two of them field by field.

Each comparison returns a level index (0 = strongest agreement) or None when either side is
missing, so a missing value is neither evidence for nor against a match.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

import jdatetime
from rapidfuzz.distance import OSA, JaroWinkler

from resettle.names.dates import BirthDate, parse_birth_date
from resettle.names.keys import fold_token, is_common, is_known, name_tokens, skeleton
from resettle.names.normalise import detect_script, split_father
from resettle.names.places import canonical_location, canonical_role, canonical_unit

from .model import ApplicantIn, FieldError, RecordIn

# Comparison levels per field, strongest first. Names in docs/matching.md.
NAME_LEVELS = ("exact", "subset", "skeleton", "typo", "fuzzy", "partial", "different")
TYPO, FUZZY, PARTIAL, DIFFERENT = (NAME_LEVELS.index(x) for x in ("typo", "fuzzy", "partial", "different"))
BIRTH_LEVELS = ("same_day", "same_year", "overlap", "within_1", "within_3", "different")
CATEGORY_LEVELS = ("same", "different")
PERIOD_LEVELS = ("same", "edge", "inside", "overlap", "within_1y", "apart")
EXTRA_LEVELS = ("exact", "close", "similar", "different")

FIELDS_LEVELS = {
    "name": NAME_LEVELS,
    "father": NAME_LEVELS,
    "birth": BIRTH_LEVELS,
    "unit": CATEGORY_LEVELS,
    "role": CATEGORY_LEVELS,
    "location": CATEGORY_LEVELS,
    "period": PERIOD_LEVELS,
}

FIELD_LABELS = {
    "name": "name",
    "father": "father's name",
    "grandfather_name": "grandfather's name",
    "tazkira_number": "tazkira number",
    "birth": "birth date",
    "unit": "unit",
    "role": "role",
    "location": "location",
    "period": "employment period",
}


# One entry per distinct name (tokens and script) seen by the process: tens of megabytes for
# hundreds of thousands of names, and serials are never reused, so nothing is evicted.
_SERIALS: dict[tuple[tuple[str, ...], bool], int] = {}


@dataclass(frozen=True, slots=True)
class NameFeat:
    # Identity for caching comparisons: names with the same tokens in the same script ("MOHD
    # ALI", "Mohd Ali", "Muhammad Ali") compare alike, whatever their raw text.
    serial: int
    raw: str
    tokens: tuple[str, ...]
    bag: tuple[str, ...]  # sorted tokens: order-independent identity
    skel: tuple[str, ...]  # sorted skeletons
    folded: str  # sorted folded tokens joined, for edit-similarity
    distinctive: frozenset[str]
    # Known tokens (variant table) by skeleton: two different known names with one skeleton
    # (Hassan / Hussain, Mahmood / Mohammad) are different names, not spellings of one.
    known_skel: tuple[tuple[str, frozenset[str]], ...] = ()
    joined: str = ""  # skeleton of the tokens run together, in written order
    # The same with the "Abdul" of compound names taken off: "Abdul Rahim" and "Abdul Wahid"
    # share five letters that say nothing, and would otherwise look like one name misspelt.
    n_abdul: int = 0
    core: str = ""
    core_joined: str = ""
    # Written in Perso-Arabic script: its tokens are transliterations without short vowels.
    arabic: bool = False
    # The tokens run together in written order (and sorted, for "Surname, Given"), folded as
    # one word: where a word break slipped.
    run: str = ""
    sorted_run: str = ""


    @property
    def key(self) -> str:
        return " ".join(self.tokens)


@functools.lru_cache(maxsize=300_000)
def name_feat(text: str | None) -> NameFeat | None:
    tokens = tuple(name_tokens(text))
    if not tokens:
        return None
    arabic = detect_script(text) in ("arabic", "mixed")
    # Everything but the raw text follows from the tokens and the script, and far fewer
    # distinct names than distinct spellings come up (measured: 43,000 for 129,000 texts in
    # 200,000 HR records), so that part is worked out once per name.
    serial, *rest = _name_parts(tokens, arabic)
    return NameFeat(serial, text.strip(), *rest)


@functools.lru_cache(maxsize=300_000)
def _name_parts(tokens: tuple[str, ...], arabic: bool) -> tuple:
    """NameFeat's fields but raw, in order."""
    bag = tuple(sorted(tokens))
    f = NameFeat(
        serial=_SERIALS.setdefault((tokens, arabic), len(_SERIALS)),
        raw="",
        tokens=tokens,
        bag=bag,
        skel=tuple(sorted(skeleton(t) for t in tokens)),
        folded=" ".join(sorted(fold_token(t) for t in tokens)),
        distinctive=frozenset(t for t in tokens if not is_common(t)) or frozenset(tokens),
        known_skel=_known_skel(tokens),
        joined=skeleton("".join(tokens)),
        n_abdul=sum(1 for t in tokens if _abdul_core(t) != t),
        core=" ".join(sorted(_abdul_core(fold_token(t)) for t in tokens)),
        core_joined=skeleton("".join(_abdul_core(t) for t in tokens)),
        arabic=arabic,
        run=fold_token("".join(tokens)),
        sorted_run=fold_token("".join(bag)),
    )
    return tuple(getattr(f, k) for k in NameFeat.__slots__ if k != "raw")


def _abdul_core(token: str) -> str:
    """The name after "Abdul" in a compound ("abdulrahim" -> "rahim"); other tokens as they are."""
    return token[5:] if token.startswith("abdul") and len(token) >= 8 else token


def _known_skel(tokens: tuple[str, ...]) -> tuple[tuple[str, frozenset[str]], ...]:
    by: dict[str, set[str]] = {}
    for t in tokens:
        if is_known(t):
            by.setdefault(skeleton(t), set()).add(t)
    return tuple(sorted((s, frozenset(ts)) for s, ts in by.items()))


def skeletons_agree(a: NameFeat, b: NameFeat) -> bool:
    """Same consonant skeletons, and no skeleton stands for two different known names.

    The skeleton exists so a transliterated Dari name (no short vowels) or an unseen spelling
    meets its Latin form; when both sides are names the variant table knows, their vowels were
    read by someone who knew the name, so Hassan and Hussain stay apart.
    """
    if a.skel != b.skel:
        return False
    if not a.known_skel or not b.known_skel:
        return True
    kb = dict(b.known_skel)
    return all(ts == kb[s] for s, ts in a.known_skel if s in kb)


@dataclass(frozen=True, slots=True)
class Prepared:
    id: str
    name: NameFeat | None
    father: NameFeat | None
    birth: BirthDate | None
    years: tuple[int, int] | None
    unit: str | None
    role: str | None
    location: str | None
    period: tuple[int, int] | None  # Gregorian ordinals, inclusive
    extra: tuple[tuple[str, str], ...]
    # A full, not approximate, birth date: only then can two sides agree on the day.
    exact_day: bool = False


def _text(v) -> str:
    return "" if v is None else str(v).strip()


@functools.lru_cache(maxsize=50_000)
def _birth_cached(text: str) -> tuple[BirthDate | None, tuple[int, int] | None]:
    bd = parse_birth_date(text)
    return bd, (bd.gregorian_year_range() if bd else None)


def _birth(value, field: str) -> tuple[BirthDate | None, tuple[int, int] | None]:
    if isinstance(value, BirthDate):
        return value, value.gregorian_year_range()
    text = _text(value)
    try:
        return _birth_cached(text)
    except ValueError as exc:
        raise FieldError(field, str(exc)) from None


@functools.lru_cache(maxsize=50_000)
def date_bounds(value: str) -> tuple[int, int] | None:
    """Earliest and latest Gregorian day (ordinals) a written date may mean."""
    bd = parse_birth_date(value)
    if bd is None:
        return None
    if bd.precision == "day":
        d = bd.to_gregorian().toordinal()
        return d, d
    if bd.calendar == "gregorian":
        if bd.precision == "month":
            first = datetime.date(bd.year, bd.month, 1)
            nxt = datetime.date(bd.year + (bd.month == 12), bd.month % 12 + 1, 1)
            return first.toordinal(), nxt.toordinal() - 1
        return datetime.date(bd.year, 1, 1).toordinal(), datetime.date(bd.year, 12, 31).toordinal()
    if bd.precision == "month":
        first = jdatetime.date(bd.year, bd.month, 1)
        month_days = jdatetime.j_days_in_month[bd.month - 1] if bd.month < 12 else (30 if first.isleap() else 29)
        return first.togregorian().toordinal(), first.togregorian().toordinal() + month_days - 1
    first = jdatetime.date(bd.year, 1, 1).togregorian().toordinal()
    last = jdatetime.date(bd.year + 1, 1, 1).togregorian().toordinal() - 1
    return first, last


def _bounds(value) -> tuple[int, int] | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.toordinal(), value.toordinal()
    return date_bounds(str(value).strip())


OPEN_START = datetime.date(1900, 1, 1).toordinal()
OPEN_END = datetime.date(2100, 12, 31).toordinal()


def _period(start, end, start_field: str, end_field: str) -> tuple[int, int] | None:
    """Employment period as Gregorian ordinals; a missing end means "still employed / unknown",
    so the period is open on that side rather than a single day."""
    try:
        s = _bounds(start)
    except ValueError as exc:
        raise FieldError(start_field, str(exc)) from None
    try:
        e = _bounds(end)
    except ValueError as exc:
        raise FieldError(end_field, str(exc)) from None
    if s is None and e is None:
        return None
    lo = s[0] if s else OPEN_START
    hi = e[1] if e else OPEN_END
    return (lo, hi) if lo <= hi else (hi, lo)


def _names(full_name: str, father_name: str) -> tuple[NameFeat | None, NameFeat | None]:
    name, embedded = split_father(full_name)
    father = father_name.strip() or embedded or ""
    # "X s/o Y s/o Z" is the lineage: Y is the father, Z the grandfather (HR lists write it in the
    # name field, and the father's field sometimes carries "Y s/o Z" too). Only Y is the
    # father's name; with Z in it, the father's name would meet none of its other spellings.
    own, grandfather = split_father(father)
    if grandfather:
        father = own
    return name_feat(name), name_feat(father)


def _extra(values, identifiers: dict[str, str] | None = None) -> tuple[tuple[str, str], ...]:
    """Generic string fields (addresses, ID numbers): case, accents and spacing only; digits kept.
    The optional identifiers come already in their comparable form (_identifiers)."""
    out = []
    for k, v in values.items():
        text = unicodedata.normalize("NFKC", _text(v)).lower()
        text = " ".join(re.sub(r"[^\w\s]", " ", text).split())
        if text:
            out.append((k, text))
    out += [(k, v) for k, v in (identifiers or {}).items() if v]
    return tuple(sorted(out))


# Optional identifying columns of the CSV contract, compared as extra fields when both sides
# have them: the grandfather's name as its canonical tokens (so "Gholam Haidar" meets
# "غلام حیدر"), the tazkira number as its digits (Persian or Latin, any separators).
GRANDFATHER, TAZKIRA = "grandfather_name", "tazkira_number"


def _identifiers(grandfather, tazkira) -> dict[str, str]:
    out = {}
    g = _text(grandfather)
    if g:
        out[GRANDFATHER] = " ".join(name_tokens(split_father(g)[0]))
    digits = "".join(str(unicodedata.digit(ch)) for ch in _text(tazkira) if unicodedata.digit(ch, None) is not None)
    if digits:
        out[TAZKIRA] = digits
    return out


def _exact_day(birth: BirthDate | None) -> bool:
    return birth is not None and birth.precision == "day" and not birth.approximate


def prepare_record(r: RecordIn) -> Prepared:
    name, father = _names(_text(r.full_name), _text(r.father_name))
    birth, years = _birth(r.birth_year, "birth_year")
    return Prepared(
        id=str(r.record_id),
        name=name,
        father=father,
        birth=birth,
        years=years,
        unit=canonical_unit(_text(r.unit)),
        role=canonical_role(_text(r.role)),
        location=canonical_location(_text(r.location)),
        period=_period(r.start_date, r.end_date, "start_date", "end_date"),
        extra=_extra(r.extra, _identifiers(r.grandfather_name, r.tazkira_number)),
        exact_day=_exact_day(birth),
    )


def export_prepared(items, part: int = 0, parts: int = 1) -> tuple[list[tuple], dict[int, tuple]]:
    """Prepared items as plain tuples for another process (see adopt_prepared), each distinct
    name once, by a number unique among the parts (part of parts) sent back: its fields but
    the serial, which only means something in the process that gave it."""
    names: dict[int, tuple] = {}
    seen: dict[int, int] = {}
    keep = []  # id() stays unique only while the objects live

    def ref(nf):
        if nf is None:
            return -1
        j = seen.get(id(nf))
        if j is None:
            j = seen[id(nf)] = len(seen) * parts + part
            names[j] = tuple(getattr(nf, k) for k in NameFeat.__slots__ if k != "serial")
            keep.append(nf)
        return j

    rows = [(p.id, ref(p.name), ref(p.father), p.birth, p.years, p.unit, p.role, p.location, p.period,
             p.extra, p.exact_day) for p in items]
    return rows, names


def adopt_prepared(rows: Iterable[tuple], names: dict[int, tuple], made: dict[int, NameFeat]) -> list[Prepared]:
    """export_prepared's items back as Prepared, each name made once (made: by its number, over
    all the parts). Their serials are given by number_names, once every part is in."""
    def feat(j):
        if j < 0:
            return None
        nf = made.get(j)
        if nf is None:
            nf = made[j] = NameFeat(-1, *names[j])
        return nf

    return [Prepared(r[0], feat(r[1]), feat(r[2]), *r[3:]) for r in rows]


def number_names(items: Iterable[Prepared]) -> None:
    """Serials for adopt_prepared's names, in the items' order: a name new to this process gets
    the serial preparing the items here one by one would have given it (first seen, first
    numbered; the name before the father's), so caches and ties keyed by serial come out the
    same. Set in place: nothing has hashed or compared these names yet."""
    serials = _SERIALS
    for p in items:
        for nf in (p.name, p.father):
            if nf is not None and nf.serial < 0:
                object.__setattr__(nf, "serial", serials.setdefault((nf.tokens, nf.arabic), len(serials)))


def prepare_applicant(a: ApplicantIn) -> Prepared:
    name, father = _names(_text(a.full_name), _text(a.father_name))
    birth, years = _birth(a.birth_date, "birth_date")
    return Prepared(
        id=str(a.applicant_id),
        name=name,
        father=father,
        birth=birth,
        years=years,
        unit=canonical_unit(_text(a.claimed_unit)),
        role=canonical_role(_text(a.claimed_role)),
        location=canonical_location(_text(a.claimed_location)),
        period=_period(a.claimed_start, a.claimed_end, "claimed_start", "claimed_end"),
        extra=_extra(a.extra, _identifiers(a.grandfather_name, a.tazkira_number)),
        exact_day=_exact_day(birth),
    )


# ---- comparisons -----------------------------------------------------------------------------

FUZZY_NAME = 0.90


_NAME_CACHE: dict[tuple[int, int], int] = {}
_NAME_CACHE_MAX = 2_000_000


def compare_name(a: NameFeat | None, b: NameFeat | None) -> int | None:
    if a is None or b is None:
        return None
    # The same pairs of names come up again and again (fathers' names above all).
    key = (a.serial, b.serial)
    lv = _NAME_CACHE.get(key)
    if lv is None:
        if len(_NAME_CACHE) >= _NAME_CACHE_MAX:
            _NAME_CACHE.clear()
        lv = _NAME_CACHE[key] = _compare_name(a, b)
    return lv


def at_best_fuzzy(a: NameFeat, b: NameFeat) -> bool:
    """The two names cannot reach exact, subset or skeleton agreement (cheap set tests), so
    their evidence is at most that of a typo or a fuzzy match."""
    if a.bag == b.bag or skeletons_agree(a, b):
        return False
    sa, sb = set(a.bag), set(b.bag)
    return not ((sa < sb or sb < sa) and (a.distinctive & b.distinctive))


def _compare_name(a: NameFeat, b: NameFeat) -> int:
    if a.bag == b.bag:
        return 0
    sa, sb = set(a.bag), set(b.bag)
    if (sa < sb or sb < sa) and (a.distinctive & b.distinctive):
        return 1
    if skeletons_agree(a, b):
        return 2
    if slip_of_the_pen(a, b):
        return TYPO
    shared_tokens = sa & sb
    if shared_tokens and not (sa <= sb or sb <= sa) and all(is_known(t) for t in sa ^ sb):
        # Where the names differ only in names the variant table knows, the difference is not
        # a typo: "Hassan Karimi" and "Hussain Karimi" are brothers, not one name misspelt, and
        # the shared "Karimi" must not make them look alike. (A typo makes an unknown token,
        # "Kadij Gul" for "Qadir Gul", and is compared on the whole name as before.)
        fa, fb, ja, jb = _fuzzy_strings(
            [t for t in a.tokens if t not in shared_tokens], [t for t in b.tokens if t not in shared_tokens]
        )
    elif a.n_abdul and a.n_abdul == b.n_abdul:
        fa, fb, ja, jb = a.core, b.core, a.core_joined, b.core_joined
    else:
        fa, fb, ja, jb = a.folded, b.folded, a.joined, b.joined
    if JaroWinkler.similarity(fa, fb) >= FUZZY_NAME or _aligned_fuzzy(a, b, fa, fb):
        return FUZZY
    if _joined_close(ja, jb) or _one_slip(fa, fb):
        return FUZZY
    if a.distinctive & b.distinctive or set(a.skel) & set(b.skel) - {""}:
        # Sharing only a very common token ("mohammad") is not partial agreement.
        shared = (sa & sb) - {t for t in sa & sb if is_common(t)}
        if shared or (a.distinctive & b.distinctive):
            return PARTIAL
        skel_a = {skeleton(t) for t in a.distinctive}
        skel_b = {skeleton(t) for t in b.distinctive}
        if skel_a & skel_b:
            return PARTIAL
    return DIFFERENT


def slip_of_the_pen(a: NameFeat, b: NameFeat) -> bool:
    """One token of the name misspelt by one letter (wrong, missing, extra, or two neighbours
    swapped) and every other token the same: "Mohammad Rahin Karimi" for "Mohammad Rahim
    Karimi", "Ahgad" for "Ahmad"; or the word break in the wrong place (_break_slip); or, with
    Dari script on either side, one consonant of one part's skeleton (_skeleton_slip). At
    least one differing token must be unknown to the variant table, because a slip makes a
    non-name: Jalil and Jamil are two names.

    Told apart from other fuzzy agreement because its evidence is that of the name itself
    (the engine weighs it by how common the name is), where "similar spelling" in general
    is weak: many Afghan names are a letter or two apart."""
    sa, sb = set(a.tokens), set(b.tokens)
    if _break_slip(a, b, sa, sb):
        return True
    if len(a.tokens) != len(b.tokens):
        return False
    da, db = sa - sb, sb - sa
    if len(da) == 1 and len(db) == 1:
        (x,), (y,) = da, db
        if is_known(x) and is_known(y):
            return False
        fx, fy = fold_token(x), fold_token(y)
        if min(len(fx), len(fy)) >= SLIP_MIN - 1 and OSA.distance(fx, fy, score_cutoff=1) <= 1:
            return True
    return (a.arabic or b.arabic) and _skeleton_slip(a, b)


RUN_SLIP_MIN = 8


def _break_slip(a: NameFeat, b: NameFeat, sa: set[str], sb: set[str]) -> bool:
    """A word break in the wrong place ("Muhama Dhousain" for "Mohammad Hussain", "Ghoulama
    Kbar" for "Ghulam Akbar"), perhaps with one letter slipped as well: the folded parts run
    together are the same, or one letter apart in a name of at least RUN_SLIP_MIN letters.
    Names that differ only in parts the variant table knows are two names ("Ahmad Ali" /
    "Ahmadi Ali")."""
    if a.arabic != b.arabic:
        # Across scripts only consonants meet: the skeletons of the whole names run together.
        if len(a.joined) < JOINED_MIN or a.joined != b.joined:
            return False
    elif not (_runs_close(a.run, b.run) or _runs_close(a.sorted_run, b.sorted_run)):
        return False
    return any(not is_known(t) for t in sa ^ sb)


def _runs_close(x: str, y: str) -> bool:
    # Asked of hundreds of thousands of name pairs in a large link, nearly all of different
    # lengths: the length test spares the edit distance (one edit changes it by one at most).
    if x == y:
        return True
    lx, ly = len(x), len(y)
    return -1 <= lx - ly <= 1 and min(lx, ly) >= RUN_SLIP_MIN and OSA.distance(x, y, score_cutoff=1) <= 1


def _skeleton_slip(a: NameFeat, b: NameFeat) -> bool:
    """The slip in Dari script: one consonant wrong, missing, extra or swapped in one part's
    skeleton ("حین" for "حسین", "یوفس" for "یوسف"), the other parts' skeletons the same. Dari
    writes no short vowels, so its transliterations meet their Latin forms only as skeletons;
    the longer skeleton needs three consonants, and a part both sides know is no slip."""
    ka, kb = a.skel, b.skel
    if len(ka) == 1:
        x, y = ka[0], kb[0]
    else:
        da = [k for k in ka if k not in kb]
        db = [k for k in kb if k not in ka]
        if len(da) != 1 or len(db) != 1:
            return False
        x, y = da[0], db[0]
    if abs(len(x) - len(y)) > 1 or max(len(x), len(y)) < 3 or OSA.distance(x, y, score_cutoff=1) > 1:
        return False
    known = [is_known(t) for t in a.tokens + b.tokens if skeleton(t) in (x, y)]
    return not all(known)


def _fuzzy_strings(ta: list[str], tb: list[str]) -> tuple[str, str, str, str]:
    """Folded (sorted) and joined-skeleton (written order) strings of two token lists for the
    fuzzy tests, with "Abdul" taken off when both have it."""
    core = sum(1 for t in ta if _abdul_core(t) != t) == sum(1 for t in tb if _abdul_core(t) != t) > 0
    strip = _abdul_core if core else (lambda t: t)
    return (
        " ".join(sorted(strip(fold_token(t)) for t in ta)),
        " ".join(sorted(strip(fold_token(t)) for t in tb)),
        skeleton("".join(strip(t) for t in ta)),
        skeleton("".join(strip(t) for t in tb)),
    )


JOINED_MIN = 5


def _joined_close(ja: str, jb: str) -> bool:
    """The word break is in the wrong place ("Moh Draheem" for "Mohammad Rahim", Dari "حس
    نعلیزاده" for "Hasan Alizada"): the consonants of the whole name, run together, agree."""
    if min(len(ja), len(jb)) < JOINED_MIN:
        return False
    return JaroWinkler.similarity(ja, jb) >= FUZZY_NAME


SLIP_MIN = 5


def _one_slip(fa: str, fb: str) -> bool:
    """One letter wrong, missing, extra, or two neighbours swapped in the whole folded name
    ("Ahgad" for "Ahmad", "Hcssan" for "Hassan", "Kahn" for "Khan"): Jaro-Winkler scores such a
    slip below the fuzzy threshold when it falls early in a short name."""
    if min(len(fa), len(fb)) < SLIP_MIN:
        return False
    return OSA.distance(fa, fb, score_cutoff=1) <= 1


def _aligned_fuzzy(a: NameFeat, b: NameFeat, fa: str, fb: str) -> bool:
    """Every token of the shorter name has a close partner in the other (typos in any token,
    in any order: "Mir Hasan Iaqiri" vs "Baqiri, Mir Hasan")."""
    ta, tb = fa.split(" "), fb.split(" ")
    if len(ta) > len(tb):
        ta, tb = tb, ta
    if len(ta) < len(tb) - 1 or len(ta) > 5:
        return False
    # One token is already covered by the whole-string similarity; with more, all but one
    # token must agree in skeleton (cheap) before pairing tokens up (dear).
    if len(ta) < 2 or len(set(a.skel) & set(b.skel)) < len(ta) - 1:
        return False
    sims = []
    for t in ta:
        best = max(JaroWinkler.similarity(t, u) for u in tb)
        if best < 0.8:
            return False
        sims.append(best)
    return sum(sims) / len(sims) >= FUZZY_NAME


def day_comparable(a: Prepared, b: Prepared) -> bool:
    """Both sides give an exact day, so "same day" is a possible outcome."""
    return a.exact_day and b.exact_day


def compare_birth(a: Prepared, b: Prepared) -> int | None:
    if a.years is None or b.years is None:
        return None
    if day_comparable(a, b):
        if a.birth.to_gregorian() == b.birth.to_gregorian():
            return 0
    (alo, ahi), (blo, bhi) = a.years, b.years
    if alo == ahi == blo == bhi:
        # One Gregorian year on both sides; a Solar Hijri year or an approximate one spans two
        # or three, so "overlap" is weaker evidence than this.
        return 1
    if _same_calendar_year(a.birth, b.birth):
        # "1361" on both sides is one year, whichever calendar it is counted in.
        return 1
    gap = max(blo - ahi, alo - bhi, 0)
    if gap == 0:
        return 2
    if gap <= 1:
        return 3
    if gap <= 3:
        return 4
    return 5


def _same_calendar_year(x: BirthDate | None, y: BirthDate | None) -> bool:
    return (
        x is not None and y is not None and x.calendar == y.calendar and x.year == y.year
        and not x.approximate and not y.approximate
    )


def compare_category(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    return 0 if a == b else 1


# Claimed dates are remembered, recorded ones typed from contracts: half a year of slack.
PERIOD_SLACK = 183


def compare_period(a: tuple[int, int] | None, b: tuple[int, int] | None) -> int | None:
    """same: both start and end within a year of each other (two claims of one service, each
    remembered within half a year; or a claim and the one contract it was); edge: inside, and
    the periods also start or end within half a year of each other (the first or last contract
    of the span an applicant claims); inside: one known period lies
    within the other (an applicant claims the whole span of service, an HR record covers one
    contract); overlap; within a year; further apart."""
    if a is None or b is None:
        return None
    known = OPEN_START not in (a[0], b[0]) and OPEN_END not in (a[1], b[1])
    if known and abs(a[0] - b[0]) <= 2 * PERIOD_SLACK and abs(a[1] - b[1]) <= 2 * PERIOD_SLACK:
        return 0
    if known and (
        (a[0] - PERIOD_SLACK <= b[0] and b[1] <= a[1] + PERIOD_SLACK)
        or (b[0] - PERIOD_SLACK <= a[0] and a[1] <= b[1] + PERIOD_SLACK)
    ):
        return 1 if abs(a[0] - b[0]) <= PERIOD_SLACK or abs(a[1] - b[1]) <= PERIOD_SLACK else 2
    gap = max(b[0] - a[1], a[0] - b[1], 0)
    if gap == 0:
        return 3
    if gap <= 366:
        return 4
    return 5


def compare_extra(a: str | None, b: str | None) -> int | None:
    if not a or not b:
        return None
    if a == b:
        return 0
    sim = JaroWinkler.similarity(a, b)
    if sim >= 0.92:
        return 1
    if sim >= 0.80:
        return 2
    return 3


def extra_fields(a: Prepared, b: Prepared) -> list[str]:
    return sorted({k for k, _ in a.extra} | {k for k, _ in b.extra})


def compare_rest(a: Prepared, b: Prepared, extra_names: tuple[str, ...] = (), birth: bool = True) -> list[int | None]:
    levels = [compare_birth(a, b)] if birth else []
    levels += [
        compare_category(a.unit, b.unit),
        compare_category(a.role, b.role),
        compare_category(a.location, b.location),
        compare_period(a.period, b.period),
    ]
    if extra_names:
        ea, eb = dict(a.extra), dict(b.extra)
        levels += [compare_extra(ea.get(k), eb.get(k)) for k in extra_names]
    return levels


def compare(a: Prepared, b: Prepared, extra_names: tuple[str, ...] = ()) -> list[int | None]:
    """Levels for every field, in the order of FIELDS_LEVELS then extra_names."""
    return [compare_name(a.name, b.name), compare_name(a.father, b.father)] + compare_rest(a, b, extra_names)
