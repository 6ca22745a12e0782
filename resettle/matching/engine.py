"""Index, candidate search, record linkage and applicant de-duplication."""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import math
import os
import random
from array import array
from collections import Counter, defaultdict
from operator import attrgetter
from typing import Callable, Iterable, Iterator, Sequence

import numpy as np

from resettle.names.keys import fold_token, is_common, skeleton

from . import features as F
from .features import _NAME_CACHE, Prepared, compare, prepare_applicant, prepare_record
from .model import ApplicantIn, Candidate, Contribution, Deduplication, DuplicatePair, FieldError, Match, RecordIn
from .params import Parameters, estimate_u, prior_m, smooth_m

# A pair is called a match at or above this probability: the Bayes decision point when a missed
# match and a false one cost the same. Every match still goes to a reviewer; nothing is
# confirmed automatically (docs/matching.md).
DEFAULT_THRESHOLD = 0.5

# Keys shared by more records than this say too little to be worth comparing on their own; the
# other, more specific keys of the same person still find the record.
MAX_BLOCK = 600
# A key this rare is enough on its own to compare the records.
RARE_KEY = 40
# Smaller caps for the kinds of key that are broad on their own: a consonant skeleton x birth
# year, the whole name, or a name x father pair shared by more than this many records is a
# common name, and the same person is then also found by a narrower key. Measured on the
# benchmark: above 250 these keys added a fifth of all candidates compared and 0.0002 of link
# F1; at 150, 0.0008.
NARROW_BLOCK = {"ky": 250, "gy": 250, "s": 250, "f": 250, "fg": 250, "fgk": 250, "d": 60, "sk": 250, "r": 60, "dk": 100}
# Another record of the same person shares a small name x father or whole-name block. Shared by
# more records than this, the name is too common to carry a record over on its own (measured:
# 150 -> 60 changed link F1 by 0.0001 and saved a tenth of the time).
SIBLING_BLOCK = 60
# A key over its cap is not simply dropped (issue 13: at 200,000 records, three in five true
# records missing from the candidates shared only such keys with the applicant). Its records
# that no narrower key of the applicant's could reach, because the field that key pairs the
# name with (birth year, father's name) is missing on one side or the years are one apart,
# and whose unit and period of service fit the claim (a period within PERIOD_SLACK days of
# it), are compared when there are at most NARROWED of them; keys of more than NARROWED_SCAN
# records are not looked into.
NARROWED = 1000
NARROWED_SCAN = 20_000
PERIOD_SLACK = 365
# An applicant whose candidates hold none at or above WIDE_BELOW (shown probability) is
# looked for again, more widely (issue 13: at 200,000 records the true records missing from the
# list came in groups, every record of an applicant whose list had no strong candidate, because
# a slip in the name had cost the keys that would have narrowed a common name). Only those
# applicants pay: their keys over the caps are looked into again with the service narrowing
# alone (no assumption that a narrower key reached the rest), and names one letter away
# (_near_keys) are looked into among the records whose birth year or unit agrees. At most
# WIDE_KEY records of one key after narrowing and WIDE_MAX in all.
# 0.95 rather than 0.5: an applicant with one fair candidate often has another record (a
# rotation) spelt worse, which only this search finds (measured on our generator at 200,000 x
# 20,000, with the names one letter away by the whole name's skeleton: within five 0.9890 ->
# 0.9898 for a third more applicants searched, paid for by testing the small keys at once).
WIDE_BELOW = 0.95
WIDE_KEY = 1000
WIDE_MAX = 4000
# Spellings shorter than this have whole common names for neighbours.
NEAR_MIN = 4
# Keys on a single part of a name (a distinctive part, or its skeleton): mostly namesakes on
# their own, and where a slip is looked for one letter away (_near_keys).
_PART_KINDS = ("t:", "k:")
_KINDS_WITH_YEAR = frozenset({"y", "ky", "gy", "dk", "fy", "fky"})
_KINDS_WITH_FATHER = frozenset({"f", "fk", "fg", "fgk", "fy", "fky"})
RANDOM_PAIRS = 60_000
# Fellegi-Sunter takes the fields to be independent, and within a family they are not: where the
# names disagree (share at most one part, or nothing), an agreeing father's name is what a brother
# or a relative claiming a relative's service looks like, so it counts for at most this many bits.
# Measured at full size: 860 -> 795 false matches, 5 true ones lost (0 bits: the same; 2 keeps a
# little for de-duplication).
FAMILY_NAME_LEVEL = F.NAME_LEVELS.index("partial")
FAMILY_FATHER_CAP = 2.0
# m estimation (calibrate): applicants sampled, and how sure a pair must be without a field
# (log2 odds, about 0.99) before that field's level counts as what the same person looks like.
M_SAMPLE = 2000
M_CONFIDENT = 6.6
M_ROUNDS = 3
# Candidates less likely than about 1 in 1000 are of no use to a reviewer.
CANDIDATE_FLOOR = -10.0
# Calibration of link probabilities (Platt scaling on the log-odds): calibrated log2 odds =
# a * model log2 odds + b, fitted by bench/matching/calibrate.py on the first benchmark
# generator's truth at seeds the benchmark does not use (data/calibration.json says which).
# Fellegi-Sunter takes the fields to be independent and they are not (a brother shares the
# father's name and the family name), and the prior is estimated without truth: the scores rank
# well but a verifier reads "0.6" as "right 6 times in 10". De-duplication is not recalibrated.
CALIBRATION_FILE = os.path.join(os.path.dirname(__file__), "data", "calibration.json")
# The shipped b is wrong on data made otherwise (on a second, independent generator pairs shown
# at 0.33 were right 62% of the time; on a held-back set pairs at 0.95-0.99 only 73%), so link
# re-measures it on the data being matched, without truth (Index._fit_shift): role and period
# are witnesses; among candidate pairs the model finds about as likely without one of them, how
# often it agrees says what share is one person. Unit and place are not witnesses: namesakes
# and relatives share them far more often than random pairs (with them the estimate was 7-9
# bits too high on our generator). The estimate is believed only beyond SHIFT_TRUST bits of
# the shipped b (on data with known truth it was off by up to 0.6 bits: 2,000 to 200,000
# records), and only that excess is applied.
SHIFT_WITNESSES = ("role", "period")
SHIFT_FLOOR = -12.0
SHIFT_TOP = 20.0
SHIFT_TRUST = 0.5
# A normal prior on b around the shipped value (bits), so that a file of a few applicants keeps it.
SHIFT_PRIOR_SD = 2.0


def load_calibration(path: str = CALIBRATION_FILE) -> tuple[float, float]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return float(data["a"]), float(data["b"])
    except FileNotFoundError:
        return 1.0, 0.0


# A verifier's search scores at most this many records (those sharing most keys with the query).
SEARCH_POOL = 3000

Progress = Callable[[Iterable], Iterable]
# map(fn, args) in order, possibly in worker processes that hold the index (_workers).
Mapper = Callable[[Callable, list], Iterable]


def _blocking_keys(p: Prepared, query: bool = False) -> set[str]:
    """Compound keys (name x father, name x birth year, father x year x initial, the whole
    name with a slip) find a person even when one of the fields is misspelt or missing;
    single-token keys only help when rare.

    With query (an applicant looking for records), the keys that pair the father's name
    with the birth year (and the name's initial) also look a year either side: people often
    give a year off by one, and where the name is slipped the father's name is the only other
    tie (measured on our generator at 200,000 x 20,000: a quarter of the true records sharing
    no key with the applicant). These keys are narrow, so three years of them stay cheap;
    the index side keeps one year, so the index does not grow."""
    name, father = p.name, p.father
    years = range(p.years[0], p.years[1] + 1) if p.years else ()
    near_years = range(p.years[0] - 1, p.years[1] + 2) if p.years and query else years
    keys: set[str] = set()
    if name:
        keys.update(_name_keys(name))
        if p.years:
            keys.update(_name_year_keys(name, p.years))
        if father:
            keys.update(_name_father_keys(name, father))
    if father and years:
        keys.update(_father_year_keys(name, father, near_years))
    keys.update(_extra_keys(p.extra))
    return keys


def _name_father_keys(name: F.NameFeat, father: F.NameFeat) -> set[str]:
    keys = set()
    for t in name.distinctive:
        for f in father.distinctive:
            keys.add(f"f:{t}:{f}")
            keys.add(f"fk:{skeleton(t)}:{skeleton(f)}")
    # The first part as written with the father's, where that part is a common given name: one
    # side gives only the given names ("Sayyid Muhammad", father Mir Mahdi) and the other adds
    # the family name ("Sayyid Muhammad Amiri"), so the distinctive parts the keys above pair
    # are a given name on one side and the family name on the other (issue 13's first pattern;
    # bench.matching.patterns given_only). Common on both sides by the same test, whether or
    # not the name has a distinctive part.
    first = name.tokens[0]
    if is_common(first):
        sf = skeleton(first)
        for f in father.distinctive:
            keys.add(f"fg:{first}:{f}")
            keys.add(f"fgk:{sf}:{skeleton(f)}")
    return keys


def _father_year_keys(name: F.NameFeat | None, father: F.NameFeat, years: Iterable[int]) -> set[str]:
    # The given name's initial too (the first part as written, however common): an
    # applicant who gives only the given names ("Ahmad", father Karim) meets the record
    # that adds the family name ("Ahmad Karimi"), whose distinctive part is the family name.
    initials = {skeleton(t)[:1] for t in (name.distinctive if name else ())}
    if name:
        initials.add(skeleton(name.tokens[0])[:1])
    initials = initials or {""}
    keys = set()
    for f in father.distinctive:
        sf = skeleton(f)
        for y in years:
            for i in initials:
                keys.add(f"fy:{f}:{y}:{i}")
                keys.add(f"fky:{sf}:{y}:{i}")
    return keys


def _deletions(v: str) -> set[str]:
    """v and v with one letter left out: two spellings one letter apart (wrong, missing or
    extra) share one of these (symmetric deletion, as in SymSpell)."""
    return {v} | {v[:j] + v[j + 1:] for j in range(len(v))}


def _deletion_table(spellings: Iterable[tuple[str, str]]) -> dict[str, str | tuple[str, ...]]:
    """(kind, spelling) pairs by kind + each of the spelling's deletions, for
    _one_letter_away."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for kind, v in spellings:
        for d in _deletions(v):
            grouped[kind + d].append(v)
    # A single spelling as itself: most deletions belong to one name only.
    return {d: (vs[0] if len(vs) == 1 else tuple(vs)) for d, vs in grouped.items()}


def _one_letter_away(table: dict[str, str | tuple[str, ...]], kind: str, v: str) -> Iterator[str]:
    """The spellings of a _deletion_table of this kind at most one letter away from v."""
    for d in _deletions(v):
        hit = table.get(kind + d)
        if hit is not None:
            yield from (hit if isinstance(hit, tuple) else (hit,))


def _extra_keys(extra: tuple[tuple[str, str], ...]) -> set[str]:
    # A grandfather's name is shared by whole families and clans: evidence, not a key.
    return {f"x:{k}:{v}" for k, v in extra if k != F.GRANDFATHER}


def _build_postings(items: Sequence[Prepared]) -> dict[str, array]:
    """Each record's blocking keys (_blocking_keys, index side) -> the ascending numbers of the
    records holding it, as 4-byte arrays.

    Each family of keys depends on a few fields only (the name; the name and birth years; the
    name and father's name; those and the years; the extra fields), and many records share
    them (200,000 records, 43,000 names), so records are grouped on those fields first and
    every key is made and posted once per group rather than once per record: about 34 keys
    per record were 7 million list appends. The families' keys never coincide (each has its
    own prefix), so a record reaches a key through one group only and a sort restores the
    order record by record gave."""
    by_name: dict[int, list[int]] = defaultdict(list)
    by_name_years: dict[tuple, list[int]] = defaultdict(list)
    by_pair: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_father_years: dict[tuple, list[int]] = defaultdict(list)
    by_extra: dict[tuple, list[int]] = defaultdict(list)
    names: dict[int, F.NameFeat] = {}
    fathers: dict[int, F.NameFeat] = {}
    for i, p in enumerate(items):
        name, father, years = p.name, p.father, p.years
        ns = -1
        if name is not None:
            ns = name.serial
            names[ns] = name
            by_name[ns].append(i)
            if years:
                by_name_years[(ns, years)].append(i)
        if father is not None:
            fathers[father.serial] = father
            if name is not None:
                by_pair[(ns, father.serial)].append(i)
            if years:
                by_father_years[(ns, father.serial, years)].append(i)
        if p.extra:
            by_extra[p.extra].append(i)
    postings: dict[str, list[int]] = defaultdict(list)

    def post(keys, idx):
        for k in keys:
            postings[k].extend(idx)

    for ns, idx in by_name.items():
        post(_name_keys(names[ns]), idx)
    for (ns, years), idx in by_name_years.items():
        post(_name_year_keys(names[ns], years), idx)
    for (ns, fs), idx in by_pair.items():
        post(_name_father_keys(names[ns], fathers[fs]), idx)
    for (ns, fs, years), idx in by_father_years.items():
        post(_father_year_keys(names.get(ns), fathers[fs], range(years[0], years[1] + 1)), idx)
    for extra, idx in by_extra.items():
        post(_extra_keys(extra), idx)
    # The groups' lists before the arrays are made: tens of megabytes off the peak.
    del by_name, by_name_years, by_pair, by_father_years, by_extra
    out: dict[str, array] = {}
    # One key at a time, so the lists are freed as the arrays are made.
    for k in list(postings):
        post_k = postings.pop(k)
        post_k.sort()
        out[k] = array("i", post_k)
    return out


# Keys that depend on the name alone, or on the name and the birth years, by the name's serial:
# most records share their name with others (measured: 200,000 records, 43,000 names), and
# the slip keys of a name are dozens of strings. Bounded like the comparison cache.
_NAME_KEYS: dict[int, frozenset[str]] = {}
_NAME_YEAR_KEYS: dict[tuple[int, int, int], frozenset[str]] = {}
_KEY_CACHE_MAX = 500_000


def _name_keys(name: F.NameFeat) -> frozenset[str]:
    keys = _NAME_KEYS.get(name.serial)
    if keys is None:
        out = {
            "s:" + "_".join(name.bag),
            # The whole name's skeleton: a Dari-script name and its Latin form, where the parts
            # the variant table does not know meet only by skeleton and no other key survives.
            "sk:" + "_".join(name.skel),
            # The name run together (as written, and sorted): a word break in the wrong place.
            "r:" + name.run,
            "r:" + name.sorted_run,
        }
        out.update(_slip_keys(name))
        for t in name.distinctive:
            out.add("t:" + t)
            out.add("k:" + skeleton(t))
        if len(_NAME_KEYS) >= _KEY_CACHE_MAX:
            _NAME_KEYS.clear()
        keys = _NAME_KEYS[name.serial] = frozenset(out)
    return keys


def _name_year_keys(name: F.NameFeat, years: tuple[int, int]) -> frozenset[str]:
    cache_key = (name.serial, years[0], years[1])
    keys = _NAME_YEAR_KEYS.get(cache_key)
    if keys is None:
        out = set()
        given = _leading_given(name)
        for y in range(years[0], years[1] + 1):
            out.update(f"{k}:{y}" for k in _skeleton_slip_keys(name))
            for t in name.distinctive:
                out.add(f"y:{t}:{y}")
                out.add(f"ky:{skeleton(t)}:{y}")
            if given:
                out.add(f"gy:{given}:{y}")
        if len(_NAME_YEAR_KEYS) >= _KEY_CACHE_MAX:
            _NAME_YEAR_KEYS.clear()
        keys = _NAME_YEAR_KEYS[cache_key] = frozenset(out)
    return keys


def _leading_given(name: F.NameFeat) -> str:
    """The common given names the name starts with, by skeleton ("ghulam hasan" of "Ghulam Hasan
    Hashimi", "Ahmad Jan" of "احمد جان کریمی"), or "" when it starts with a rarer part. Paired
    with the birth year, it meets the same person where one side gives only the given names and
    no father's name, and the other adds a family name: their distinctive parts then differ
    (issue 13's first pattern; bench.matching.patterns given_only)."""
    run = []
    for t in name.tokens:
        if not is_common(t):
            break
        run.append(skeleton(t))
    return "_".join(run)


# Whether two names can at best agree fuzzily (neither exact, contained, skeleton nor a slip of
# the pen), by their serials: the same pairs come up for many applicants (fathers' names above
# all), and these names are never compared in full (see Index._reachable).
_FUZZY_ONLY: dict[tuple[int, int], bool] = {}


def _fuzzy_only(x: F.NameFeat, y: F.NameFeat) -> bool:
    key = (x.serial, y.serial)
    v = _FUZZY_ONLY.get(key)
    if v is None:
        if len(_FUZZY_ONLY) >= 2_000_000:
            _FUZZY_ONLY.clear()
        v = _FUZZY_ONLY[key] = F.at_best_fuzzy(x, y) and not F.slip_of_the_pen(x, y)
    return v


SLIP_KEY_MIN = 4


def _slip_keys(name: F.NameFeat) -> set[str]:
    """The whole name with one letter of one distinctive part left out (and as it is): two
    spellings of a name of several parts with one letter wrong, missing, extra or swapped in
    one part share one of these, where the name's other keys are lost to the slip (no father's name or birth
    year to pair with the other parts). Single-part names are left to the other keys: their
    neighbourhoods are whole common names."""
    if len(name.bag) < 2:
        return set()
    # Folded, as the slip's other side is: an unknown spelling is only ever folded, while a
    # known name is spelled the table's way ("mahmood" folds to "mahmud", as "Iahmood" does
    # to "iahmud").
    parts = sorted((fold_token(t), t in name.distinctive) for t in name.bag)
    bag = tuple(f for f, _ in parts)
    keys = set()
    for i, (t, distinctive) in enumerate(parts):
        if not distinctive:
            # A slip in a common part (Mohammad, Ghulam) leaves the distinctive part's own
            # keys standing.
            continue
        # The other parts (still sorted) and the part that may hold the slip.
        rest = "d:" + "_".join(bag[:i] + bag[i + 1 :]) + "|"
        keys.add(rest + t)
        if len(t) >= SLIP_KEY_MIN:
            keys.update(rest + t[:j] + t[j + 1 :] for j in range(len(t)))
    return keys


SKELETON_SLIP_MIN = 3


def _skeleton_slip_keys(name: F.NameFeat) -> set[str]:
    """A one-part name's consonant skeleton, as it is and with one letter after the first left
    out, each paired with a birth year by the caller: a name with one consonant wrong, missing,
    extra or swapped ("Rasid" / "Rasheed", "Nqjib" / "نجیب") when nothing else ties the two
    sides together.

    A one-part name with a slip has no other key left: its only part, spelt differently, is
    neither the same token nor the same skeleton, and slip keys (_slip_keys) are only made for
    names of several parts. Measured on our generator at 200,000 x 20,000: such pairs were two
    thirds of the true records sharing no key with the applicant. Vowels are not in the
    skeleton, so a vowel slip costs nothing; the birth year keeps the neighbourhood small."""
    if len(name.bag) > 1:
        # Names of several parts have slip keys of their own (_slip_keys); these keys cost
        # memory in every record (measured: the index over 3 GB at 200,000 records with them).
        return set()
    whole = "".join(name.skel)
    if len(whole) < SKELETON_SLIP_MIN:
        return {"dk:" + whole}
    return {"dk:" + whole} | {"dk:" + whole[:j] + whole[j + 1 :] for j in range(1, len(whole))}


def _token_freq(feats: Iterable[F.NameFeat | None]) -> tuple[dict[str, float], dict[tuple[str, ...], float], int]:
    """Share of names containing each token, and share of names that are exactly each bag
    (of tokens, and of skeletons)."""
    # Counted once per distinct name (its serial), times how many records have it: the same
    # counts, for 43,000 names rather than 200,000 records.
    present = [nf for nf in feats if nf is not None]
    n = len(present)
    times = Counter(map(attrgetter("serial"), present))
    by_serial = {nf.serial: nf for nf in present}
    counts: Counter[str] = Counter()
    bags: Counter[tuple] = Counter()
    for serial, c in times.items():
        nf = by_serial[serial]
        for t in set(nf.bag):
            counts[t] += c
        bags[nf.bag] += c
        bags[("#skel",) + nf.skel] += c
    if not n:
        return {}, {}, 0
    return {t: c / n for t, c in counts.items()}, {b: c / n for b, c in bags.items()}, n


def _token_repeats(feats: Iterable[F.NameFeat]) -> dict[str, int]:
    """Tokens some name repeats ("Mohammad Mohammad"), with the most times any name does."""
    out: dict[str, int] = {}
    for nf in feats:
        if len(set(nf.bag)) < len(nf.bag):
            for t, c in Counter(nf.bag).items():
                if c > out.get(t, 1):
                    out[t] = c
    return out


# Birth years this far apart (0, 1, 2, 3, 4 or more) -> compare_birth's level.
_YEAR_GAP_LEVEL = np.array([2, 3, 4, 4, 5])


class Index:
    """Records prepared and blocked once; then any number of applicants scored against them."""

    def __init__(
        self,
        records: Sequence[RecordIn] | None = None,
        *,
        prepared: Sequence[Prepared] | None = None,
        params: Parameters | None = None,
        progress: Progress | None = None,
        max_block: int = MAX_BLOCK,
        seed: int = 0,
        lazy_params: bool = False,
        of_applicants: bool = False,
        calibration: tuple[float, float] | None = None,
        workers: int | None = None,
    ) -> None:
        # Applications indexed against each other (dedupe) rather than employers' records.
        self.of_applicants = of_applicants
        # (a, b): shown log2 odds = a * model log2 odds + b (load_calibration); none for dedupe.
        self.calibration = calibration or ((1.0, 0.0) if of_applicants else load_calibration())
        # Building creates millions of small objects and no cycles; the cyclic collector would
        # rescan them again and again.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._build(records, prepared, progress, max_block, seed, workers)
        finally:
            if gc_was_enabled:
                gc.enable()
        # Without given parameters, u is measured on random record pairs now, or with
        # lazy_params the first time a score is needed (link() measures it on applicant-record
        # pairs instead, so the CLI builds lazily).
        self.params = None
        if params is not None:
            self.set_params(params)
        elif not lazy_params:
            self._ensure_params()

    def _ensure_params(self) -> None:
        if self.params is None:
            self.set_params(self._default_params(self.items))

    def _build(self, records, prepared, progress, max_block, seed, workers) -> None:
        if prepared is None:
            prepared = _prepare_records(records or [], progress, workers)
        self.items: list[Prepared] = list(prepared)
        self.max_block = max_block
        self.seed = seed
        # Record numbers as 4-byte arrays rather than lists of int objects: a fifth of the
        # memory, and worker processes forked with the index read them without touching
        # (so without copying) the pages that hold them.
        self.postings: dict[str, array] = _build_postings(self.items)
        # The records' keys are in the postings now; kept, they cost about 0.1 GB at 200,000
        # records, and queries need only their own.
        _NAME_KEYS.clear()
        _NAME_YEAR_KEYS.clear()
        self._build_service()
        self.name_freq, self.name_bag_freq, n_names = _token_freq(p.name for p in self.items)
        self.father_freq, self.father_bag_freq, n_fathers = _token_freq(p.father for p in self.items)
        self._min_name_u = 1 / max(n_names, 1)
        self._min_father_u = 1 / max(n_fathers, 1)
        self.extra_names = tuple(sorted({k for p in self.items for k, _ in p.extra}))
        # Per name field, tokens some name holds more than once, and the most times (_name_cap).
        self._token_repeats = [_token_repeats(self._names_by_serial.values()),
                               _token_repeats(self._fathers_by_serial.values())]

    # ---- parameters ----------------------------------------------------------------------

    def _default_params(self, others: Sequence[Prepared], mapper: Mapper | None = None) -> Parameters:
        levels = self._random_levels(others, RANDOM_PAIRS, mapper)
        tmp = Parameters(m=prior_m(self.extra_names), u={}, prior=0.5, extra_names=self.extra_names)
        u = estimate_u(levels, tmp.fields, tmp.levels, distinct_pairs=len(others) * len(self.items))
        return Parameters(
            m=prior_m(self.extra_names), u=u, prior=1 / max(len(self.items), 2), extra_names=self.extra_names
        )

    def set_params(self, params: Parameters) -> None:
        self.params = params
        self._weights = [list(w) for w in params.weight_table()]
        self._m_name = params.m["name"]
        self._m_father = params.m["father"]
        self._prior = params.prior_log2_odds
        # A same-day agreement is only possible when both sides give a full date; otherwise the
        # birth levels are conditional on "not same day", so m and u are renormalised without it
        # (a year-only HR record would else pay for the 30% of m spent on "same day").
        mb, ub = params.m["birth"], params.u["birth"]
        self._birth_noday = [0.0] + [
            math.log2(max(mb[lv] / max(1 - mb[0], 1e-9), 1e-3) / max(ub[lv] / max(1 - ub[0], 1e-9), 1e-6))
            for lv in range(1, len(mb))
        ]
        # Upper bounds of the evidence after the names, for pruning; "same day" is only possible
        # when both sides give a full date.
        rest = sum(max(max(w), 0.0) for w in self._weights[3:])
        birth = self._weights[2]
        self._max_rest_day = rest + max(max(birth), 0.0)
        self._max_rest = rest + max(max(self._birth_noday[1:]), 0.0)
        self._max_after_birth = rest
        # The same tables as arrays, for scoring a block at once (_birth_many, _after_birth_many).
        self._birth_table = np.array(self._weights[2])
        self._birth_noday_table = np.array(self._birth_noday)
        self._period_table = np.array(self._weights[6])
        # Below a typo, name evidence is flat; a typo's is the name's own (_name_ref_u).
        self._fuzzy_max = max(max(self._weights[0][F.TYPO + 1 :]), 0.0)
        self._fuzzy_max_father = max(max(self._weights[1][F.TYPO + 1 :]), 0.0)
        # How much rarer a contained, skeleton or typo agreement than an exact one is among
        # different people, per name field and level (Splink's term-frequency adjustment of a
        # non-exact level is relative to the exact level's u).
        self._tf_scale = [{lv: params.u[f][lv] / max(params.u[f][0], 1e-9) for lv in (1, 2, F.TYPO)}
                          for f in ("name", "father")]
        # A name agreement at level lv weighs log2(_tf_num / how common the name is): m over
        # the level's scale, and never more than the name spelt right (m of exact agreement).
        self._tf_num = []
        for j, m in enumerate((self._m_name, self._m_father)):
            m0 = max(m[0], 1e-3)
            self._tf_num.append([m0] + [min(max(m[lv], 1e-3) / self._tf_scale[j][lv], m0) for lv in (1, 2, F.TYPO)])

    def _random_levels(self, others: Sequence[Prepared], n: int, mapper: Mapper | None = None) -> np.ndarray:
        """Levels of n random (other, record) pairs, compared in the workers where they hold
        these very others (_workers): the same pairs in the same order either way."""
        rng = random.Random(self.seed)
        pairs = []
        if self.items and others:
            for _ in range(n):
                pairs.append((rng.randrange(len(others)), rng.randrange(len(self.items))))
        if mapper is None or others is not _WORKER_APPLICANTS or len(pairs) < 2 * RANDOM_CHUNK:
            rows = _levels_of(self, others, pairs)
        else:
            rows = [r for part in mapper(_random_levels_chunk, [pairs[i : i + RANDOM_CHUNK]
                                                                for i in range(0, len(pairs), RANDOM_CHUNK)])
                    for r in part]
        width = 7 + len(self.extra_names)
        return np.array(rows, dtype=np.int16).reshape(-1, width)

    def calibrate(
        self,
        applicants: Sequence[Prepared],
        *,
        expected_matches: float | None = None,
        estimate_m: bool = True,
        mapper: Mapper | None = None,
    ) -> Parameters:
        """Measure u on random applicant-record pairs, then m on near-certain candidate pairs
        with each field left out in turn (see _estimate_m).

        expected_matches sets the prior (default: one record per applicant). Plain EM on
        candidate pairs was tried and is not used: blocking on names makes name agreement common
        among non-matching candidates, and EM converged to "every candidate is a match" (see
        docs/matching.md).
        """
        base = self._default_params(applicants, mapper)
        if expected_matches is not None and applicants:
            base.prior = min(max(expected_matches / (len(applicants) * len(self.items)), 1e-12), 0.5)
        self.set_params(base)
        if estimate_m:
            self._estimate_m(applicants, estimate_prior=expected_matches is None, mapper=mapper)
        return self.params

    def _estimate_m(
        self, applicants: Sequence[Prepared], estimate_prior: bool = True, mapper: Mapper | None = None
    ) -> None:
        """m per field and level from the data, leaving each field out in turn.

        A candidate pair that is near-certain (M_CONFIDENT) from the other fields alone is taken
        to be one person, and its level on the left-out field is counted; the field never votes
        for its own evidence, which is what made plain EM over all fields collapse to "every
        candidate is a match". Counts are smoothed towards PRIOR_M (params.M_PRIOR_WEIGHT pairs)
        so a small file keeps the documented values. Repeated M_ROUNDS times on the same pairs,
        since new m change which pairs are near-certain.
        """
        if not applicants or not self.items:
            return
        rng = random.Random(self.seed)
        n = len(applicants)
        positions = list(range(n)) if n <= M_SAMPLE else rng.sample(range(n), M_SAMPLE)
        sample = [applicants[i] for i in positions]
        # Pairs scoring low under the priors may still be certain without a strongly disagreeing
        # field, so collect generously once and re-weigh them each round.
        lowest = min(min(w) for w in self._weights) + min(self._birth_noday[1:] + [0.0])
        m_floor = max(M_CONFIDENT + lowest, CANDIDATE_FLOOR - 10)
        # The shift is measured on the same pairs, collected a little lower (one pass).
        shift = self._measures_shift()
        floor = min(m_floor, SHIFT_FLOOR) if shift else m_floor
        rows, tf_bits, day = [], [], []
        if mapper is None:
            parts = [self._m_rows(sample, floor)]
        else:
            # Workers hold the applicants (_workers); only positions travel.
            size = -(-len(positions) // 8)
            parts = mapper(
                _m_rows_chunk, [(positions[i : i + size], floor, self.params) for i in range(0, len(positions), size)]
            )
        for r, t, d in parts:
            rows += r
            tf_bits += t
            day += d
        if not rows:
            return
        L = np.array(rows, dtype=np.int64)
        TF = np.array(tf_bits, dtype=float)
        DAY = np.array(day, dtype=bool)
        params = self.params
        fields = params.fields
        in_m = None
        for _ in range(M_ROUNDS):
            W = self._pair_bits(L, TF, DAY)
            total = self._prior + W.sum(axis=1)
            if in_m is None:
                # The prior's update counts the pairs the m floor collects, as without the shift.
                in_m = total >= m_floor if floor < m_floor else slice(None)
            expected = float(np.sum(1.0 / (1.0 + np.exp2(-np.clip(total[in_m], -60, 60)))))
            counts = {}
            for j, f in enumerate(fields):
                sel = (L[:, j] >= 0) & (total - W[:, j] >= M_CONFIDENT)
                counts[f] = np.bincount(L[sel, j], minlength=len(params.levels(f))).astype(float)
            prior = params.prior
            if estimate_prior:
                # EM's update of the prior: the expected number of matches per applicant
                # (people with several rotations have several records; some have none).
                per_applicant = min(max(expected / len(sample), 0.05), 5.0)
                prior = min(per_applicant / len(self.items), 0.5)
            params = Parameters(m=smooth_m(counts, params.extra_names), u=params.u, prior=prior,
                                extra_names=params.extra_names)
            self.set_params(params)
        if shift:
            W = self._pair_bits(L, TF, DAY)
            a, b0 = self.calibration
            b = self._fit_shift(self._prior + W.sum(axis=1), L, W, a, b0)
            if b is not None and abs(b - b0) > SHIFT_TRUST:
                self.set_params(Parameters(m=params.m, u=params.u, prior=params.prior, extra_names=params.extra_names,
                                           shift=b0 + math.copysign(abs(b - b0) - SHIFT_TRUST, b - b0)))

    def _measures_shift(self) -> bool:
        """Only the shipped calibration of links is re-measured; one given explicitly (tools that
        read the model's own odds) and de-duplication's are used as given."""
        return not self.of_applicants and self.calibration == load_calibration()

    def _pair_bits(self, L: np.ndarray, TF: np.ndarray, DAY: np.ndarray) -> np.ndarray:
        """Per pair (rows of _m_rows) and field, the bits _score gives under the current parameters."""
        params = self.params
        W = np.zeros(L.shape, dtype=float)
        for j, f in enumerate(params.fields):
            col = L[:, j]
            present = col >= 0
            table = np.array(self._weights[j] + [0.0])
            w = table[np.where(present, col, len(table) - 1)]
            if j < 2:
                m_bits = np.log2(np.maximum(np.array(params.m[f]), 1e-3))
                tf = present & (col <= F.TYPO)
                w = np.where(tf, m_bits[np.where(tf, col, 0)] + TF[:, j], w)
            elif j == 2:
                noday = np.array(self._birth_noday + [0.0])
                w = np.where(DAY, w, noday[np.where(present, col, len(noday) - 1)])
            W[:, j] = w
        return W

    def _fit_shift(self, total: np.ndarray, L: np.ndarray, W: np.ndarray, a: float, b0: float) -> float | None:
        """b (bits) such that a pair of model log2 odds s without a witness field is one person
        with probability 1 / (1 + 2^-(a s + b)), fitted to how often the witnesses agree.

        A witness w at level l has likelihood P m_w(l) + (1 - P) u_w(l); b maximises that over
        the pairs and witnesses with a normal prior N(b0, SHIFT_PRIOR_SD) (EM: the M-step is a
        one-parameter logistic regression with offset a s, by Newton). Each witness uses the
        pairs whose odds without it are at least SHIFT_FLOOR minus its most negative weight:
        all of those were collected (total >= SHIFT_FLOOR), whatever the witness says.
        """
        fields = self.params.fields
        s_parts, w_parts = [], []
        for j, f in enumerate(fields):
            if f not in SHIFT_WITNESSES:
                continue
            without = total - W[:, j]
            lo = SHIFT_FLOOR - min(min(self._weights[j]), 0.0)
            keep = (L[:, j] >= 0) & (without >= lo) & (without <= SHIFT_TOP) & (total >= SHIFT_FLOOR)
            s_parts.append(without[keep])
            w_parts.append(W[keep, j])
        if not s_parts or not sum(len(x) for x in s_parts):
            return None
        ln2 = math.log(2)
        s = np.concatenate(s_parts) * (a * ln2)
        wt = np.concatenate(w_parts) * ln2
        tau = 1.0 / (SHIFT_PRIOR_SD * ln2) ** 2
        b = b0 * ln2
        for _ in range(200):
            r = 1.0 / (1.0 + np.exp(-np.clip(s + b + wt, -60, 60)))  # E: P(same | the witness too)
            new = b
            for _ in range(30):
                p = 1.0 / (1.0 + np.exp(-np.clip(s + new, -60, 60)))
                step = (float(np.sum(p - r)) + tau * (new - b0 * ln2)) / (float(np.sum(p * (1 - p))) + tau)
                new -= step
                if abs(step) < 1e-10:
                    break
            done = abs(new - b) < 1e-8
            b = new
            if done:
                break
        return b / ln2

    def _m_rows(self, sample: Sequence[Prepared], floor: float):
        """Levels, name term-frequency bits and day-comparability of every candidate pair of the
        sampled applicants, for _estimate_m."""
        rows, tf_bits, day = [], [], []
        for a in sample:
            for _, i, levels, _ in self.score_prepared(a, floor=floor):
                b = self.items[i]
                if b is a:
                    continue
                rows.append([-1 if lv is None else lv for lv in levels])
                # -log2 u of a name match, measured on this very name (term frequency).
                bits = []
                for j, (x, y) in enumerate(((a.name, b.name), (a.father, b.father))):
                    lv = levels[j]
                    if lv is None or lv > F.TYPO:
                        bits.append(0.0)
                        continue
                    bits.append(-math.log2(self._name_ref_u(j, lv, x, y)))
                tf_bits.append(bits)
                day.append(F.day_comparable(a, b))
        return rows, tf_bits, day

    # ---- blocking and scoring -------------------------------------------------------------

    def _build_service(self) -> None:
        """Per record, as arrays: whether it has a birth year and a father's name, its unit
        and its period of service (for narrowing a key too common to compare on its own)."""
        n = len(self.items)
        self._has_year = np.fromiter((p.years is not None for p in self.items), dtype=bool, count=n)
        self._year_lo = np.fromiter((p.years[0] if p.years else 0 for p in self.items), dtype=np.int32, count=n)
        self._year_hi = np.fromiter((p.years[1] if p.years else 0 for p in self.items), dtype=np.int32, count=n)
        self._has_father = np.fromiter((p.father is not None for p in self.items), dtype=bool, count=n)
        units: dict[str, int] = {}
        self._units = units
        self._unit = np.fromiter((-1 if p.unit is None else units.setdefault(p.unit, len(units)) for p in self.items),
                                 dtype=np.int32, count=n)
        self._period_lo = np.fromiter((F.OPEN_START if p.period is None else p.period[0] for p in self.items),
                                      dtype=np.int64, count=n)
        self._period_hi = np.fromiter((F.OPEN_END if p.period is None else p.period[1] for p in self.items),
                                      dtype=np.int64, count=n)
        self._capped: dict[str, np.ndarray] = {}
        # The same per record for the vectorised first pass of scoring (_reachable): every
        # field after the names, and each name's identity (serial) for its weight per distinct
        # name. Categories as numbers, -1 for missing.
        self._has_period = np.fromiter((p.period is not None for p in self.items), dtype=bool, count=n)
        self._exact_day = np.fromiter((p.exact_day for p in self.items), dtype=bool, count=n)
        self._day = np.fromiter((p.birth.to_gregorian().toordinal() if p.exact_day else 0 for p in self.items),
                                dtype=np.int64, count=n)
        calendars: dict[str, int] = {}
        self._calendars = calendars
        self._calendar = np.fromiter((-1 if p.birth is None else calendars.setdefault(p.birth.calendar, len(calendars))
                                      for p in self.items), dtype=np.int32, count=n)
        self._birth_year = np.fromiter((0 if p.birth is None else p.birth.year for p in self.items),
                                       dtype=np.int64, count=n)
        self._approx = np.fromiter((p.birth is not None and p.birth.approximate for p in self.items),
                                   dtype=bool, count=n)
        self._category_ids: list[dict[str, int]] = []
        self._categories: list[np.ndarray] = []
        for field in ("unit", "role", "location"):
            ids: dict[str, int] = {}
            self._category_ids.append(ids)
            self._categories.append(np.fromiter(
                (ids.setdefault(v, len(ids)) if (v := getattr(p, field)) else -1 for p in self.items),
                dtype=np.int32, count=n))
        self._names_by_serial: dict[int, F.NameFeat] = {}
        self._fathers_by_serial: dict[int, F.NameFeat] = {}
        self._name_serial = np.fromiter(
            (-1 if p.name is None else self._names_by_serial.setdefault(p.name.serial, p.name).serial
             for p in self.items), dtype=np.int64, count=n)
        self._father_serial = np.fromiter(
            (-1 if p.father is None else self._fathers_by_serial.setdefault(p.father.serial, p.father).serial
             for p in self.items), dtype=np.int64, count=n)

    def _narrowed(self, a: Prepared, key: str, post: list[int]) -> np.ndarray:
        """The records of a key too common to compare on its own that no narrower key of the
        applicant's could reach, and whose recorded service fits the claim (see NARROWED)."""
        kind = key[: key.index(":")]
        by_year = a.years is not None and kind not in _KINDS_WITH_YEAR
        no_father = a.father is not None and kind not in _KINDS_WITH_FATHER
        cache_key = (key, no_father)
        arr = self._capped.get(cache_key)
        if arr is None:
            # Most applicants give a father's name, so the records left are those without
            # one: a few of each key, worked out once.
            arr = np.asarray(post, dtype=np.int64)
            if no_father:
                arr = arr[~self._has_father[arr]]
            self._capped[cache_key] = arr
        if not len(arr):
            return arr
        keep = None
        if by_year:
            # Name x birth year reaches the records of the applicant's years; left are those
            # with no year, or one a year off (people often give a year off by one).
            lo, hi = a.years
            ylo, yhi = self._year_lo[arr], self._year_hi[arr]
            keep = ~self._has_year[arr] | (((ylo == hi + 1) | (yhi == lo - 1)))
        if a.unit is not None:
            units = self._unit[arr]
            fits = (units == self._units.get(a.unit, -2)) | (units == -1)
            keep = fits if keep is None else keep & fits
        if a.period is not None:
            lo, hi = a.period
            fits = (self._period_lo[arr] <= hi + PERIOD_SLACK) & (self._period_hi[arr] >= lo - PERIOD_SLACK)
            keep = fits if keep is None else keep & fits
        return arr if keep is None else arr[keep]

    def _compared_in_full(self, key: str, n: int) -> bool:
        """Whether _block compares every record of a key shared by n records: a rare key, or a
        compound one (two fields, or the whole name) within its kind's cap."""
        return n <= RARE_KEY or (n <= min(NARROW_BLOCK.get(key[: key.index(":")], n), self.max_block)
                                 and not key.startswith(_PART_KINDS))

    def _block(self, a: Prepared) -> set[int]:
        """Records sharing a compound key (name x father, name x year, father x year, whole
        name) or a rare key with a, or two single-token keys. The same person shares several
        keys even with a field misspelt or missing; one shared common token is mostly a
        namesake. A key too common for that still brings in the few records of it that are
        narrowed by service and that no narrower key could reach (_narrowed)."""
        counts: Counter[int] = Counter()
        out: set[int] = set()
        for k in _blocking_keys(a, query=True):
            post = self.postings.get(k)
            if not post:
                continue
            n = len(post)
            if self._compared_in_full(k, n):
                # Rare keys, and compound keys (two fields, or the whole name) of moderate size.
                out.update(post)
                continue
            if n <= self.max_block and k.startswith("t:"):
                counts.update(post)
            if n <= NARROWED_SCAN and not k.startswith("x:"):
                narrowed = self._narrowed(a, k, post)
                if len(narrowed) <= NARROWED:
                    out.update(narrowed.tolist())
        out.update(i for i, c in counts.items() if c >= 2)
        return out

    def _tf_u(self, nf: F.NameFeat, father: bool, level: int) -> float:
        """How often a random record has this name: the whole name's own frequency for an exact
        match (Splink-style term frequency), its consonant skeleton's for a skeleton match, the
        product of its tokens' for a contained name."""
        floor = self._min_father_u if father else self._min_name_u
        bags = self.father_bag_freq if father else self.name_bag_freq
        if level == 0:
            return max(bags.get(nf.bag, 0.0), floor)
        if level == 2:
            return max(bags.get(("#skel",) + nf.skel, 0.0), floor)
        freq = self.father_freq if father else self.name_freq
        u = 1.0
        for t in nf.bag:
            u *= freq.get(t, floor)
        return max(u, floor)

    def _name_base_u(self, j: int, lv: int, na: F.NameFeat, nb: F.NameFeat) -> float:
        """How common this very name is (term frequency), for an agreement at level lv."""
        father = j == 1
        if lv == F.TYPO:
            # A slip of the pen is as common as the name slipped on: the more common of the
            # two spellings (the slip itself is rare in the file).
            return max(self._tf_u(na, father, 0), self._tf_u(nb, father, 0))
        # The shorter name is what both sides share.
        shared = na if len(na.bag) <= len(nb.bag) else nb
        u = self._tf_u(shared, father=father, level=lv)
        if lv == 2:
            # A skeleton is never rarer than the name spelt one way.
            u = max(u, self._tf_u(shared, father=father, level=0))
        return u

    def _name_ref_u(self, j: int, lv: int, na: F.NameFeat, nb: F.NameFeat) -> float:
        """u of agreeing at level lv (exact to typo) on this very name. For contained,
        skeleton and typo agreement, the name's frequency times how much rarer that level than
        exact agreement is among different people: a Dari-script name can meet its Latin form
        only by skeleton, and weighing that by the skeleton level's share of all matches (most
        are exact) had made it nearly three bits weaker than the same name in one script."""
        u = self._name_base_u(j, lv, na, nb)
        return u * self._tf_scale[j][lv] if lv in (1, 2, F.TYPO) else u

    def _name_weight(self, j: int, lv: int, na: F.NameFeat, nb: F.NameFeat) -> float:
        if lv > F.TYPO:
            return self._weights[j][lv]
        # Term-frequency adjustment: agreeing on a rare name is stronger evidence than agreeing
        # on "Mohammad Ali".
        return math.log2(self._tf_num[j][lv] / self._name_base_u(j, lv, na, nb))

    def _score(self, a: Prepared, b: Prepared, floor: float | None = None):
        """(log2 odds, levels, weights); None when even full agreement on the remaining fields
        could not lift the pair to floor (saves comparing hopeless candidates)."""
        # The comparison cache inlined: this is the innermost loop of linking. The father's
        # name first, so a candidate whose own name can at best be a fuzzy match is dropped
        # before the dear fuzzy comparison when even that could not reach floor: first against
        # the most the other fields could add, then against what they do add (cheap to compare).
        # A typo (cheap to test) weighs like the name itself, so it is never dropped this way.
        rest_max = self._max_rest_day if (a.exact_day and b.exact_day) else self._max_rest
        x, y = a.father, b.father
        lf = None if x is None or y is None else (_NAME_CACHE.get((x.serial, y.serial)) or F.compare_name(x, y))
        wf = 0.0 if lf is None else self._name_weight(1, lf, x, y)
        rest = None
        x, y = a.name, b.name
        if x is None or y is None:
            ln = None
        else:
            ln = _NAME_CACHE.get((x.serial, y.serial))
            if ln is None:
                if floor is not None and F.at_best_fuzzy(x, y) and not F.slip_of_the_pen(x, y):
                    bound = self._prior + wf + self._fuzzy_max
                    if bound + rest_max < floor:
                        return None
                    rest = self._rest(a, b)
                    if bound + rest[2] < floor:
                        return None
                ln = F.compare_name(x, y)
        wn = 0.0 if ln is None else self._name_weight(0, ln, x, y)
        if ln is not None and ln >= FAMILY_NAME_LEVEL and wf > FAMILY_FATHER_CAP:
            wf = FAMILY_FATHER_CAP
        total = self._prior + wn + wf
        if floor is not None and total + rest_max < floor:
            return None
        levels, ws, wrest = rest or self._rest(a, b)
        return total + wrest, [ln, lf] + levels, [wn, wf] + ws

    def _reachable(self, a: Prepared, block: set[int], floor: float) -> list[int]:
        """The records of block whose score may reach floor, for _score to weigh one by one.

        An applicant's block holds hundreds of records and few reach the floor; _score, in
        Python, cost about 25 us each (most of linking's time at 200,000 records). Here every
        field after the names is compared for the whole block at once (the same levels and
        weights as _rest, added in the same order), and the names once per distinct name
        (serial) rather than once per record, taking the most a name could weigh where _score
        would not compare it either. The result is an upper bound of each record's score, so
        a record dropped here is one _score would drop too: the output is unchanged."""
        if len(block) < 16:
            return list(block)
        cand = np.fromiter(block, dtype=np.int64, count=len(block))
        # Everything but the names first; then, before any name is compared, the most the two
        # names could weigh against any record (_name_cap).
        other = self._prior + self._rest_many(a, cand)
        name_cap = self._name_cap(0, a.name)
        keep = other + (name_cap + self._name_cap(1, a.father)) >= floor - 1e-9
        if not keep.all():
            cand, other = cand[keep], other[keep]
            if not len(cand):
                return []
        # Then the father's name, once per distinct name, where the name at its most would not
        # be enough (uncapped: FAMILY_FATHER_CAP only lowers it); then the name where the
        # father's name as weighed would not be. Measured at 200,000 records: the other order
        # makes half as many more dear comparisons (blocking brings names close, fathers not).
        wf = self._name_upper(1, a.father, cand, need=floor - 1e-9 - other - name_cap)
        keep = other + wf + name_cap >= floor - 1e-9
        if not keep.all():
            cand, other, wf = cand[keep], other[keep], wf[keep]
        wn, family = self._name_upper(0, a.name, cand, need=floor - 1e-9 - other - wf, family=True)
        head = other + wn + np.where(family & (wf > FAMILY_FATHER_CAP), FAMILY_FATHER_CAP, wf)
        return cand[head >= floor - 1e-9].tolist()

    def _name_cap(self, j: int, x: F.NameFeat | None) -> float:
        """The most the name (j 0) or father's name (j 1) x can weigh against any record (0
        where the record has none): each level's weight at the least u that level can have
        with x on one side. Exact and skeleton agreement share x's own name or skeleton, so
        their u are x's; a contained name's u is the product of the shorter side's token
        frequencies, never less than that over all of x's tokens; a typo's is the more common
        spelling's, never less than x's."""
        if x is None:
            return 0.0
        father = j == 1
        num = self._tf_num[j]
        u_exact = self._tf_u(x, father, 0)
        freq, floor = (self.father_freq, self._min_father_u) if father else (self.name_freq, self._min_name_u)
        # The rarest contained name: every token x has, each as often as any name repeats it.
        repeats = self._token_repeats[j]
        u_contained = 1.0
        for t in set(x.bag):
            u_contained *= freq.get(t, floor) ** max(x.bag.count(t), repeats.get(t, 1))
        return max(
            0.0,
            math.log2(num[0] / u_exact),
            math.log2(num[1] / max(u_contained, floor)),
            math.log2(num[2] / self._tf_u(x, father, 2)),
            math.log2(num[F.TYPO] / u_exact),
            max(self._weights[j][F.TYPO + 1 :]),
        )

    def _name_upper(self, j: int, x: F.NameFeat | None, cand: np.ndarray, need: np.ndarray | None = None,
                    family: bool = False):
        """The most the name (j 0) or father's name (j 1) x can weigh against each record of
        cand: its weight, or where the two names can at best agree fuzzily (cheap tests), the
        most a fuzzy agreement weighs. 0 where either is missing. With need (per record, the
        weight the name must reach to matter), -inf where a name can at best agree fuzzily
        and not even a slip of the pen on it would reach every need (the dear slip test is
        skipped there). With family, also per record whether the names were compared and
        agree no better than FAMILY_NAME_LEVEL (_score then caps the father's name's weight)."""
        if x is None:
            out = np.zeros(len(cand))
            return (out, np.zeros(len(cand), dtype=bool)) if family else out
        serials, inverse = np.unique((self._name_serial if j == 0 else self._father_serial)[cand], return_inverse=True)
        by_serial = self._names_by_serial if j == 0 else self._fathers_by_serial
        fuzzy_max = self._fuzzy_max if j == 0 else self._fuzzy_max_father
        w = [0.0] * len(serials)
        family_level = [False] * len(serials)
        x_serial = x.serial
        if need is None:
            hopeless = [False] * len(serials)
        else:
            least = np.full(len(serials), np.inf)
            np.minimum.at(least, inverse, need)
            typo_max = max(fuzzy_max, math.log2(self._tf_num[j][F.TYPO] / self._tf_u(x, j == 1, 0)))
            hopeless = (least > typo_max).tolist()
        for k, ser in enumerate(serials.tolist()):
            if ser < 0:
                continue
            y = by_serial[ser]
            lv = _NAME_CACHE.get((x_serial, ser))
            if lv is None and hopeless[k] and F.at_best_fuzzy(x, y):
                w[k] = -math.inf
                continue
            if lv is None and _fuzzy_only(x, y):
                w[k] = fuzzy_max
                continue
            if lv is None:
                lv = F.compare_name(x, y)
            w[k] = self._name_weight(j, lv, x, y)
            family_level[k] = lv >= FAMILY_NAME_LEVEL
        out = np.array(w, dtype=float)[inverse]
        return (out, np.array(family_level, dtype=bool)[inverse]) if family else out

    def _via_reachable(self, a: Prepared, m: Prepared, siblings: list[int], floor: float) -> list[int]:
        """The siblings of matched record m whose _via_score may reach floor. _via_score takes
        for the name, father's name and birth date the better of the applicant's and m's
        agreement with the sibling, so the better of the two upper bounds bounds it; the
        fields after the birth date are the applicant's. A sibling dropped here is one
        _via_score would have left under floor: the output is unchanged."""
        if len(siblings) < 8:
            return siblings
        cand = np.asarray(siblings, dtype=np.int64)
        zero = np.zeros(len(cand))
        ub = self._prior + np.maximum(np.maximum(self._birth_many(a, cand), self._birth_many(m, cand)), zero)
        ub = self._after_birth_many(a, cand, ub)
        # The names' most against any record first (_name_cap), as in _reachable.
        father_cap = max(self._name_cap(1, a.father), self._name_cap(1, m.father))
        keep = ub + max(self._name_cap(0, a.name), self._name_cap(0, m.name)) + father_cap >= floor - 1e-9
        if not keep.any():
            return []
        cand, ub, zero = cand[keep], ub[keep], zero[keep]
        # A side found hopeless (-inf, _name_upper's need) can only lower the better of the two
        # where that side's own weight could not have reached floor either.
        need = floor - 1e-9 - ub - father_cap
        ub = ub + np.maximum(np.maximum(self._name_upper(0, a.name, cand, need),
                                        self._name_upper(0, m.name, cand, need)), zero)
        need = floor - 1e-9 - ub
        ub = ub + np.maximum(np.maximum(self._name_upper(1, a.father, cand, need),
                                        self._name_upper(1, m.father, cand, need)), zero)
        return cand[ub >= floor - 1e-9].tolist()

    def _rest_many(self, a: Prepared, cand: np.ndarray) -> np.ndarray:
        """_rest's total for every record of cand at once (an upper bound where extra fields
        such as a tazkira number are present: those are compared one by one in _score)."""
        return self._after_birth_many(a, cand, self._birth_many(a, cand))

    def _birth_many(self, a: Prepared, cand: np.ndarray) -> np.ndarray:
        """The birth date's weight (compare_birth, _birth_weight) for every record of cand."""
        n = len(cand)
        total = np.zeros(n)
        if a.years is not None:
            has = self._has_year[cand]
            lo, hi = a.years
            blo, bhi = self._year_lo[cand], self._year_hi[cand]
            gap = np.maximum(np.maximum(blo - hi, lo - bhi), 0)
            level = _YEAR_GAP_LEVEL[np.minimum(gap, len(_YEAR_GAP_LEVEL) - 1)]
            same_year = (blo == bhi) & (blo == lo) if lo == hi else np.zeros(n, dtype=bool)
            if a.birth is not None and not a.birth.approximate:
                same_year |= ((self._calendar[cand] == self._calendars.get(a.birth.calendar, -2))
                              & (self._birth_year[cand] == a.birth.year) & ~self._approx[cand])
            level = np.where(same_year, 1, level)
            if a.exact_day:
                comparable = self._exact_day[cand]
                level = np.where(comparable & (self._day[cand] == a.birth.to_gregorian().toordinal()), 0, level)
                w = np.where(comparable, self._birth_table[level], self._birth_noday_table[level])
            else:
                w = self._birth_noday_table[level]
            total = np.where(has, w, 0.0)
        return total

    def _after_birth_many(self, a: Prepared, cand: np.ndarray, total: np.ndarray) -> np.ndarray:
        """total plus the weights of the fields after the birth date, for every record of cand."""
        # Unit, role, location (compare_category): each record's value's weight looked up, the
        # applicant's own agreeing, any other disagreeing, none (-1, the last entry) nothing.
        for j, (value, ids, values) in enumerate(zip((a.unit, a.role, a.location), self._category_ids,
                                                     self._categories)):
            if not value:
                continue
            agree, disagree = self._weights[3 + j][:2]
            lookup = np.full(len(ids) + 1, disagree)
            lookup[-1] = 0.0
            if value in ids:
                lookup[ids[value]] = agree
            total = total + lookup[values[cand]]
        # Period (compare_period).
        if a.period is not None:
            a0, a1 = a.period
            b0, b1 = self._period_lo[cand], self._period_hi[cand]
            slack = F.PERIOD_SLACK
            known = (a0 != F.OPEN_START) & (b0 != F.OPEN_START) & (a1 != F.OPEN_END) & (b1 != F.OPEN_END)
            near0, near1 = np.abs(a0 - b0), np.abs(a1 - b1)
            inside = known & (((a0 - slack <= b0) & (b1 <= a1 + slack)) | ((b0 - slack <= a0) & (a1 <= b1 + slack)))
            gap = np.maximum(np.maximum(b0 - a1, a0 - b1), 0)
            level = np.where(gap == 0, 3, np.where(gap <= 366, 4, 5))
            level = np.where(inside, np.where((near0 <= slack) | (near1 <= slack), 1, 2), level)
            level = np.where(known & (near0 <= 2 * slack) & (near1 <= 2 * slack), 0, level)
            total = total + np.where(self._has_period[cand], self._period_table[level], 0.0)
        for j in range(len(self.extra_names)):
            total = total + max(max(self._weights[7 + j]), 0.0)
        return total

    def _rest(self, a: Prepared, b: Prepared):
        """Levels, weights and their sum for every field after the two names."""
        lb = F.compare_birth(a, b)
        wb = 0.0 if lb is None else self._birth_weight(a, b, lb)
        levels = [lb] + F.compare_rest(a, b, self.extra_names, birth=False)
        ws = [wb]
        total = wb
        for j in range(1, len(levels)):
            lv = levels[j]
            w = 0.0 if lv is None else self._weights[j + 2][lv]
            ws.append(w)
            total += w
        return levels, ws, total

    def _birth_weight(self, a: Prepared, b: Prepared, level: int) -> float:
        if F.day_comparable(a, b):
            return self._weights[2][level]
        return self._birth_noday[level]

    def _siblings(self, i: int) -> set[int]:
        """Records sharing the whole name, or a name token and a father's token, with record i."""
        out: set[int] = set()
        for k in _blocking_keys(self.items[i]):
            if k.startswith(("f:", "s:")):
                post = self.postings.get(k)
                if post and len(post) <= SIBLING_BLOCK:
                    out.update(post)
        out.discard(i)
        return out

    def link_one(self, a: Prepared, threshold_logodds: float):
        """Records linked to one applicant: those at or above the threshold on their own, and
        a matched record's other rotations (often with fewer fields filled in).

        For a record c near a matched record m, P(A=c) >= P(A=m) * P(c=A | A=m): given that m is
        the applicant, c is compared with the person both describe, taking for name, father's
        name and birth date whichever of the applicant's or m's value agrees better (an
        applicant who left out the father's name, a clerk who wrote only a birth year), and
        the applicant's claimed unit, role, place and period as they are.
        """
        self._ensure_params()
        matched = self.score_prepared(a, floor=threshold_logodds, wide=True)
        out = [(t, i, lv, ws, None) for t, i, lv, ws in matched]
        if not matched:
            return out
        p_threshold = _prob(threshold_logodds)
        done = {i for _, i, _, _ in matched}
        best: dict[int, tuple[float, int, float, float]] = {}
        for mt, mi, _, _ in matched:
            m = self.items[mi]
            # p >= p_threshold needs _prob(same) >= p_threshold, so same >= threshold_logodds.
            for c in self._via_reachable(a, m, [c for c in self._siblings(mi) if c not in done], threshold_logodds):
                same = self._via_score(a, m, self.items[c])
                if same is None:
                    continue
                p = _prob(mt) * _prob(same)
                if p >= p_threshold and (c not in best or p > best[c][0]):
                    best[c] = (p, mi, same, _prob(mt))
        for c, (p, mi, same, p_other) in sorted(best.items()):
            own, lv, ws = self._score(a, self.items[c])
            if own >= threshold_logodds:
                continue
            new_total = math.log2(p / (1 - p)) if p < 1 else 60.0
            out.append((new_total, c, lv, ws, (own, self.items[mi].id, same, p_other)))
        return self._one_person(out, threshold_logodds)

    def _one_person(self, entries, threshold_logodds: float | None):
        """An applicant is one person: records of two different people cannot both be theirs.

        The records matched for one applicant are grouped by person: a record joins the
        best-scoring group whose leading record it does not contradict (no disagreeing name,
        father's name or birth year). The best group stands; any other group is one of several
        exclusive hypotheses, so its odds are divided by one plus the odds of the groups it
        competes with. A namesake matching next to the applicant's own, better record then
        falls below the threshold. (Also lifting a lone match, because most applicants have a
        record, was measured and did not pay: docs/matching.md.) Returns (total, i, levels,
        ws, via, rival) at or above the threshold; rival is None or (bits, the best group's
        record id, its probability).
        """
        entries = sorted(entries, key=lambda e: (-e[0], self.items[e[1]].id))
        leaders: list[tuple[int, float]] = []  # (record index, log2 odds) of each group's best
        group_of = []
        for e in entries:
            b = self.items[e[1]]
            for g, (li, _) in enumerate(leaders):
                if _same_person_possible(self.items[li], b):
                    group_of.append(g)
                    break
            else:
                leaders.append((e[1], e[0]))
                group_of.append(len(leaders) - 1)
        odds = [2.0 ** min(t, 60.0) for _, t in leaders]
        all_odds = sum(odds)
        out = []
        for e, g in zip(entries, group_of):
            if g == 0:
                if threshold_logodds is None or e[0] >= threshold_logodds:
                    out.append((*e, None))
                continue
            delta = -math.log2(1.0 + all_odds - odds[g])
            if threshold_logodds is not None and e[0] + delta < threshold_logodds:
                continue
            out.append((*e, (delta, self.items[leaders[0][0]].id, _prob(leaders[0][1]))))
        return out

    def _via_score(self, a: Prepared, m: Prepared, c: Prepared) -> float | None:
        """log2 odds that record c is the applicant, given that record m is: c's name, father's
        name and birth date against the better-agreeing of the applicant's and m's values,
        the rest against the applicant's claim. None when the names disagree (one person's
        records agree on the name at least fuzzily)."""
        mc = [F.compare_name(m.name, c.name), F.compare_name(m.father, c.father)]
        if mc[0] is None or mc[0] >= F.PARTIAL:
            ac = F.compare_name(a.name, c.name)
            if ac is None or ac >= F.PARTIAL:
                return None
        total, levels, ws = self._score(a, c)
        for j, (x, y) in enumerate(((m.name, c.name), (m.father, c.father))):
            lv = mc[j]
            if lv is not None:
                w = self._name_weight(j, lv, x, y)
                if levels[j] is None or w > ws[j]:
                    total += w - ws[j]
        lb = F.compare_birth(m, c)
        if lb is not None:
            w = self._birth_weight(m, c, lb)
            if levels[2] is None or w > ws[2]:
                total += w - ws[2]
        return total

    def _candidate(self, a: Prepared, i: int, total: float, levels, ws, via=None, rival=None) -> Candidate:
        b = self.items[i]
        contribs = tuple(_explain(self, a, b, levels, ws))
        if via is not None:
            own, other_id, same, p_other = via
            contribs += (
                Contribution(
                    "same_person",
                    "via_record",
                    float(total - own),
                    f"on its own {_prob(own):.3f}; record {other_id} matches at {p_other:.3f}, and if it is this "
                    f"applicant, this record is too at {_prob(same):.3f} (its name, father's name and birth date "
                    f"against the better of the applicant's and that record's)",
                ),
            )
        if rival is not None:
            bits, other_id, p_other = rival
            contribs += (
                Contribution(
                    "same_person",
                    "other_person",
                    float(bits),
                    f"record {other_id} matches at {p_other:.3f} and describes a different person (its name, "
                    "father's name or birth date contradicts this record's); the applicant is one of them at most",
                ),
            )
            total += bits
        shown = self.shown_logodds(total)
        if shown != total:
            a, c = self.shown_calibration()
            how = ("b measured on this file: how often role and period agree among candidates the model finds "
                   "about as likely" if self.params.shift is not None else "fitted on data with known truth")
            contribs += (
                Contribution(
                    "calibration", "calibration", float(shown - total),
                    f"calibration: the model's {total:+.1f} bits read as {shown:+.1f} ({a:.2f} x bits {c:+.2f}, "
                    f"{how}), so probabilities mean what they say (docs/matching.md)",
                ),
            )
        return Candidate(record_id=b.id, probability=_prob(shown), log2_odds=shown, contributions=contribs)

    def score_prepared(self, a: Prepared, *, floor: float = CANDIDATE_FLOOR, exclude_id: str | None = None,
                       wide: bool = False):
        """Scored candidates at or above floor (log2 odds), best first. With wide (an
        applicant's candidates), a second, wider search when the first finds none at or above
        WIDE_BELOW, or when the applicant spells a part of a name as no record does
        (_spelt_as_no_record); not for de-duplication (a record compared with records, nearly
        all without a duplicate) nor for m estimation (which only learns from confident pairs)."""
        self._ensure_params()
        block = self._block(a)
        out = self._scored(a, block, floor, exclude_id)
        if wide:
            bar = self.model_logodds(WIDE_BELOW)
            if not any(t >= bar for t, *_ in out) or self._spelt_as_no_record(a):
                out += self._scored(a, self._wide_block(a, block), floor, exclude_id)
        out.sort(key=lambda t: (-t[0], self.items[t[1]].id))
        return out

    def _scored(self, a: Prepared, block: set[int], floor: float, exclude_id: str | None):
        out = []
        for i in self._reachable(a, block, floor):
            b = self.items[i]
            if exclude_id is not None and b.id == exclude_id:
                continue
            scored = self._score(a, b, floor)
            if scored is None or scored[0] < floor:
                continue
            out.append((scored[0], i, scored[1], scored[2]))
        return out

    def _spelt_as_no_record(self, a: Prepared) -> bool:
        """Whether a distinctive part of the applicant's name, or of their father's name, is
        spelt as in no record's name (no record's father's name): most likely a slip on the
        applicant's side. Then every record of theirs differs from the applicant by that slip,
        the keys built on it reach none of them, and a strong candidate found through the other
        keys says nothing of the person's other records (rotations written by other clerks,
        often without a father's name or birth year): the wider search is made as for an
        applicant with no strong candidate (see WIDE_BELOW). Measured on our generator at
        200,000 x 20,000: 333 of 13,076 applicants with a strong candidate searched again, 10
        more true records within five at seed 7 (6 at seed 8, 4 at seed 11, none lost). Tried
        beside it: searching again when the strong candidate's name or father's name agrees
        only as a slip of the pen (9 to 11 more, but two and a half times the searches)."""
        if a.name is not None and any("t:" + t not in self.postings for t in a.name.distinctive):
            return True
        if a.father is None:
            return False
        parts = getattr(self, "_father_parts", None)
        if parts is None:
            parts = self._father_parts = frozenset(
                t for nf in self._fathers_by_serial.values() for t in nf.distinctive)
        return not a.father.distinctive <= parts

    def _fits(self, a: Prepared, arr: np.ndarray, tie: bool = False) -> np.ndarray:
        """The records of arr whose unit, birth year (within a year) and period of service do
        not contradict the applicant's; with tie, only those whose unit or birth year also
        agrees (a one-letter neighbour of a name is otherwise just another name)."""
        return arr[self._fit_mask(a, arr, np.full(len(arr), tie))]

    def _wide_block(self, a: Prepared, done: set[int]) -> set[int]:
        """Records for an applicant the first search found no strong candidate for (see
        WIDE_BELOW), not already in done: those of the applicant's keys over their caps, and of
        the names one letter away from the applicant's (_near_keys), that fit the claim."""
        found: list[tuple[int, str, bool]] = []
        for k in _blocking_keys(a, query=True):
            if k.startswith("x:"):
                continue
            post = self.postings.get(k)
            if post is None or len(post) > NARROWED_SCAN:
                continue
            # Keys the first search compared in full (_block) have nothing more to give; a
            # single part of a name (t, k) is mostly namesakes, and its one-letter neighbours
            # are looked into below (measured: as many true records found without them, at
            # a third less of this search's time).
            if k.startswith(_PART_KINDS) or self._compared_in_full(k, len(post)):
                continue
            found.append((len(post), k, False))
        for k in self._near_keys(a):
            post = self.postings.get(k)
            if post is not None and len(post) <= NARROWED_SCAN:
                found.append((len(post), k, True))
        out: set[int] = set()
        found.sort()
        # The most specific keys first, where the cap on records bites. Most keys (the names one
        # letter away above all) hold a few records, and one _fits call each cost more than
        # what it tested (measured: half of this search's time in 57 calls per applicant), so
        # the keys within WIDE_KEY, which the cap cannot drop, are tested in one call.
        small = 0
        while small < len(found) and found[small][0] <= WIDE_KEY:
            small += 1
        for arr in self._fit_keys(a, found[:small]):
            out.update(arr.tolist())
            if len(out) >= WIDE_MAX:
                out -= done
                return out
        for _, k, tie in found[small:]:
            arr = self._fits(a, np.frombuffer(self.postings[k], dtype=np.int32), tie)
            if len(arr) > WIDE_KEY:
                continue
            out.update(arr.tolist())
            if len(out) >= WIDE_MAX:
                break
        out -= done
        return out

    def _fit_keys(self, a: Prepared, found: list[tuple[int, str, bool]]) -> list[np.ndarray]:
        """For each (size, key, tie) of found, its records that fit the claim (_fits), tested in
        one call."""
        if not found:
            return []
        posts = [np.frombuffer(self.postings[k], dtype=np.int32) for _, k, _ in found]
        sizes = np.fromiter((n for n, _, _ in found), dtype=np.int64, count=len(found))
        ties = np.fromiter((tie for _, _, tie in found), dtype=bool, count=len(found))
        keep = self._fit_mask(a, np.concatenate(posts), np.repeat(ties, sizes))
        ends = np.cumsum(sizes)
        return [arr[keep[end - n:end]] for arr, n, end in zip(posts, sizes, ends)]

    def _fit_mask(self, a: Prepared, arr: np.ndarray, tie: np.ndarray) -> np.ndarray:
        """_fits as a mask over arr, with tie per record, so the records of many small keys are
        tested at once (_fit_keys)."""
        keep = np.ones(len(arr), dtype=bool)
        same = np.zeros(len(arr), dtype=bool)
        if a.unit is not None:
            units = self._unit[arr]
            same = units == self._units.get(a.unit, -2)
            keep &= same | (units == -1)
        if a.years is not None:
            lo, hi = a.years
            has = self._has_year[arr]
            near = has & (self._year_lo[arr] <= hi + 1) & (self._year_hi[arr] >= lo - 1)
            keep &= ~has | near
            same |= near
        if a.period is not None:
            lo, hi = a.period
            keep &= (self._period_lo[arr] <= hi + PERIOD_SLACK) & (self._period_hi[arr] >= lo - PERIOD_SLACK)
        return keep & (same | ~tie)

    def _near_keys(self, a: Prepared) -> set[str]:
        """Keys of the index's names (a distinctive part or its skeleton) one letter away from the applicant's: one letter wrong, missing or extra on
        either side, found as a shared spelling with one letter left out (symmetric deletion,
        as in SymSpell), over a table of the index's spellings built on first use."""
        near = self._near_table()
        mine = set()
        if a.name is not None:
            for t in a.name.distinctive:
                mine.add("t:" + t)
                mine.add("k:" + skeleton(t))
            # The whole name run together against the parts of the index's names: a name
            # written as one word with a slip ("AHMADCNAZARI"). Runs are not in the table
            # (long, and one per name: it had cost more than the search it served).
            if len(a.name.bag) > 1:
                mine.add("t:" + a.name.run)
                mine.add("t:" + a.name.sorted_run)
        out: set[str] = set()
        for k in mine:
            kind, v = k[:2], k[2:]
            if len(v) < NEAR_MIN:
                continue
            out.update(kind + w for w in _one_letter_away(near, kind, v))
        if a.name is not None and len(a.name.bag) > 1:
            # The whole name's skeleton one letter away: a slip in a part too short for a
            # neighbourhood of its own ("Hasan Ashmi" / "Hasan Hashimi", skeletons a$m / h$m) or
            # in a part of a Dari-script name ("Mohammad Rasuli" / "محمد رزولی"), where the other
            # parts (common ones: Mohammad, Hasan) keep the whole name specific (measured: within
            # five 0.9883 -> 0.9890 on our generator at 200,000 x 20,000).
            mine_sk = "_".join(a.name.skel)
            out.update("sk:" + w for w in _one_letter_away(self._near_whole_table(), "", mine_sk))
            out.discard("sk:" + mine_sk)
        out -= mine
        return out

    def _near_whole_table(self) -> dict[str, str | tuple[str, ...]]:
        """The index's whole-name skeletons of several parts by their spellings with one letter
        left out (as _near_table), from the distinct names rather than every key: a tenth of
        the time."""
        table = getattr(self, "_near_whole", None)
        if table is None:
            wholes = {"_".join(nf.skel) for nf in self._names_by_serial.values() if len(nf.bag) > 1}
            table = self._near_whole = _deletion_table(("", v) for v in wholes)
        return table

    def _near_table(self) -> dict[str, str | tuple[str, ...]]:
        table = getattr(self, "_near", None)
        if table is None:
            table = self._near = _deletion_table(
                (k[:2], k[2:]) for k in self.postings if k[:2] in _PART_KINDS and len(k) - 2 >= NEAR_MIN)
        return table

    def candidates(self, applicant: ApplicantIn | Prepared, limit: int = 10) -> list[Candidate]:
        """Best records for one applicant, most probable first, each with its explanation.

        Records below CANDIDATE_FLOOR (about 1 in 1000) are not returned.
        """
        a = applicant if isinstance(applicant, Prepared) else _prepare_applicants([applicant], None)[0]
        scored = self.score_prepared(a, wide=True)[:limit]
        adjusted = self._one_person([(t, i, lv, ws, None) for t, i, lv, ws in scored], None)
        cands = [self._candidate(a, i, t, lv, ws, via, adj) for t, i, lv, ws, via, adj in adjusted]
        cands.sort(key=lambda c: (-c.log2_odds, c.record_id))
        return cands

    # ---- calibration ----------------------------------------------------------------------

    def shown_calibration(self) -> tuple[float, float]:
        """(a, b): shown log2 odds = a * model log2 odds + b; b re-measured on the data being
        matched when calibrate found the shipped one clearly off (_estimate_m)."""
        a, b = self.calibration
        shift = self.params.shift if self.params is not None else None
        return (a, shift) if shift is not None else (a, b)

    def shown_logodds(self, total: float) -> float:
        a, b = self.shown_calibration()
        return a * total + b

    def model_logodds(self, threshold: float) -> float:
        """The model's log2 odds at which the shown probability reaches threshold."""
        a, b = self.shown_calibration()
        return (_threshold_logodds(threshold) - b) / a

    # ---- the verifier's own search ----------------------------------------------------------

    def _father_postings(self) -> dict[str, list[int]]:
        """Records by each distinctive token and skeleton of the father's name (built on the
        first search: linking never needs a father's name on its own)."""
        fp = getattr(self, "_fp", None)
        if fp is None:
            fp = defaultdict(list)
            for i, p in enumerate(self.items):
                if p.father is not None:
                    for t in p.father.distinctive:
                        fp["t:" + t].append(i)
                        fp["k:" + skeleton(t)].append(i)
            self._fp = fp = dict(fp)
        return fp

    def search(self, query: ApplicantIn, limit: int = 20, pool: int = SEARCH_POOL) -> list[Candidate]:
        """Records for a verifier's query when no candidate is right: any spelling of the name in
        either script, or the father's name alone, weighed with whatever else is given (birth,
        unit, role, place, period) exactly as a candidate is, with the same explanation.

        Unlike candidates(), no key is too common to look in and no floor drops a record: the
        records sharing most of the query's keys (every blocking key of the query, and each
        part of the name and of the father's name, by spelling and by skeleton) are scored, up
        to pool of them, and the best limit returned, most probable first. The probability is
        the pair's own: a better record of another person does not lower it, since here the
        verifier, not the matcher, chooses between them.
        """
        self._ensure_params()
        a = _prepare_applicants([query], None)[0]
        if a.name is None and a.father is None:
            raise ValueError("search needs a name or a father's name")
        counts: Counter[int] = Counter()
        keys = set(_blocking_keys(a))
        if a.name is not None:
            for t in a.name.bag:
                keys.update(("t:" + t, "k:" + skeleton(t)))
        for k in keys:
            counts.update(self.postings.get(k, ()))
        if a.father is not None:
            fp = self._father_postings()
            for t in a.father.bag:
                counts.update(fp.get("t:" + t, ()))
                counts.update(fp.get("k:" + skeleton(t), ()))
        scored = []
        for i, _ in counts.most_common(pool):
            total, levels, ws = self._score(a, self.items[i])
            scored.append((total, i, levels, ws))
        scored.sort(key=lambda t: (-t[0], self.items[t[1]].id))
        return [self._candidate(a, i, t, lv, ws) for t, i, lv, ws in scored[:limit]]



def _same_person_possible(x: Prepared, y: Prepared) -> bool:
    """Nothing in two records says they are different people: names agree at least fuzzily,
    fathers' names and birth years (within a year) do not disagree."""
    ln = F.compare_name(x.name, y.name)
    if ln is not None and ln >= F.PARTIAL:
        return False
    lf = F.compare_name(x.father, y.father)
    if lf is not None and lf >= F.PARTIAL:
        return False
    lb = F.compare_birth(x, y)
    return lb is None or lb < 4


def _prob(log2_odds: float) -> float:
    if log2_odds > 60:
        return 1.0
    if log2_odds < -60:
        return 0.0
    o = 2.0 ** log2_odds
    return float(o / (1 + o))


def _fmt_period(p: tuple[int, int]) -> str:
    lo = "?" if p[0] <= F.OPEN_START else datetime.date.fromordinal(p[0]).isoformat()
    hi = "?" if p[1] >= F.OPEN_END else datetime.date.fromordinal(p[1]).isoformat()
    return f"{lo}..{hi}"


def _explain(index: Index, a: Prepared, b: Prepared, levels, ws) -> Iterable[Contribution]:
    params = index.params
    yield Contribution("prior", "prior", float(index._prior), f"prior odds of a match: 1 in {1 / params.prior:,.0f} pairs")
    for j, f in enumerate(params.fields):
        lv = levels[j]
        label = F.FIELD_LABELS.get(f, f)
        if lv is None:
            yield Contribution(f, "missing", 0.0, f"{label}: missing on one side, no evidence")
            continue
        lname = params.levels(f)[lv]
        w = ws[j]
        if f in ("name", "father"):
            na, nb = (a.name, b.name) if f == "name" else (a.father, b.father)
            text = _explain_name(label, lname, na, nb, index, f)
            if f == "father" and levels[0] is not None and levels[0] >= FAMILY_NAME_LEVEL and w == FAMILY_FATHER_CAP:
                text += (f"; counted as {FAMILY_FATHER_CAP:g} bits at most, since the names disagree and relatives "
                         "share a father's name")
        elif f == "birth":
            text = f"{label} {a.birth} vs {b.birth}: " + {
                "same_day": "same day",
                "same_year": "same year",
                "overlap": "possible years overlap",
                "within_1": "one year apart",
                "within_3": "two or three years apart",
                "different": "more than three years apart",
            }[lname]
        elif f == "period":
            text = (
                f"claimed {_fmt_period(a.period)} vs {'claimed' if index.of_applicants else 'recorded'} "
                f"{_fmt_period(b.period)}: "
                + {"same": "they start and end within a year of each other",
                   "edge": "one lies within the other and they start or end together",
                   "inside": "one lies within the other", "overlap": "overlap", "within_1y": "within a year",
                   "apart": "more than a year apart"}[lname]
            )
        elif f in ("unit", "role", "location"):
            va, vb = getattr(a, f), getattr(b, f)
            text = f"{label} {va} {'=' if lname == 'same' else '≠'} {vb}"
        else:
            ea, eb = dict(a.extra), dict(b.extra)
            text = f"{label} {ea.get(f)!r} vs {eb.get(f)!r}: {lname}"
            if f == F.GRANDFATHER:
                text = f"{label} '{ea.get(f)}' vs '{eb.get(f)}' (canonical): " + {
                    "exact": "the same name", "close": "nearly the same spelling", "similar": "similar spelling",
                    "different": "different names"}[lname]
            elif f == F.TAZKIRA:
                text = f"{label}: " + {"exact": "the same digits", "close": "nearly the same digits (Jaro-Winkler 0.92 or more)",
                                       "similar": "similar digits (0.80 or more)", "different": "different numbers"}[lname]
        yield Contribution(f, lname, float(w), text)


def _explain_name(label, lname, na, nb, index, f) -> str:
    pair = f"{na.raw} {'=' if na.raw == nb.raw else '≈'} {nb.raw}"
    if lname == "exact":
        rarity = index._tf_u(na, father=f == "father", level=0)
        return f"{label} {pair}: same canonical key '{na.key}' (about 1 in {1 / rarity:,.0f} names)"
    if lname == "subset":
        return f"{label} {pair}: one adds name parts ('{na.key}' / '{nb.key}')"
    if lname == "skeleton":
        return f"{label} {pair}: same consonant skeleton '{' '.join(na.skel)}' (spelling or script variant)"
    if lname == "typo":
        return (f"{label} {pair}: a slip of the pen ('{na.folded}' / '{nb.folded}': one letter in one part, "
                "or a word break in the wrong place); weighed by how common the name is")
    if lname == "fuzzy":
        return f"{label} {pair}: similar spelling ('{na.folded}' ~ '{nb.folded}', likely typo)"
    if lname == "partial":
        shared = sorted(na.distinctive & nb.distinctive) or sorted(
            {skeleton(t) for t in na.distinctive} & {skeleton(t) for t in nb.distinctive}
        )
        return f"{label} {pair}: share only {', '.join(shared)}"
    return f"{label} {na.raw} ≠ {nb.raw}: different names ('{na.key}' / '{nb.key}')"


# ---- bulk linking -------------------------------------------------------------------------

# Records are prepared in worker processes only from this many on: forking and sending the
# results back cost about a second.
PARALLEL_PREPARE_MIN = 20_000
_WORKER_RECORDS: list[RecordIn] = []
_WORKER_PARTS: list[list[int]] = []


def _prepare_each(items: Sequence, prepare: Callable, id_of: Callable, progress: Progress | None) -> list[Prepared]:
    """prepare over the items in this process; a field it refuses is named with its item's id."""
    out = []
    for item in progress(items) if progress else items:
        try:
            out.append(prepare(item))
        except FieldError as exc:
            raise FieldError(exc.field, exc.message, item_id=str(id_of(item))) from None
    return out


def _prepare_part(part: int):
    """One worker's share of the records, prepared and exported (features.export_prepared), or
    the first of them it cannot prepare, as (position, field, message)."""
    positions = _WORKER_PARTS[part]
    out = []
    for pos in positions:
        r = _WORKER_RECORDS[pos]
        try:
            out.append(prepare_record(r))
        except FieldError as exc:
            return part, None, (pos, exc.field, exc.message)
    return part, F.export_prepared(out, part, len(_WORKER_PARTS)), None


def _prepare_records(records: Sequence[RecordIn], progress: Progress | None, workers: int | None) -> list[Prepared]:
    """prepare_record over the records, in `workers` forked processes when there are many.

    Most of the time goes into names (129,000 distinct texts in 200,000 HR records), so the
    records are shared out by their full name's text: a name is worked out in one process
    only. The main process then numbers the names in record order (features.number_names), so
    the items, serials included, are those preparing them one by one here gives."""
    if not workers or workers <= 1 or len(records) < PARALLEL_PREPARE_MIN or not hasattr(os, "fork"):
        return _prepare_each(records, prepare_record, attrgetter("record_id"), progress)
    import multiprocessing as mp

    global _WORKER_RECORDS, _WORKER_PARTS
    # Two parts a worker: the main process takes in the first ones while the others run.
    n_parts = 2 * workers
    parts: list[list[int]] = [[] for _ in range(n_parts)]
    for pos, r in enumerate(records):
        parts[hash(r.full_name) % n_parts].append(pos)
    _WORKER_RECORDS, _WORKER_PARTS = records, parts
    out: list = [None] * len(records)
    made: dict[int, F.NameFeat] = {}
    errors = []
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            it = pool.imap_unordered(_prepare_part, range(n_parts))
            for part, exported, error in progress(it, total=n_parts) if progress else it:
                if error is not None:
                    errors.append(error)
                    continue
                if errors:
                    continue
                for pos, p in zip(parts[part], F.adopt_prepared(*exported, made)):
                    out[pos] = p
    finally:
        _WORKER_RECORDS, _WORKER_PARTS = [], []
    if errors:
        # The first record in file order that cannot be prepared, named as one process names it.
        pos, field, message = min(errors)
        raise FieldError(field, message, item_id=str(records[pos].record_id))
    F.number_names(out)
    return out


_WORKER_INDEX: Index | None = None
_WORKER_APPLICANTS: list[Prepared] = []




def _worker_index(params: Parameters) -> Index:
    """The index this worker process was forked with, on the caller's current parameters."""
    index = _WORKER_INDEX
    if index.params != params:
        index.set_params(params)
    return index


RANDOM_CHUNK = 5_000


def _levels_of(index: Index, others: Sequence[Prepared], pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """compare's levels (-1 for missing) of (other, record) pairs by position, but an item
    with itself (de-duplication)."""
    rows = []
    items, extra = index.items, index.extra_names
    for ai, bi in pairs:
        a, b = others[ai], items[bi]
        if a.id == b.id and a is b:
            continue
        rows.append([-1 if v is None else v for v in compare(a, b, extra)])
    return rows


def _random_levels_chunk(pairs):
    return _levels_of(_WORKER_INDEX, _WORKER_APPLICANTS, pairs)


def _m_rows_chunk(args):
    positions, floor, params = args
    return _worker_index(params)._m_rows([_WORKER_APPLICANTS[i] for i in positions], floor)


@contextlib.contextmanager
def _workers(index: Index, applicants: list[Prepared], n: int | None):
    """Worker processes forked with the index and the applicants (copy-on-write, so only
    positions and results are pickled, and an applicant indexed for de-duplication is still
    the very item it is compared with), as a Mapper; or None for one process. One process
    unless asked: callers inside a web or task worker should not fork."""
    global _WORKER_INDEX, _WORKER_APPLICANTS
    _WORKER_INDEX, _WORKER_APPLICANTS = index, applicants
    try:
        if not n or n <= 1 or not hasattr(os, "fork"):
            yield None
            return
        import multiprocessing as mp

        with mp.get_context("fork").Pool(n) as pool:
            yield pool.imap
    finally:
        _WORKER_INDEX, _WORKER_APPLICANTS = None, []


def _link_chunk(args) -> list[tuple[str, str, float, tuple[Contribution, ...]]]:
    (start, stop), threshold_logodds, explain, params = args
    index = _worker_index(params)
    chunk = _WORKER_APPLICANTS[start:stop]
    out = []
    for a in chunk:
        for total, i, levels, ws, via, rival in index.link_one(a, threshold_logodds):
            if explain:
                cand = index._candidate(a, i, total, levels, ws, via, rival)
                out.append((a.id, cand.record_id, cand.probability, cand.contributions))
            else:
                p = _prob(index.shown_logodds(total + (rival[0] if rival else 0.0)))
                out.append((a.id, index.items[i].id, p, ()))
    return out


def _threshold_logodds(threshold: float) -> float:
    if not 0 < threshold < 1:
        raise ValueError(f"threshold {threshold} must be between 0 and 1")
    return math.log2(threshold / (1 - threshold))


def _prepare_applicants(applicants: Sequence[ApplicantIn], progress: Progress | None) -> list[Prepared]:
    # In this process: prepared in forked workers as the records are, 20,000 applicants took 6.3 s
    # against 3.9 s here, measured at 200,000 records (the workers' copies of the index's pages
    # and the names sent back cost more than the names' work).
    return _prepare_each(applicants, prepare_applicant, attrgetter("applicant_id"), progress)


def _run_chunks(index: Index, prepared: list[Prepared], threshold: float, mapper: Mapper | None, progress,
                explain: bool = True):
    _threshold_logodds(threshold)  # refuses a threshold outside (0, 1)
    t = index.model_logodds(threshold)
    size = 500
    chunks = [((i, i + size), t, explain, index.params) for i in range(0, len(prepared), size)]
    # Inside _workers: the chunks run where _WORKER_INDEX is this index.
    it = (mapper or map)(_link_chunk, chunks)
    results = []
    for r in progress(it, total=len(chunks)) if progress else it:
        results.extend(r)
    return results


def link(
    records: Sequence[RecordIn] | Index,
    applicants: Sequence[ApplicantIn],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    explain: bool = True,
) -> list[Match]:
    """Every (applicant, record) pair at or above threshold; a person may have several records.

    A record matched by more than one applicant is flagged as a conflict on every such match.
    With explain=False the matches carry no contributions (the CSV contract has no use for
    them, and writing them for every pair costs time).
    """
    index = records if isinstance(records, Index) else Index(records, progress=progress)
    prepared = _prepare_applicants(applicants, progress)
    with _workers(index, prepared, workers if len(prepared) > 500 else 1) as mapper:
        index.calibrate(prepared, mapper=mapper)
        raw = _run_chunks(index, prepared, threshold, mapper, progress, explain)
    by_record: dict[str, set[str]] = defaultdict(set)
    for app_id, rec_id, _, _ in raw:
        by_record[rec_id].add(app_id)
    matches = []
    for app_id, rec_id, p, contribs in raw:
        others = tuple(sorted(by_record[rec_id] - {app_id}))
        matches.append(Match(app_id, rec_id, p, contribs, conflict=bool(others), conflicting_applicants=others))
    matches.sort(key=lambda m: (m.applicant_id, -m.probability, m.record_id))
    return matches


def _dedupe_chunk(args):
    (start, stop), threshold_logodds, params, explain = args
    index = _worker_index(params)
    chunk = _WORKER_APPLICANTS[start:stop]
    out = []
    for a in chunk:
        for total, i, levels, ws in index.score_prepared(a, floor=threshold_logodds, exclude_id=a.id):
            if explain:
                cand = index._candidate(a, i, total, levels, ws)
                out.append((a.id, cand.record_id, cand.probability, cand.contributions))
            else:
                out.append((a.id, index.items[i].id, _prob(total), ()))
    return out


def _clusters(ids: list[str], raw, prepared: dict[str, Prepared]) -> dict[str, str]:
    """Join applications pair by pair, most probable first (union-find; a cluster is named by
    its smallest id). Two groups are not joined through one pair when any other application
    of the one contradicts any of the other (a different name, father's name or birth year:
    one person has one father), as link holds back a record contradicting a better one; the
    pair itself has been weighed with all its evidence. Measured at full size: 15% fewer
    false pairs, no true pair lost."""
    parent = {i: i for i in ids}
    members = {i: [i] for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for x, y, _, _ in sorted(raw, key=lambda r: (-r[2], r[0], r[1])):
        rx, ry = find(x), find(y)
        if rx == ry:
            continue
        if (len(members[rx]) > 1 or len(members[ry]) > 1) and any(
            not _same_person_possible(prepared[a], prepared[b])
            for a in members[rx] for b in members[ry] if {a, b} != {x, y}
        ):
            continue
        if rx > ry:
            rx, ry = ry, rx
        parent[ry] = rx
        members[rx] += members.pop(ry)
    return {i: find(i) for i in ids}


def dedupe(
    applicants: Sequence[ApplicantIn],
    threshold: float = DEFAULT_THRESHOLD,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    explain: bool = False,
) -> Deduplication:
    """Cluster applications of the same person; cluster id = smallest applicant id in the cluster.

    With explain, the result also holds the pairs that scored at or above the threshold (each
    once, with its explanation): what joined the clusters, and any pair held back because its
    two groups contradict each other elsewhere (_clusters).
    """
    prepared = _prepare_applicants(applicants, progress)
    ids = [p.id for p in prepared]
    if len(set(ids)) != len(ids):
        dup = next(i for i, c in Counter(ids).items() if c > 1)
        raise ValueError(f"applicant id {dup} appears more than once")
    index = Index(prepared=prepared, lazy_params=True, of_applicants=True)
    t = _threshold_logodds(threshold)
    raw = []
    with _workers(index, prepared, workers if len(prepared) > 500 else 1) as mapper:
        index.calibrate(prepared, mapper=mapper)
        chunks = [((i, i + 500), t, index.params, explain) for i in range(0, len(prepared), 500)]
        it = (mapper or map)(_dedupe_chunk, chunks)
        for r in progress(it, total=len(chunks)) if progress else it:
            raw.extend(r)
    clusters = _clusters(ids, raw, {p.id: p for p in prepared})
    if not explain:
        return Deduplication(clusters)
    # Each pair is scored from both sides; keep the more probable reading of it, once.
    best: dict[tuple[str, str], DuplicatePair] = {}
    for x, y, p, contribs in raw:
        key = (x, y) if x < y else (y, x)
        if key not in best or p > best[key].probability:
            best[key] = DuplicatePair(x, y, p, contribs)
    return Deduplication(clusters, tuple(best[k] for k in sorted(best)))
