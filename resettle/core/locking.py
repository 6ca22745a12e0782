"""Optimistic locking: a `version` on the row, bumped by every save through a service.

Two staff editing one record: the second save names the version it started from, finds the
row moved on, and is refused with a clear message instead of silently overwriting.
"""

from __future__ import annotations

from django.db import models


class ConcurrentEditError(Exception):
    def __init__(self, label: str):
        super().__init__(
            f"{label} was changed by someone else while you were editing it. "
            "Reload to see their changes, then make yours again."
        )


def claim_version(instance: models.Model, expected_version: int) -> None:
    """Atomically move the row from expected_version to the next, or refuse."""
    model = type(instance)
    moved = model.objects.filter(pk=instance.pk, version=expected_version).update(version=expected_version + 1)
    if not moved:
        raise ConcurrentEditError(model._meta.verbose_name.capitalize())
    instance.version = expected_version + 1
