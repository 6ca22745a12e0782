"""Reads of people's identifying data. Each one checks the capability and writes the view to
the audit log, so "who looked at this person, when, and why" always has an answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from resettle.accounts import roles
from resettle.accounts.permissions import require
from resettle.audit.services import record_event
from django.db.models import Case, IntegerField, Value, When

from resettle.core import keys
from resettle.people import search
from resettle.people.models import ContactDetail, IdentityDocument, Person, PersonSearchKey
from resettle.people.search import PersonMatch


@dataclass(frozen=True)
class IdentityView:
    person_id: str
    full_name: str
    father_name: str
    grandfather_name: str
    birth_date: str
    gender: str
    documents: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class ContactView:
    kind: str
    value: str


def _identity(person: Person, with_documents: bool = True, documents: list[IdentityDocument] | None = None) -> IdentityView:
    birth = person.birth()
    if with_documents and documents is None:
        documents = list(IdentityDocument.objects.filter(person=person))
    documents = [(d.get_kind_display(), d.number) for d in documents] if with_documents else []
    return IdentityView(person_id=str(person.pk), full_name=person.full_name, father_name=person.father_name,
                        grandfather_name=person.grandfather_name, birth_date=str(birth) if birth else "",
                        gender=person.gender, documents=documents)


def identities(user, people: list[Person], *, reason: str, target=None) -> list[IdentityView]:
    """Names, birth dates and documents of `people`, audited as one event naming each person."""
    require(user, roles.PERSON_IDENTITY, target=target)
    if not people:
        return []
    record_event(actor=user, action="person.identity_viewed", target=target or people[0], reason=reason,
                 details={"people": [str(p.pk) for p in people]})
    # every person's documents in one read, not one a person
    documents: dict[str, list[IdentityDocument]] = {str(p.pk): [] for p in people}
    for d in IdentityDocument.objects.filter(person__in=[p.pk for p in people]):
        documents[str(d.person_id)].append(d)
    return [_identity(p, documents=documents[str(p.pk)]) for p in people]


def contacts(user, people: list[Person], *, reason: str, target=None) -> dict[str, list[ContactView]]:
    """Phone numbers, e-mail and addresses by person id, audited."""
    require(user, roles.PERSON_CONTACT, target=target)
    if not people:
        return {}
    record_event(actor=user, action="person.contact_viewed", target=target or people[0], reason=reason,
                 details={"people": [str(p.pk) for p in people]})
    found: dict[str, list[ContactView]] = {str(p.pk): [] for p in people}
    for detail in ContactDetail.objects.filter(person__in=people).order_by("kind"):
        found[str(detail.person_id)].append(ContactView(detail.get_kind_display(), detail.value))
    return found


def people_matching(query: str) -> list[PersonMatch]:
    """People whose search keys match free text: a name in any spelling or either script
    ("Akbar Hakimi" finds "اکبر حکیمی"), optionally with "s/o Father", or a tazkira, passport,
    phone number or e-mail address. Best first: exact name or identifier, all parts, skeleton,
    one letter off in one part, then parts (each distinctive part of the query found in the name), each level ordered by
    how many parts matched in the same spelling. See resettle.people.search.

    Returns ids and levels only, never names, so it checks no capability and writes no audit
    event: the caller does both (search_applications needs PERSON_IDENTITY and records the
    search without the words searched for)."""
    parsed = search.parse_query(query)
    if parsed.empty:
        return []
    key = keys.index_key()
    wanted = [d for _, d in search.query_digests(parsed, key)]
    rows = PersonSearchKey.objects.filter(digest__in=wanted).values_list("person_id", "kind", "digest")
    return search.rank(parsed, rows.iterator(chunk_size=2000), key)


def match_rank(found: list[PersonMatch], field: str = "pk") -> Case:
    """An expression giving each row the level of the person in `field` (e.g.
    "members__person_id"), for order_by or a Min() annotation; people not found get 99."""
    by_level: dict[int, list] = {}
    for m in found:
        by_level.setdefault(m.level, []).append(m.person_id)
    return Case(*(When(**{f"{field}__in": ids}, then=Value(level)) for level, ids in sorted(by_level.items())),
                default=Value(99), output_field=IntegerField())
