"""Whole-database backup and restore, through Django's serialisers so it works on SQLite and PostgreSQL.

The dump is `dumpdata` JSON of every app. Encrypted fields serialise as their ciphertext tokens,
so the backup holds no plain identifying text even before the whole file is sealed under
RESETTLE_BACKUP_KEY; restoring therefore needs the same data keys (the secrets file) as well.
Content types and permissions are left out: `migrate` recreates them and everything that points
at them is written by natural key. Every other row keeps its primary key.
"""

from __future__ import annotations

import datetime
import io
import os
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import json as json_serializer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from resettle.core import keys
from resettle.core.fields import EncryptedTextField, Sealed
from resettle.security import backup_format
from resettle.security.backup_format import BackupError, BackupHeader


def _excluded(model) -> bool:
    return model._meta.app_label == "contenttypes" or model._meta.label_lower == "auth.permission"


class _ExactEncoder(DjangoJSONEncoder):
    # Django's encoder cuts datetimes to milliseconds; the audit chain hashes them to the
    # microsecond, so a restored log would no longer verify.
    def default(self, o):
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class _CiphertextSerializer(json_serializer.Serializer):
    # Copies each sealed token as it is: a backup never decrypts a value (and needs no data key).
    def _value_from_field(self, obj, field):
        if isinstance(field, EncryptedTextField):
            raw = obj.__dict__.get(field.attname)
            if isinstance(raw, Sealed):
                return raw.token
        return super()._value_from_field(obj, field)


def dump_json() -> bytes:
    models = serializers.sort_dependencies([(config, None) for config in apps.get_app_configs()],
                                           allow_cycles=True)

    def objects():
        for model in models:
            if _excluded(model) or model._meta.proxy or not model._meta.managed:
                continue
            yield from model._base_manager.order_by(model._meta.pk.name).iterator(chunk_size=2000)

    out = io.StringIO()
    connection = connections[DEFAULT_DB_ALIAS]
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        # One snapshot for every table, so the audit head and its entries (and every foreign key)
        # agree even while the system runs. PostgreSQL: a repeatable-read snapshot, writers go on.
        # SQLite: the transaction holds the write lock, so writers wait for the backup to finish.
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        _serialize(objects(), out)
    return out.getvalue().encode("utf-8")


def _serialize(objects, out) -> None:
    # Natural keys only for references to content types and permissions, which migrate recreates
    # under new ids. Every other row keeps its id: the audit log names actors and targets by id.
    _CiphertextSerializer().serialize(objects, stream=out, cls=_ExactEncoder,
                                      use_natural_foreign_keys=True, use_natural_primary_keys=False)


def write_backup(path: str | Path) -> BackupHeader:
    """Seal the whole database into `path` (written to a temporary name first, mode 0600)."""
    sealed = backup_format.seal(dump_json(), keys.backup_key())
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(sealed)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return backup_format.read_header(sealed)[0]


def rows_present() -> dict[str, int]:
    """Rows in every table a restore would fill: a database is empty when this is {}."""
    counts = {}
    for model in apps.get_models():
        if _excluded(model) or model._meta.proxy or not model._meta.managed:
            continue
        n = model._base_manager.count()
        if n:
            counts[model._meta.label] = n
    return counts


def _keep_ciphertext(instance) -> None:
    # Loading saves in raw mode, which reads each field through its attribute; an encrypted
    # field's attribute would open the token. Handing it the bare token string keeps the load
    # a byte-for-byte copy that never decrypts anything.
    for f in instance._meta.concrete_fields:
        if isinstance(f, EncryptedTextField):
            value = instance.__dict__.get(f.attname)
            if isinstance(value, Sealed):
                instance.__dict__[f.attname] = value.token


def load_json(payload: bytes, *, using: str = DEFAULT_DB_ALIAS) -> int:
    """Insert every object of a dump; the caller holds the transaction. Returns objects loaded."""
    connection = connections[using]
    loaded, deferred, models_seen = 0, [], set()
    with connection.constraint_checks_disabled():
        for obj in serializers.deserialize("json", payload.decode("utf-8"), using=using,
                                           handle_forward_references=True):
            _keep_ciphertext(obj.object)
            # The database is empty (checked by the caller): insert straight away, no UPDATE first.
            obj.save(using=using, force_insert=True)
            models_seen.add(type(obj.object))
            if obj.deferred_fields:
                deferred.append(obj)
            loaded += 1
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[m._meta.db_table for m in models_seen])
    sequence_sql = connection.ops.sequence_reset_sql(no_style(), list(models_seen))
    if sequence_sql:
        with connection.cursor() as cursor:
            for line in sequence_sql:
                cursor.execute(line)
    return loaded


def read_backup(path: str | Path) -> tuple[BackupHeader, bytes]:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise BackupError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        return backup_format.open_sealed(data, keys.backup_key())
    except BackupError as exc:
        raise BackupError(f"{path}: {exc}") from None


def restore_backup(path: str | Path, *, replace: bool = False) -> int:
    """All or nothing: the wipe (with `replace`) and the load share one transaction."""
    header, payload = read_backup(path)
    with transaction.atomic():
        present = rows_present()
        if present and not replace:
            listed = ", ".join(f"{label} ({n})" for label, n in sorted(present.items())[:6])
            raise BackupError(f"the database is not empty ({listed}...): restore into an empty database, "
                              "or pass --replace to wipe this one first")
        if present:
            call_command("flush", interactive=False, verbosity=0)
        loaded = load_json(payload)
        _check_restored(path)
    return loaded


def _check_restored(path) -> None:
    """Refuse a restore this installation could not use: the transaction then rolls it back."""
    from resettle.audit.services import verify_log
    from resettle.security.rotation import key_ids_in_use

    missing = set(key_ids_in_use()) - set(keys.keyring().keys)
    if missing:
        raise BackupError(f"{path}: values in this backup are sealed with data key(s) {sorted(missing)} that "
                          "RESETTLE_DATA_KEYS lacks: restore the secrets file that belongs with the backup")
    problem = verify_log()
    if problem is not None:
        raise BackupError(f"{path}: the restored audit log does not verify ({problem}); is RESETTLE_AUDIT_KEY "
                          "the one this installation used when the backup was made?")
