"""People, as they wrote their names, in whatever script.

Identifying fields are encrypted at rest (see resettle.core.fields) and kept on these models
only; cases, records and reports refer to a Person by id. Searching goes through blind indexes.
"""

import uuid

from django.db import models

from resettle.core.fields import BlindIndexField, EncryptedTextField
from resettle.names.dates import BirthDate

NAME_KEY = "resettle.names.keys.name_key"


class Gender(models.TextChoices):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Script(models.TextChoices):
    LATIN = "latin"
    ARABIC = "arabic", "Perso-Arabic"
    MIXED = "mixed"
    NONE = "none", "No letters"


class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    full_name = EncryptedTextField(help_text="As the person wrote it, any script.")
    name_script = models.CharField(max_length=10, choices=Script.choices, default=Script.NONE)
    father_name = EncryptedTextField(help_text="Many Afghans have no surname: the father's name identifies.")
    grandfather_name = EncryptedTextField()
    birth_date = EncryptedTextField(help_text="Storage form of resettle.names.dates.BirthDate, calendar kept.")
    gender = models.CharField(max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    full_name_index = BlindIndexField(source="full_name", purpose="person.name", normaliser=NAME_KEY)
    father_name_index = BlindIndexField(source="father_name", purpose="person.father", normaliser=NAME_KEY)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        # Never the name: str() ends up in logs, admin breadcrumbs and error reports.
        return f"Person {str(self.id)[:8]}"

    def birth(self) -> BirthDate | None:
        return BirthDate.from_storage(self.birth_date) if self.birth_date else None


class DocumentKind(models.TextChoices):
    TAZKIRA = "tazkira"
    PASSPORT = "passport"
    OTHER = "other"


class IdentityDocument(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    number = EncryptedTextField()
    number_index = BlindIndexField(source="number", purpose="document.number",
                                   normaliser="resettle.core.fields.document_number_key")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"


class ContactKind(models.TextChoices):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"


class ContactDetail(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = EncryptedTextField()
    value_index = BlindIndexField(source="value", purpose="contact.value",
                                  normaliser="resettle.core.fields.contact_key")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.person}"


class PersonSearchKey(models.Model):
    """One keyed digest of one search key of a person (resettle.people.search): the kinds the
    matcher blocks on, so that search finds what matching would. Digest only, never the key."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="search_keys")
    kind = models.CharField(max_length=24)
    digest = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "digest"], name="person_search_key_unique")]
        indexes = [models.Index(fields=["digest"], name="person_search_digest")]

    def __str__(self) -> str:
        return f"{self.kind} key of {self.person}"
