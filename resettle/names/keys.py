"""Canonical Latin keys for personal names, in either script and any common romanisation.

A name becomes a list of canonical tokens:
1. Perso-Arabic text is normalised; known names go through the variant table
   (data/name_variants.csv), unknown ones are transliterated (translit.py).
2. Latin tokens are folded by rules (fold_token) so unseen spellings of one name still meet:
   doubled letters, ee/i, oo/u, ou/u, o/u, e/i, q/gh/k, v/w, dh/z, ph/f, final h, -ullah.
3. Split compounds are joined ("Abdul Rahman", "Habib Ullah", "Abd-al-Rahman") so they meet the
   joined forms ("Abdurrahman", "Habibullah"); titles (Haji, Mullah, Eng.) are dropped.
4. The folded token is looked up in the folded variant table to get the canonical token.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

from .normalise import detect_script, normalise_arabic, normalise_latin, split_father
from .translit import transliterate

DATA = Path(__file__).parent / "data"


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines))


# Prefix particles that glue to the following name ("Abdul Rahman" is one name) and suffixes that
# glue to the preceding one ("Habib Ullah"). Forms are post-fold spellings.
_PREFIXES = {"abdul", "abdal", "abdil", "abdur", "abdar", "abdus", "abdas", "abduz", "abdaz",
             "abdun", "abdush", "abd", "abdu", "abda", "abdi", "abdu"}
_ARTICLES = {"al", "ul", "il", "ar", "ur", "as", "us", "az", "uz", "an", "un", "ad", "ud", "at", "ut", "ash", "ush"}
_SUFFIXES = {"ulla", "alla", "illa", "ula", "ala", "ila", "la", "lla", "din", "udin", "adin", "idin", "uldin",
             # -zada ("son of") and the Pashtun -zai of family names: "Sharif Zada" is Sharifzada.
             "zada", "zadi", "zai"}



@functools.lru_cache(maxsize=100_000)
def fold_token(token: str) -> str:
    """Rule-based folding of one Latin token so romanisation variants meet."""
    t = token.lower()
    t = re.sub(r"[^a-z$]", "", t)
    if not t:
        return ""
    t = t.replace("kh", "x").replace("sh", "$").replace("ch", "c")
    t = t.replace("gh", "k").replace("q", "k").replace("ck", "k")
    t = t.replace("ph", "f").replace("dh", "z").replace("th", "t").replace("v", "w")
    t = t.replace("ee", "i").replace("ii", "i").replace("oo", "u").replace("ou", "u")
    t = t.replace("ei", "ai").replace("ey", "ai").replace("ay", "ai")
    t = t.replace("o", "u").replace("e", "i")
    # "Abdurrahman" / "Abdussamad" / "Abdal-rahman" / "Abdurahman": the article of "Abd al-"
    # assimilates to the next consonant; normalise it to "abdul" before doubled letters go.
    t = _ABD_RE.sub("abdul", t)
    t = re.sub(r"(.)\1+", r"\1", t)
    # -ullah / -ulla / -allah / -ollah / -olah: the name of God as a compound suffix.
    t = re.sub(r"(?<=[a-z$])[aiu]?lah?$", "ulla", t) if len(t) > 5 else t
    # -uddin / -ud-din / -aldin / -ul-din ("of the faith") as a compound suffix.
    t = re.sub(r"(?<=[a-z$]{2})[aiu]*[ld]?[aiu]*din$", "udin", t)
    if len(t) > 2 and t.endswith("h") and t[-2] in "aiu":
        t = t[:-1]
    return t


_ABD_RE = re.compile(r"^abd(?:[aiu]?l|[aiu]?([rsztdn$])(?=\1)|[aiu](?=[rsztdn$][aiu]))(?=[a-z$]{3,})")

@functools.lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], frozenset[str], frozenset[str]]:
    latin: dict[str, str] = {}
    arabic: dict[str, str] = {}
    for row in _read_csv("name_variants.csv"):
        canonical, variant = row["canonical"].strip(), row["variant"].strip()
        if detect_script(variant) == "arabic":
            arabic[normalise_arabic(variant).replace(" ", "")] = canonical
        else:
            latin[_fold_phrase(variant)] = canonical
    titles = frozenset(
        _fold_phrase(r["title"]) if detect_script(r["title"]) != "arabic" else normalise_arabic(r["title"])
        for r in _read_csv("titles.csv")
    )
    common = frozenset(r["token"].strip() for r in _read_csv("common_tokens.csv"))
    return latin, arabic, titles, common


def _fold_phrase(text: str) -> str:
    return "".join(_join_compounds(normalise_latin(text).split()))


# Suffix particles often written joined to the name before them ("Nazirjan", "Shahgul"); they
# are split off so "Nazirjan" meets "Nazir Jan".
_JOINED_PARTICLE = re.compile(r"^([a-z$]{3,}?)(jan|gul|xan)$")


def _join_compounds(words: list[str]) -> list[str]:
    """Fold words, gluing split compounds ("abd al rahman", "habib ullah") before folding so
    that letters at the joint ("Zabih" + "ullah") are kept."""
    folded = [fold_token(w) for w in words]
    out: list[str] = []
    raw: list[str] = []
    i = 0
    while i < len(words):
        tok = folded[i]
        if not tok:
            i += 1
            continue
        if tok in _PREFIXES and i + 1 < len(words):
            j = i + 1
            if folded[j] in _ARTICLES and j + 1 < len(words):
                j += 1
            raw.append("abdul" + words[j])
            out.append(fold_token(raw[-1]))
            i = j + 1
            continue
        if out and (tok in _SUFFIXES or (tok in _ARTICLES and i + 1 < len(words) and folded[i + 1] in _SUFFIXES)):
            if tok in _ARTICLES:
                i += 1
            raw[-1] = raw[-1] + words[i]
            out[-1] = fold_token(raw[-1])
            i += 1
            continue
        m = _JOINED_PARTICLE.match(tok)
        if m and not tok.startswith("abd"):
            out += [m.group(1), m.group(2)]
            raw += [m.group(1), m.group(2)]
            i += 1
            continue
        out.append(tok)
        raw.append(words[i])
        i += 1
    return out


@functools.lru_cache(maxsize=100_000)
def _canonical(folded: str) -> str:
    latin, _, _, _ = _tables()
    return latin.get(folded, folded)


def _arabic_tokens(text: str) -> list[str]:
    _, arabic, titles, _ = _tables()
    words = _drop_titles([w for w in normalise_arabic(text).split(" ") if w], [], titles)
    # "عبد الرحمن" and "عبد البصیر": the servant-of prefix and an article written apart belong
    # to the next word, as do a trailing "الله" / "الدین" / "زاده" / "زی" written apart (or with
    # a zero-width non-joiner read as a space).
    joined: list[str] = []
    for w in words:
        if joined and (joined[-1] == "عبد" or w in ("الله", "الدین", "الدين", "زاده", "زی")):
            joined[-1] += w
        else:
            joined.append(w)
    # The article is often left out of the compound ("عبد حمید", "عبدحمید" for "عبدالحمید"), as
    # in Latin ("Abd Hamid" is folded as "Abdul Hamid"): without it the letters at the joint
    # read as another consonant ("dh" folds to "z") and the name meets none of its spellings.
    joined = ["عبدال" + w[3:] if w.startswith("عبد") and not w.startswith("عبدال") and len(w) >= 6 else w
              for w in joined]
    words = []
    for w in joined:
        for suffix in ("جان", "گل", "خان"):
            if w.endswith(suffix) and len(w) - len(suffix) >= 3 and not w.startswith("عبد"):
                words += [w[: -len(suffix)], suffix]
                break
        else:
            words.append(w)
    out: list[str] = []
    i = 0
    while i < len(words):
        # Longest known compound first: "عبد الرحمن", "حبیب الله" written with a space or ZWNJ.
        for size in (3, 2, 1):
            joined = "".join(words[i : i + size])
            if len(words[i : i + size]) == size and joined in arabic:
                out.append(arabic[joined])
                i += size
                break
        else:
            halves = _split_arabic(words[i])
            if halves:
                out.extend(halves)
            else:
                out.extend(_join_compounds(transliterate(words[i]).split()))
            i += 1
    return out


@functools.lru_cache(maxsize=100_000)
def _split_arabic(word: str) -> tuple[str, ...]:
    """A Dari word the variant table does not know, made of two names it does ("محمدنبی",
    "غلامنبی"): those two canonical tokens (as _split_run_together does for Latin)."""
    arabic = _tables()[1]
    best = None
    for i in range(2, len(word) - 1):
        head, tail = arabic.get(word[:i]), arabic.get(word[i:])
        if head and tail and len(head) >= SPLIT_MIN and len(tail) >= SPLIT_MIN and (
                best is None or abs(len(word) - 2 * i) < abs(len(word) - 2 * best[0])):
            best = (i, head, tail)
    return (best[1], best[2]) if best else ()


_ARABIC_SUFFIXES = ("الله", "اللّه", "الدین", "الدين")


def _drop_titles(words: list[str], folded: list[str], titles: frozenset[str]) -> list[str]:
    """Words without titles (Haji, Mullah, Qari, Eng.), except where the title is the name.

    "Hafiz" or "Qari" before "Ullah" is the stem of Hafizullah or Qariullah, and a name made of
    titles alone ("Hafiz") is somebody's given name: dropping it would leave "Mohd Hafez Ullah"
    as "Mohdullah", or nothing at all (the last of them is kept).
    """
    keys = folded or words
    out = []
    for i, w in enumerate(words):
        nxt = keys[i + 1] if i + 1 < len(words) else ""
        joins = nxt in _SUFFIXES or nxt in _ARABIC_SUFFIXES or nxt == "ulla"
        if keys[i] in titles and not joins:
            continue
        out.append(w)
    return out or list(words[-1:])


def name_tokens(text: str | None) -> list[str]:
    """Canonical tokens of a name, in written order, titles dropped."""
    if not text:
        return []
    return list(_name_tokens(text))


_ARABIC_RUN = re.compile(
    r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF\u200c]+"
    r"(?:\s+[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF\u200c]+)*"
    r"|[^\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF\u200c]+"
)


# Names repeat a lot across HR lists (same given name, same father), so whole names are cached.
@functools.lru_cache(maxsize=300_000)
def _name_tokens(text: str) -> tuple[str, ...]:
    _, _, titles, _ = _tables()
    tokens: list[str] = []
    # Mixed text is handled run by run so "Mohammad حسین" works.
    runs = [text] if text.isascii() else _ARABIC_RUN.findall(text)
    for run in runs:
        if detect_script(run) == "arabic":
            tokens.extend(_arabic_tokens(run))
        else:
            words = normalise_latin(run).split()
            words = _drop_titles(words, [fold_token(w) for w in words], titles)
            for t in _join_compounds(words):
                tokens.extend(_split_run_together(t))
    return tuple(t for t in tokens if t)


SPLIT_MIN = 3


@functools.lru_cache(maxsize=100_000)
def _split_run_together(folded: str) -> tuple[str, ...]:
    """A folded token the variant table does not know, made of two names it does, is those two
    ("Ghulamnabi", "Gulahmad", "Mohammadnabi" are "Ghulam Nabi", "Gul Ahmad", "Mohammad Nabi":
    compound given names are written apart or together). Canonical tokens otherwise.

    Both halves must be known names of at least SPLIT_MIN letters, so an unknown single name
    is left whole; where several splits work, the most even one is taken. The same name written
    either way splits the same way, so nothing is lost when a real single name ("Mirwais") is
    split: its other spellings split alike."""
    latin, _, _, common = _tables()
    canonical = latin.get(folded)
    if canonical is not None or len(folded) < 2 * SPLIT_MIN or folded.startswith("abd"):
        return (canonical or folded,)
    best = None
    for i in range(2, len(folded) - 1):
        head, tail = latin.get(folded[:i]), latin.get(folded[i:])
        # A two-letter half only when it is a common name part (Shah, folded "$a").
        if not (head and tail) or min(i, len(folded) - i) < SPLIT_MIN and not (
                (i < SPLIT_MIN and head in common) or (len(folded) - i < SPLIT_MIN and tail in common)):
            continue
        if best is None or abs(len(folded) - 2 * i) < abs(len(folded) - 2 * best[0]):
            best = (i, head, tail)
    return (best[1], best[2]) if best else (folded,)


def name_key(text: str | None, order_independent: bool = False) -> str:
    """Canonical Latin key of a whole name; with order_independent, tokens are sorted."""
    tokens = name_tokens(text)
    if order_independent:
        tokens = sorted(tokens)
    return " ".join(tokens)


_VOWELS = re.compile(r"[aiuwy]")


@functools.lru_cache(maxsize=100_000)
def skeleton(token: str) -> str:
    """Consonant skeleton of a canonical token: where Dari script (no short vowels) meets Latin.

    "mohammad" and محمد both give "mhmd"; coarse on purpose (Hassan and Hussain share "hsn"), so
    it is a weak comparison level, never an identity.
    """
    t = fold_token(token)
    if not t:
        return ""
    head, rest = ("a" if t[0] in "aiu" else t[0]), t[1:]
    rest = _VOWELS.sub("", rest)
    return re.sub(r"(.)\1+", r"\1", head + rest)


@functools.lru_cache(maxsize=1)
def known_tokens() -> frozenset[str]:
    """Every canonical token of the variant table."""
    latin, arabic, _, _ = _tables()
    return frozenset(latin.values()) | frozenset(arabic.values())


def is_known(token: str) -> bool:
    """Canonical token of a name in the variant table (as opposed to an unseen spelling or a
    letter-by-letter transliteration of Dari script)."""
    return token in known_tokens()


def is_common(token: str) -> bool:
    """Token so frequent in Afghan names that it says little about identity (prior list)."""
    return token in _tables()[3]


def blocking_keys(text: str | None, father: str | None = None) -> set[str]:
    """Short deterministic keys; two names that might be the same person share at least one.

    "t:" a distinctive (not common) canonical token, "k:" its consonant skeleton (bridges scripts
    and unseen spellings), "s:" all tokens sorted, "f:" distinctive token + father's first token.
    If the name has only common tokens, they are used rather than nothing.
    """
    name, embedded_father = split_father(text or "")
    father = father or embedded_father
    tokens = name_tokens(name)
    if not tokens:
        return set()
    distinctive = [t for t in tokens if not is_common(t)] or tokens
    keys = {f"s:{'_'.join(sorted(tokens))}"}
    for t in distinctive:
        keys.add(f"t:{t}")
        keys.add(f"k:{skeleton(t)}")
    ftokens = name_tokens(father) if father else []
    if ftokens:
        fdist = [t for t in ftokens if not is_common(t)] or ftokens
        for t in distinctive:
            keys.add(f"f:{t}:{fdist[0]}")
    return keys
