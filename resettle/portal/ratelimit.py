"""Attempt counters per day, kept in the database so every web process shares them.

Keys are keyed digests (HMAC under the index key) of the address or reference: the table says
how often something was tried, never what or from where. Counters are per UTC day.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from resettle.core import keys
from resettle.portal.models import AttemptCounter
from resettle.security.crypto import blind_index

# Failed look-ups (wrong reference or secret) allowed per day.
FAILURES_PER_ADDRESS = 20
FAILURES_PER_REFERENCE = 5
# New applications started per address per day: families and internet cafés share addresses.
STARTS_PER_ADDRESS = 20
# Files sent to one case per day (answers and documents): enough for a family's papers, not a flood.
UPLOADS_PER_CASE = 30


class RateLimited(Exception):
    pass


def _key(scope: str, value: str) -> str:
    return blind_index(keys.index_key(), "portal.attempts", f"{scope}\x00{value}")


def _today():
    return timezone.now().date()


def count(scope: str, value: str) -> int:
    row = AttemptCounter.objects.filter(key=_key(scope, value), day=_today()).first()
    return row.count if row else 0


def over(scope: str, value: str, limit: int) -> bool:
    return count(scope, value) >= limit


@transaction.atomic
def hit(scope: str, value: str) -> None:
    key, day = _key(scope, value), _today()
    AttemptCounter.objects.get_or_create(key=key, day=day)
    AttemptCounter.objects.filter(key=key, day=day).update(count=F("count") + 1)


def prune() -> int:
    """Counters of past days mean nothing any more."""
    return AttemptCounter.objects.filter(day__lt=_today()).delete()[0]
