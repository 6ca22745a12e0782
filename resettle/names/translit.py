"""Perso-Arabic (Dari) script to a rough Latin spelling.

Dari script writes long vowels and consonants but not short vowels, so the result ("mhmd" for
محمد) is not a romanisation a person would write; it is meant to be folded and compared on its
consonant skeleton. Known names are looked up in the variant table before this is used.
"""

from __future__ import annotations

from .normalise import normalise_arabic

# Letters that sound the same in Dari share a Latin letter (s for ث س ص, z for ذ ز ض ظ, t for
# ت ط, h for ح ه) because romanisations do not distinguish them either.
_LETTERS = {
    "ا": "a", "ب": "b", "پ": "p", "ت": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h",
    "خ": "kh", "د": "d", "ذ": "z", "ر": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh",
    "ص": "s", "ض": "z", "ط": "t", "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "q",
    "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n", "و": "w", "ه": "h", "ی": "y",
    "ٹ": "t", "ډ": "d", "ړ": "r", "ږ": "zh", "ښ": "sh", "ځ": "z", "څ": "ts", "ڼ": "n", "ې": "e", "ۍ": "ai",
}


def transliterate(text: str) -> str:
    """Latin letters for one Perso-Arabic word or phrase; non-Arabic characters pass through."""
    text = normalise_arabic(text)
    out = []
    for word in text.split(" "):
        # The name of God as a compound suffix keeps its vowels in every romanisation.
        if word.endswith("الله") and len(word) > 4:
            out.append(transliterate(word[:-4]) + "ullah")
            continue
        letters = []
        n = len(word)
        for i, ch in enumerate(word):
            lat = _LETTERS.get(ch)
            if lat is None:
                letters.append(ch)
                continue
            # و and ی are consonants (w, y) at the start of a word and vowels (u, i) inside it.
            if ch == "و" and i > 0:
                lat = "u"
            elif ch == "ی" and i > 0:
                lat = "i"
            elif ch == "ه" and i == n - 1 and i > 0 and word[i - 1] != "ا":
                # A final heh after a consonant is the vowel of "zada", "Hamza", "Fatima" (after
                # alif it is the h of "Shah").
                lat = "a"
            letters.append(lat)
        out.append("".join(letters))
    return " ".join(out)
