"""Finding people by any spelling of their name, in either script, or by a document or phone number.

A person's one exact name digest (Person.full_name_index) finds only the spelling the matcher
would call the same canonical key: "Akbar Hakimi" never meets "اکبر حکیمی" (the Dari script
has no short vowels, so the transliteration is "hkimi"), "Ehsan" never meets "احسان". Search
should find what matching would, so each person also gets one `PersonSearchKey` row per key of
the kinds the matcher blocks on (resettle.matching.engine._blocking_keys, built from
resettle.names.keys): the whole name, its parts in any order, its consonant skeleton, the parts
run together (a word break in the wrong place), the whole name with one letter of one part
left out (a typo), and every single part and its skeleton; the
father's name parts, to narrow "Ahmad s/o Karim"; document numbers, phone numbers and e-mail
addresses under their own normal forms.

Every key is stored only as a keyed digest (HMAC under RESETTLE_INDEX_KEY, one purpose per
kind so that the same string under two kinds gives unrelated digests): nothing here stores or
logs a name, a number or a key in plain text. What a thief of the database learns is which
people share a key (a name part, a skeleton), as with any blind index; without the index key,
not what the key is.

A query is turned into keys by the same functions and looked up; the match level is the best
kind of key shared, from exact (the whole name, or an identifier) through all parts, skeleton,
one letter off, to parts. One letter off: the whole name with one letter wrong, missing or extra in one distinctive part
("Akbar Hakini"). At the parts level every distinctive part of the query (common ones such as Mohammad
or Ghulam are left out, unless the query has nothing else) must be found among the person's
parts, by canonical spelling or consonant skeleton: "Hakimi" finds "Akbar Hakimi", "Akbar
Hakimi" finds "Mohammad Akbar Hakimi", and "Akbar Karimi" finds neither.

Rows are rewritten by `index_person` (people.services calls it on every create and change), and
recomputed under a new index key by `resettle reindex` through `rebuild` (registered with
resettle.security.rotation in PeopleConfig.ready).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import phonenumbers

from resettle.names.keys import fold_token, is_common, is_known, name_tokens, skeleton
from resettle.names.normalise import split_father
from resettle.security.crypto import blind_index

# Kinds of key (stored in PersonSearchKey.kind) and the match level each one stands for.
NAME = "name"  # canonical tokens in written order: the exact name
TOKENS = "tokens"  # canonical tokens sorted: the same parts in another order
SKELETON = "skeleton"  # consonant skeletons of all parts, sorted: script and spelling variants
RUN = "run"  # the parts run together and folded: a word break in the wrong place
SLIP = "slip"  # the whole name with one letter of one distinctive part left out: a typo
PART = "part"  # one canonical part
PART_SKELETON = "part_skeleton"  # consonant skeleton of a part the variant table does not know
# ... and of a part it knows. Two known names with one skeleton are two names, not two spellings
# (Hassan and Hussain are both "hsn"), as the matcher's skeletons_agree has it: a known part of
# the query meets a skeleton only of an unknown one (a transliteration or an unseen spelling).
KNOWN_PART_SKELETON = "known_part_skeleton"
FATHER_PART = "father_part"
FATHER_PART_SKELETON = "father_part_skeleton"
DOCUMENT = "document"  # tazkira, passport or other document number
PHONE = "phone"
EMAIL = "email"

KINDS = (NAME, TOKENS, SKELETON, RUN, SLIP, PART, PART_SKELETON, KNOWN_PART_SKELETON, FATHER_PART, FATHER_PART_SKELETON,
         DOCUMENT, PHONE, EMAIL)

# Best first; an identifier (document, phone, e-mail) is as good as the exact name.
EXACT, ALL_PARTS, SKELETONS, TYPO, PARTS = 0, 1, 2, 3, 4
LEVEL_NAMES = {EXACT: "exact", ALL_PARTS: "all parts", SKELETONS: "skeleton", TYPO: "one letter off",
               PARTS: "parts"}
LEVEL_OF = {NAME: EXACT, DOCUMENT: EXACT, PHONE: EXACT, EMAIL: EXACT, TOKENS: ALL_PARTS,
            SKELETON: SKELETONS, RUN: SKELETONS, SLIP: TYPO}
# Parts shorter than this get no one-letter-off keys (as in the matcher: short parts' neighbours
# are other whole names).
SLIP_MIN = 4

# Phone numbers written without a country code are Afghan ones (the applicants' own numbers).
DEFAULT_PHONE_REGION = "AF"


def purpose(kind: str) -> str:
    return f"person.search.{kind}"


# ---- normal forms ----------------------------------------------------------------------------


def ascii_digits(text: str) -> str:
    """Dari/Pashto (Extended Arabic-Indic) and Arabic-Indic digits as ASCII: a tazkira number
    typed "۱۲۳۴" is the one on file as "1234"."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def document_key(value: str) -> str:
    """Case, spaces, dashes and the script of the digits carry no meaning in a document number."""
    return "".join(ch for ch in ascii_digits(value).upper() if ch.isalnum())


def phone_key(value: str) -> str:
    """E.164 ("+93701234567") for any way of writing one number: "070 123 4567", "0093 70...",
    "+93-70-...", Dari digits. Text that is no possible number is kept as its digits, so it
    still meets itself."""
    text = ascii_digits(value)
    try:
        number = phonenumbers.parse(text, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"\D", "", text)


def email_key(value: str) -> str:
    return "".join(value.lower().split())


def _distinctive(tokens: Iterable[str]) -> list[str]:
    tokens = list(dict.fromkeys(tokens))
    return [t for t in tokens if not is_common(t)] or tokens


def name_keys(full_name: str | None) -> set[tuple[str, str]]:
    """(kind, normalised key) pairs of a name as written (an embedded "s/o Father" is split off
    and indexed as the father's)."""
    name, father = split_father(full_name or "")
    keys = _whole_name_keys(name_tokens(name))
    if father:
        keys |= father_keys(father)
    return keys


def _whole_name_keys(tokens: list[str]) -> set[tuple[str, str]]:
    if not tokens:
        return set()
    bag = sorted(tokens)
    keys = {(NAME, " ".join(tokens)), (TOKENS, " ".join(bag)),
            (SKELETON, " ".join(sorted(skeleton(t) for t in tokens)))}
    # One part or several: "Nazirahmad" meets "Nazir Ahmad".
    keys.add((RUN, fold_token("".join(tokens))))
    keys.add((RUN, fold_token("".join(bag))))
    keys |= _slip_keys(tokens)
    for t in tokens:
        keys.add((PART, t))
        keys.add((KNOWN_PART_SKELETON if is_known(t) else PART_SKELETON, skeleton(t)))
    return {(k, v) for k, v in keys if v}


def _slip_keys(tokens: list[str]) -> set[tuple[str, str]]:
    """The matcher's slip keys (resettle.matching.engine._slip_keys): the other parts, folded and
    sorted, with one distinctive part as it is and with each one letter left out. Two spellings
    with one letter wrong, missing, extra or swapped in one part share one. Names of one part
    get none: their neighbours one letter away are other names."""
    if len(tokens) < 2:
        return set()
    distinctive = set(_distinctive(tokens))
    parts = sorted((fold_token(t), t in distinctive) for t in tokens)
    folded = [f for f, _ in parts]
    keys = set()
    for i, (t, is_distinctive) in enumerate(parts):
        if not is_distinctive or not t:
            continue
        rest = "_".join(folded[:i] + folded[i + 1 :]) + "|"
        keys.add((SLIP, rest + t))
        if len(t) >= SLIP_MIN:
            keys.update((SLIP, rest + t[:j] + t[j + 1 :]) for j in range(len(t)))
    return keys


def father_keys(father: str | None) -> set[tuple[str, str]]:
    keys = set()
    for t in name_tokens(split_father(father or "")[0]):
        keys.add((FATHER_PART, t))
        keys.add((FATHER_PART_SKELETON, skeleton(t)))
    return {(k, v) for k, v in keys if v}


def identifier_keys(documents: Iterable[str], contacts: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    keys = {(DOCUMENT, document_key(n)) for n in documents}
    for kind, value in contacts:
        if kind == "phone":
            keys.add((PHONE, phone_key(value)))
        elif kind == "email":
            keys.add((EMAIL, email_key(value)))
    return {(k, v) for k, v in keys if v}


def digests(keys: Iterable[tuple[str, str]], key: bytes) -> set[tuple[str, str]]:
    return {(kind, blind_index(key, purpose(kind), value)) for kind, value in keys}


# ---- queries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A free-text query as keys: whole-name keys, the distinctive parts (each with its
    skeleton), the father's parts, and identifier keys."""

    whole: frozenset[tuple[str, str]]
    parts: tuple[tuple[str, str], ...]  # (canonical part, skeleton), distinctive ones
    father_parts: tuple[tuple[str, str], ...]
    identifiers: frozenset[tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not (self.whole or self.parts or self.identifiers)


def parse_query(text: str) -> Query:
    """Digits make an identifier (document, phone); an @ an e-mail address; letters a name.
    A passport number ("P01234567") is both letters and digits, and is looked up as a document
    only: no name has digits in it."""
    text = (text or "").strip()
    if not text:
        return Query(frozenset(), (), (), frozenset())
    if "@" in text:
        return Query(frozenset(), (), (), frozenset({(EMAIL, email_key(text))}))
    if any(ch.isdigit() for ch in text):
        ids = {(DOCUMENT, document_key(text)), (PHONE, phone_key(text))}
        return Query(frozenset(), (), (), frozenset((k, v) for k, v in ids if v))
    name, father = split_father(text)
    tokens = name_tokens(name)
    whole = {(k, v) for k, v in _whole_name_keys(tokens) if k in LEVEL_OF}
    parts = tuple((t, skeleton(t)) for t in _distinctive(tokens))
    fparts = tuple((t, skeleton(t)) for t in _distinctive(name_tokens(father))) if father else ()
    return Query(frozenset(whole), parts, fparts, frozenset())


@dataclass(frozen=True)
class PersonMatch:
    """One person found, and how well: `level` (0 exact .. 4 parts, see LEVEL_NAMES), then
    `spelled`, how many of the query's parts matched in the same canonical spelling rather than
    only by skeleton (more is better)."""

    level: int
    spelled: int
    person_id: object

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def _skeleton_kinds(part: str) -> tuple[str, ...]:
    """The kinds of skeleton row a query part may meet (see KNOWN_PART_SKELETON)."""
    return (PART_SKELETON,) if is_known(part) else (PART_SKELETON, KNOWN_PART_SKELETON)


def rank(query: Query, rows: Iterable[tuple[object, str, str]], key: bytes) -> list[PersonMatch]:
    """Match levels from the (person id, kind, digest) rows that share a digest with the query."""
    wanted: dict[tuple[str, str], int] = {}
    for kind, d in digests(query.whole | query.identifiers, key):
        wanted[(kind, d)] = LEVEL_OF[kind]
    # digest -> the query parts it stands for, and whether in the same spelling (two parts may
    # share a skeleton: Hassan and Hussain are both "hsn").
    part_of: dict[tuple[str, str], list[tuple[int, bool]]] = {}
    for i, (t, sk) in enumerate(query.parts):
        part_of.setdefault((PART, blind_index(key, purpose(PART), t)), []).append((i, True))
        for kind in _skeleton_kinds(t):
            part_of.setdefault((kind, blind_index(key, purpose(kind), sk)), []).append((i, False))
    father_of: dict[tuple[str, str], int] = {}
    for i, (t, sk) in enumerate(query.father_parts):
        father_of[(FATHER_PART, blind_index(key, purpose(FATHER_PART), t))] = i
        father_of[(FATHER_PART_SKELETON, blind_index(key, purpose(FATHER_PART_SKELETON), sk))] = i

    best: dict[object, int] = {}
    parts: dict[object, dict[int, bool]] = {}
    fathers: dict[object, set[int]] = {}
    for pid, kind, d in rows:
        if (kind, d) in wanted:
            best[pid] = min(best.get(pid, PARTS), wanted[(kind, d)])
        for i, spelled in part_of.get((kind, d), ()):
            seen = parts.setdefault(pid, {})
            seen[i] = seen.get(i, False) or spelled
        if (kind, d) in father_of:
            fathers.setdefault(pid, set()).add(father_of[(kind, d)])
    found = []
    for pid in set(best) | set(parts):
        seen = parts.get(pid, {})
        if pid not in best and len(seen) < len(query.parts):
            continue  # some distinctive part of the query is not in this person's name
        if query.father_parts and len(fathers.get(pid, ())) < len(query.father_parts):
            continue
        found.append(PersonMatch(best.get(pid, PARTS), sum(seen.values()), pid))
    found.sort(key=lambda m: (m.level, -m.spelled, str(m.person_id)))
    return found


def query_digests(query: Query, key: bytes) -> set[tuple[str, str]]:
    """Every (kind, digest) a person's rows might share with the query."""
    out = digests(query.whole | query.identifiers, key)
    for t, sk in query.parts:
        out |= digests({(PART, t)} | {(kind, sk) for kind in _skeleton_kinds(t)}, key)
    for t, sk in query.father_parts:
        out |= digests({(FATHER_PART, t), (FATHER_PART_SKELETON, sk)}, key)
    return out


# ---- writing rows ----------------------------------------------------------------------------


def person_keys(*, full_name: str, father_name: str, documents: Iterable[str],
                contacts: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Every (kind, normalised key) of one person, from their decrypted values."""
    return name_keys(full_name) | father_keys(father_name) | identifier_keys(documents, contacts)


def replace_rows(model, person_id, wanted: set[tuple[str, str]], *, dry_run: bool = False,
                 new: bool = False) -> int:
    """Make the person's rows exactly `wanted` ((kind, digest) pairs); returns rows changed.
    `new`: the person was created in this transaction, so has no rows to read."""
    have = set() if new else set(model.objects.filter(person_id=person_id).values_list("kind", "digest"))
    stale, missing = have - wanted, wanted - have
    if dry_run:
        return len(stale) + len(missing)
    if stale:
        q = model.objects.none()
        for kind, d in stale:
            q = q | model.objects.filter(person_id=person_id, kind=kind, digest=d)
        q.delete()
    model.objects.bulk_create([model(person_id=person_id, kind=k, digest=d) for k, d in sorted(missing)])
    return len(stale) + len(missing)


def rebuild(*, person_model, key_model, document_model, contact_model, key: bytes, batch_size: int = 500,
            dry_run: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Recompute every person's rows from their sealed values under `key` (a new index key when
    rotating); returns how many rows changed. Models are passed in so a migration can run it
    on its historical models. Each batch is its own transaction: an interrupted run is simply
    run again."""
    from django.db import transaction

    last = None
    changed = 0
    while True:
        qs = person_model._base_manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        people = list(qs[:batch_size])
        if not people:
            return changed
        ids = [p.pk for p in people]
        docs: dict[object, list[str]] = {}
        for d in document_model._base_manager.filter(person_id__in=ids):
            docs.setdefault(d.person_id, []).append(d.number)
        contacts: dict[object, list[tuple[str, str]]] = {}
        for c in contact_model._base_manager.filter(person_id__in=ids):
            contacts.setdefault(c.person_id, []).append((c.kind, c.value))
        with transaction.atomic():
            for p in people:
                wanted = digests(person_keys(full_name=p.full_name, father_name=p.father_name,
                                             documents=docs.get(p.pk, ()), contacts=contacts.get(p.pk, ())), key)
                changed += replace_rows(key_model, p.pk, wanted, dry_run=dry_run)
        if progress:
            progress(len(people))
        last = ids[-1]
