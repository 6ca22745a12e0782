"""Script detection and normalisation of personal names as written in forms and HR lists.

Nothing here decides whether two names are the same person; it only removes differences that
carry no information: Arabic vs Persian code points for the same letter, harakat, tatweel,
ZWNJ, case, accents, punctuation, "s/o" relation markers and "Surname, Given" order.
"""

from __future__ import annotations

import re
import unicodedata

_ARABIC_RANGES = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))

# Same letter, different code point: Arabic-keyboard forms are folded to the Persian ones Dari
# uses, hamza carriers and alef variants to their base letter, teh marbuta to heh.
_ARABIC_FOLD = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ء": "",
        "ـ": "",  # tatweel is only typographic stretching
        "\u200c": " ",  # ZWNJ separates the parts of compound names; treat as a word break
        "\u200d": "",
        "\u200f": "",
        "\u200e": "",
        "،": ",",
        "؛": ";",
    }
)


_ARABIC_CHAR = re.compile("[" + "".join(f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _ARABIC_RANGES) + "]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")


def detect_script(text: str | None) -> str:
    """"latin", "arabic" (any Perso-Arabic script), "mixed", or "none" when there are no letters."""
    if not text:
        return "none"
    arabic = _ARABIC_CHAR.search(text) is not None
    latin = _LATIN_LETTER.search(text) is not None
    if latin and arabic:
        return "mixed"
    if arabic:
        return "arabic"
    if latin:
        return "latin"
    return "none"


# Compiled once: these run several times for each of hundreds of thousands of names, and
# re.sub with a pattern string looks the pattern up in re's cache on every call.
_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile(r"[’'`ʿʾ]")
_NOT_LETTERS = re.compile(r"[^\w\s]|_|\d")
_COMMAS = re.compile(r"[,،]")


def normalise_arabic(text: str) -> str:
    """Fold Perso-Arabic spelling variants: yeh/kaf forms, alef forms, teh marbuta, diacritics, ZWNJ."""
    text = unicodedata.normalize("NFC", text).translate(_ARABIC_FOLD)
    # Harakat, superscript alef and Quranic marks are optional vowel signs.
    text = "".join(ch for ch in text if not (unicodedata.category(ch) == "Mn"))
    return _SPACES.sub(" ", text).strip()


def normalise_latin(text: str) -> str:
    """Lower case, strip accents, turn punctuation into spaces (apostrophes and hyphens join)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower()
    # Hamza/ayn apostrophes inside a name ("Sa'id") carry no letter of their own in romanisation.
    text = _APOSTROPHES.sub("", text)
    text = _NOT_LETTERS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def normalise(text: str | None) -> str:
    """Both normalisations; safe on mixed-script text."""
    if not text:
        return ""
    return normalise_latin(normalise_arabic(text))


# Relation markers: the name after them is the father's (s/o, d/o, bin, ibn, walad, "son of")
# or, for w/o, the husband's. Perso-Arabic: ولد / ولدِ, فرزند, بن, بنت, دختر, همسر.
# The Dari ezafe that joins "son" to the father's name ("walad-e", "ibn-i", "ولدِ", "پسرِ") may be
# written with a hyphen, a space, a kasra or joined on; "s/o." and "S/O:" may touch the name.
_RELATION_RE = re.compile(
    r"(?:^|\s|,)(?:s\s*/\s*o|d\s*/\s*o|w\s*/\s*o|s\.\s*o\.|d\.\s*o\.|w\.\s*o\.|son\s+of|daughter\s+of|wife\s+of|"
    r"(?:bin|ibn|walad|wald|valad|walid(?=[-\s]?[ei]\b)|pisar|pesar)(?:[-\s]?[ei](?=[\s.:]|$))?|bint|"
    r"(?:ولد|فرزند|پسر|بن)[\u064b-\u065f]?(?:\s?ی)?|بنت|دختر|همسر)(?:\.|:)?(?:\s+|$|(?<=[./:])(?=\w))",
    re.IGNORECASE,
)


def split_father(text: str | None) -> tuple[str, str | None]:
    """Split "ALI s/o HUSSAIN" into ("ALI", "HUSSAIN"); no marker -> (name, None).

    "Husaini, Mohd" (surname first, comma) is put back into given-name order.
    """
    if not text:
        return "", None
    text = _SPACES.sub(" ", str(text)).strip()
    m = _RELATION_RE.search(text)
    father: str | None = None
    if m and text[: m.start()].strip(" ,;") and text[m.end():].strip(" ,;"):
        # Both sides written: a marker word at either end is part of a name ("Farzand Ali").
        name, father = text[: m.start()].strip(" ,;"), text[m.end():].strip(" ,;")
    else:
        name = text
    name = _unswap(name)
    if father:
        father = _unswap(father)
    return name, father


def _unswap(name: str) -> str:
    parts = [p.strip() for p in _COMMAS.split(name) if p.strip()]
    if len(parts) == 2:
        return f"{parts[1]} {parts[0]}"
    return " ".join(parts)
