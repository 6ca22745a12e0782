"""Re-seal every encrypted value under the active data key, while the system keeps running.

Rotation is a sweep, not a migration: each value is read, opened with whichever key sealed it,
sealed again under the active key and written back only if nobody changed it in the meantime
(compare-and-swap on the old token). Each batch is its own short transaction, so a killed run
loses at most one batch of work and a new run simply skips values already under the active key.
Old and new tokens open side by side throughout because the key ring holds both keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction

from resettle.core import keys
from resettle.core.fields import BlindIndexField, EncryptedTextField, Sealed, digest
from resettle.security.crypto import aad_for, token_key_id


@dataclass(frozen=True)
class ModelColumns:
    """One model and its fields of one kind (encrypted values, or blind indexes)."""

    model: type[models.Model]
    fields: tuple[models.Field, ...]

    @property
    def label(self) -> str:
        return self.model._meta.label


@dataclass
class RotationReport:
    resealed: dict[str, int] = field(default_factory=dict)  # "app.Model.field" -> values re-sealed
    stale: dict[str, int] = field(default_factory=dict)  # values found under another key
    skipped_changed: int = 0  # changed by someone else mid-batch: their write used the active key
    rows_seen: int = 0

    @property
    def total_resealed(self) -> int:
        return sum(self.resealed.values())

    @property
    def total_stale(self) -> int:
        return sum(self.stale.values())


def _columns_of(kind: type[models.Field]) -> list[ModelColumns]:
    """Every concrete model with at least one field of this kind, found through the app registry
    so a model added later is covered without anyone remembering to list it."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = tuple(f for f in model._meta.concrete_fields if isinstance(f, kind))
        if fields:
            found.append(ModelColumns(model, fields))
    return sorted(found, key=lambda c: c.label)


def encrypted_columns() -> list[ModelColumns]:
    return _columns_of(EncryptedTextField)


def blind_index_columns() -> list[ModelColumns]:
    return _columns_of(BlindIndexField)


def _token(value) -> str | None:
    if isinstance(value, Sealed):
        return value.token
    return None


def _batches(model: type[models.Model], names: list[str], batch_size: int) -> Iterator[list[tuple]]:
    """(pk, *names) rows by keyset pagination on the primary key: stable while other rows are
    inserted or deleted."""
    last = None
    while True:
        qs = model._base_manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values_list("pk", *names)[:batch_size])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def count_rows() -> int:
    return sum(c.model._base_manager.count() for c in encrypted_columns())


def rotate(*, batch_size: int = 500, dry_run: bool = False,
           progress: Callable[[int], None] | None = None,
           after_batch: Callable[[RotationReport], None] | None = None) -> RotationReport:
    """Re-seal every value not under the active key. `progress` gets the rows done per batch;
    `after_batch` runs after each committed batch (the command uses neither for correctness)."""
    ring = keys.keyring()
    active = ring.active_id
    report = RotationReport()
    for columns in encrypted_columns():
        table = columns.model._meta.db_table
        for rows in _batches(columns.model, [f.attname for f in columns.fields], batch_size):
            with transaction.atomic():
                for pk, *values in rows:
                    for f, value in zip(columns.fields, values):
                        token = _token(value)
                        if token is None or token_key_id(token) == active:
                            continue
                        name = f"{columns.label}.{f.name}"
                        report.stale[name] = report.stale.get(name, 0) + 1
                        if dry_run:
                            continue
                        aad = aad_for(table, f.column, pk)
                        fresh = ring.seal(ring.open(token, aad), aad, key_id=active)
                        changed = (columns.model._base_manager
                                   .filter(pk=pk, **{f.attname: token})
                                   .update(**{f.attname: fresh}))
                        if changed:
                            report.resealed[name] = report.resealed.get(name, 0) + 1
                        else:
                            report.skipped_changed += 1
            report.rows_seen += len(rows)
            if progress:
                progress(len(rows))
            if after_batch:
                after_batch(report)
    return report


def key_ids_in_use() -> dict[str, int]:
    """How many stored values each key id seals: after a complete rotation, only the active one."""
    counts: dict[str, int] = {}
    for columns in encrypted_columns():
        for rows in _batches(columns.model, [f.attname for f in columns.fields], 2000):
            for _pk, *values in rows:
                for value in values:
                    token = _token(value)
                    if token:
                        kid = token_key_id(token)
                        counts[kid] = counts.get(kid, 0) + 1
    return counts


# ---- blind indexes ---------------------------------------------------------------------------


# Indexes kept as rows of digests derived from several sealed values (a person's search keys:
# name parts, skeletons, documents, phones) rather than as one BlindIndexField column. Each app
# registers how to count and recompute its own in AppConfig.ready, so this module imports no app.
_DERIVED: dict[str, tuple[Callable[[], int], Callable[..., int]]] = {}


def register_derived_index(name: str, *, count: Callable[[], int], rebuild: Callable[..., int]) -> None:
    """`rebuild(key=, batch_size=, dry_run=, progress=)` recomputes every row under `key` and
    returns how many rows changed; `count()` is the number of rows `progress` will be told of."""
    _DERIVED[name] = (count, rebuild)


def derived_index_names() -> set[str]:
    return set(_DERIVED)


def count_indexed_rows() -> int:
    return (sum(c.model._base_manager.count() for c in blind_index_columns())
            + sum(count() for count, _ in _DERIVED.values()))


def reindex(*, key: bytes, batch_size: int = 500, dry_run: bool = False,
            progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Recompute every blind index from the sealed value it indexes, under `key`; returns how many
    values changed per "app.Model.field". Re-running it is harmless (values already right are left
    alone), so an interrupted run is simply run again.

    Unlike re-sealing, this is not safe while the system runs when `key` is a new key: until
    every process uses it, searches compare digests made under two keys. Stop web and task
    workers first (docs/security.md)."""
    ring = keys.keyring()
    changed: dict[str, int] = {}
    for columns in blind_index_columns():
        model, table = columns.model, columns.model._meta.db_table
        sources = [model._meta.get_field(f.source) for f in columns.fields]
        names = [a for f, src in zip(columns.fields, sources) for a in (f.attname, src.attname)]
        for rows in _batches(model, names, batch_size):
            with transaction.atomic():
                for pk, *values in rows:
                    updates = {}
                    for n, (f, src) in enumerate(zip(columns.fields, sources)):
                        current, raw = values[2 * n], values[2 * n + 1]
                        if isinstance(raw, Sealed):
                            raw = ring.open(raw.token, aad_for(table, src.column, pk))
                        fresh = digest(f.purpose, f.normaliser(), raw, key=key)
                        if fresh != current:
                            updates[f.attname] = fresh
                            name = f"{columns.label}.{f.name}"
                            changed[name] = changed.get(name, 0) + 1
                    if updates and not dry_run:
                        model._base_manager.filter(pk=pk).update(**updates)
            if progress:
                progress(len(rows))
    for name, (_count, rebuild) in sorted(_DERIVED.items()):
        n = rebuild(key=key, batch_size=batch_size, dry_run=dry_run, progress=progress)
        if n:
            changed[name] = n
    return changed
