"""Model fields that keep identifying data encrypted at rest.

`EncryptedTextField` stores an AES-GCM token bound to (table, field, row id). On the model the
attribute reads as plain text, decrypted lazily on first access, so code that never touches a
name never decrypts it. A plain string can never reach SQL through this field: filtering on it
raises, which is what pushes every search through blind indexes.

`BlindIndexField` holds the HMAC of a normalised form of another field, computed on every save,
so an index can never drift from the value it indexes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils.module_loading import import_string

from resettle.core import keys
from resettle.security.crypto import aad_for, blind_index, is_token


class Sealed:
    """A ciphertext token as loaded from the database, not yet opened."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def __repr__(self) -> str:
        return "<Sealed>"

    def __eq__(self, other) -> bool:
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self) -> int:
        return hash(self.token)


class _EncryptedAttribute(DeferredAttribute):
    # A data descriptor (it defines __set__), so reads come here even when the instance dict
    # holds the sealed value, which is what lets us open it on first access.
    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            plain = self.field.open_token(instance, value.token)
            instance.__dict__[self.field.attname] = plain
            instance.__dict__.setdefault("_sealed_tokens", {})[self.field.attname] = (value.token, plain)
            return plain
        return value


class EncryptedTextField(models.TextField):
    descriptor_class = _EncryptedAttribute

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def _aad(self, instance) -> bytes:
        if instance.pk is None:
            raise ValueError(f"{self.model.__name__}.{self.name}: encrypted fields need the row id before saving")
        return aad_for(self.model._meta.db_table, self.column, instance.pk)

    def open_token(self, instance, token: str) -> str:
        return keys.keyring().open(token, self._aad(instance))

    def pre_save(self, model_instance, add):
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed) or value is None or value == "":
            return value
        if is_token(value):  # set from a fixture or backup: already sealed
            return Sealed(value)
        cached = model_instance.__dict__.get("_sealed_tokens", {}).get(self.attname)
        if cached and cached[1] == value:
            return Sealed(cached[0])  # unchanged: keep the token, no needless re-encryption
        token = keys.keyring().seal(str(value), self._aad(model_instance))
        model_instance.__dict__.setdefault("_sealed_tokens", {})[self.attname] = (token, value)
        return Sealed(token)

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return value.token
        if value is None or value == "" or is_token(value):
            return value
        raise ValueError(
            f"{self.model.__name__}.{self.name} is encrypted: query it through its blind index, "
            "never with plain text"
        )

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Sealed(value)

    def to_python(self, value):
        if is_token(value):
            return Sealed(value)
        return value

    def value_to_string(self, obj):
        # Serialisation (dumpdata, backups) carries the ciphertext, never the plain text.
        raw = obj.__dict__.get(self.attname)
        if isinstance(raw, Sealed):
            return raw.token
        cached = obj.__dict__.get("_sealed_tokens", {}).get(self.attname)
        if cached and cached[1] == raw:
            return cached[0]
        if raw in (None, ""):
            return raw
        return self.pre_save(obj, False).token


class BlindIndexField(models.CharField):
    """HMAC of `normaliser(source value)`; empty when the source is empty."""

    def __init__(self, *args, source: str = "", purpose: str = "", normaliser: str = "", **kwargs):
        self.source, self.purpose, self.normaliser_path = source, purpose, normaliser
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, purpose=self.purpose, normaliser=self.normaliser_path)
        for key in ("max_length", "blank", "default", "db_index", "editable"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def normaliser(self) -> Callable[[str], str]:
        return import_string(self.normaliser_path)

    def digest(self, value: str | None) -> str:
        return digest(self.purpose, self.normaliser(), value)

    def pre_save(self, model_instance, add):
        raw = model_instance.__dict__.get(self.source)
        if isinstance(raw, Sealed):  # unchanged since load: its index is already right
            return getattr(model_instance, self.attname)
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def digest(purpose: str, normaliser: Callable[[str], str], value: str | None, *, key: bytes | None = None) -> str:
    """The blind index of a value under the index key (or `key`, when re-keying)."""
    if not value:
        return ""
    normalised = normaliser(value)
    if not normalised:
        return ""
    return blind_index(key if key is not None else keys.index_key(), purpose, normalised)


def document_number_key(value: str) -> str:
    """Document numbers as clerks type them: case, spaces and dashes carry no meaning."""
    return "".join(ch for ch in value.upper() if ch.isalnum())


def contact_key(value: str) -> str:
    return "".join(value.lower().split())
