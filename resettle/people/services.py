"""Writes to people. Identifying values pass through here and are sealed by the model fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from resettle.audit.services import record_event
from resettle.core.locking import claim_version
from resettle.names.dates import BirthDate
from resettle.names.normalise import detect_script
from resettle.core import keys
from resettle.people import search
from resettle.people.models import (ContactDetail, ContactKind, DocumentKind, IdentityDocument, Person,
                                    PersonSearchKey)


@dataclass
class PersonIn:
    full_name: str
    father_name: str = ""
    grandfather_name: str = ""
    birth_date: BirthDate | None = None
    gender: str = "unknown"
    documents: list[tuple[str, str]] = field(default_factory=list)  # (kind, number)
    contacts: list[tuple[str, str]] = field(default_factory=list)  # (kind, value)


def _build(data: PersonIn) -> Person:
    return Person(
        full_name=data.full_name,
        name_script=detect_script(data.full_name),
        father_name=data.father_name,
        grandfather_name=data.grandfather_name,
        birth_date=data.birth_date.to_storage() if data.birth_date else "",
        gender=data.gender or "unknown",
    )


@transaction.atomic
def person_create(*, data: PersonIn, actor=None, audit: bool = True) -> Person:
    person = _build(data)
    person.save()
    for kind, number in data.documents:
        IdentityDocument.objects.create(person=person, kind=kind, number=number)
    for kind, value in data.contacts:
        ContactDetail.objects.create(person=person, kind=kind, value=value)
    index_person(person=person, documents=[n for _, n in data.documents], contacts=data.contacts, new=True)
    if audit:
        record_event(actor=actor, action="person.created", target=person,
                     details={"documents": len(data.documents), "contacts": len(data.contacts)})
    return person


def person_update(*, person: Person, expected_version: int, actor, reason: str = "", **changes) -> Person:
    """Change names, birth date or gender. Refused if someone saved the person since
    `expected_version` was read (optimistic locking), and for staff who may not edit a case
    this person belongs to."""
    allowed = {"full_name", "father_name", "grandfather_name", "birth_date", "gender"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"cannot change {', '.join(sorted(unknown))} here")
    if actor is not None:
        _require_edit(actor, person)
    with transaction.atomic():
        return _update(person, expected_version, actor, reason, changes)


def _require_edit(actor, person: Person) -> None:
    from resettle.accounts.access import require_case_access
    from resettle.accounts.roles import CASE_EDIT

    membership = person.memberships.select_related("application").first()
    if membership is None:
        from resettle.accounts.permissions import require

        require(actor, CASE_EDIT, target=person)
    else:
        require_case_access(actor, membership.application, CASE_EDIT)


def _add_identifier(model, kinds, field: str, action: str, *, person: Person, kind: str, value, actor, reason: str):
    # Documents and contacts are both ways to find a person: checked, indexed for search at
    # once, audited with their kind and never their value.
    if kind not in kinds.values:
        raise ValueError(f"kind: {kind!r} is not one of {', '.join(kinds.values)}")
    if not str(value).strip():
        raise ValueError(f"{field}: empty")
    if actor is not None:
        _require_edit(actor, person)
    with transaction.atomic():
        row = model.objects.create(person=person, kind=kind, **{field: str(value).strip()})
        index_person(person=person)
        record_event(actor=actor, action=action, target=person, reason=reason, details={"kind": kind})
    return row


def person_add_document(*, person: Person, kind: str, number: str, actor, reason: str = "") -> IdentityDocument:
    """A further identity document (a new passport, a tazkira found later); searchable at once.
    Audited with its kind, never its number."""
    return _add_identifier(IdentityDocument, DocumentKind, "number", "person.document_added", person=person,
                           kind=kind, value=number, actor=actor, reason=reason)


def person_add_contact(*, person: Person, kind: str, value: str, actor, reason: str = "") -> ContactDetail:
    """A further phone number, e-mail or address; searchable at once. Audited with its kind only."""
    return _add_identifier(ContactDetail, ContactKind, "value", "person.contact_added", person=person,
                           kind=kind, value=value, actor=actor, reason=reason)


def _update(person, expected_version, actor, reason, changes) -> Person:
    claim_version(person, expected_version)
    for key, value in changes.items():
        if key == "birth_date" and isinstance(value, BirthDate):
            value = value.to_storage()
        setattr(person, key, value)
    if "full_name" in changes:
        person.name_script = detect_script(person.full_name)
    person.save()
    if {"full_name", "father_name"} & set(changes):
        index_person(person=person)
    record_event(actor=actor, action="person.updated", target=person, reason=reason,
                 details={"fields": sorted(changes), "version": person.version})
    return person


@transaction.atomic
def index_person(*, person: Person, documents: list[str] | None = None,
                 contacts: list[tuple[str, str]] | None = None, new: bool = False) -> int:
    """Rewrite the person's search keys (resettle.people.search) from their current names,
    documents and contacts; returns rows changed. Part of the caller's transaction, and of no
    audit event of its own: it changes nothing a person could read, only follows a change that
    its caller audits. Documents and contacts are read from the database unless given; `new`
    says the person was just created (no rows to compare with)."""
    if documents is None:
        documents = [d.number for d in IdentityDocument.objects.filter(person=person)]
    if contacts is None:
        contacts = [(c.kind, c.value) for c in ContactDetail.objects.filter(person=person)]
    wanted = search.digests(search.person_keys(full_name=person.full_name, father_name=person.father_name,
                                               documents=documents, contacts=contacts), keys.index_key())
    return search.replace_rows(PersonSearchKey, person.pk, wanted, new=new)
