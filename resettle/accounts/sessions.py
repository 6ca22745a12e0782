"""Staff sessions in the database, written only when something changed or the idle timeout
needs moving on.

Sessions end after SESSION_COOKIE_AGE (30 minutes) without a request: SESSION_SAVE_EVERY_REQUEST
asks for the expiry to be pushed back on every request, which with Django's own store is an
UPDATE and a transaction on every page, for every signed-in person. This store skips that write
when the session's data is unchanged and the expiry it would write is less than REFRESH_SECONDS
later than the one already stored. The timeout keeps its meaning (counted from the last
request), give or take that minute: an idle session ends between 29 and 30 minutes after its
last request, never later than 30.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

REFRESH_SECONDS = 60


class SessionStore(db.SessionStore):
    _stored_expiry: dt.datetime | None = None

    def _get_session_from_db(self):
        # Every request reads its session: the same lookup as Django's store (the key, not yet
        # expired), written out from the model's names instead of built by the ORM each time,
        # which cost about twice the statement itself (bench/load/pages.py).
        meta = self.model._meta
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        q = connection.ops.quote_name
        key, data, expiry = (meta.get_field(name) for name in ("session_key", "session_data", "expire_date"))
        sql = (f"SELECT {q(key.column)}, {q(data.column)}, {q(expiry.column)} FROM {q(meta.db_table)} "
               f"WHERE {q(key.column)} = %s AND {q(expiry.column)} > %s")
        found = list(self.model.objects.db_manager(alias).raw(
            sql, [self.session_key, expiry.get_db_prep_value(timezone.now(), connection)]))
        if not found:
            self._session_key = None
            return None
        return found[0]

    def load(self):
        s = self._get_session_from_db()
        self._stored_expiry = s.expire_date if s else None
        return self.decode(s.session_data) if s else {}

    def _expiry_is_fresh(self) -> bool:
        return (self._stored_expiry is not None
                and self.get_expiry_date() - self._stored_expiry < dt.timedelta(seconds=REFRESH_SECONDS))

    def save(self, must_create=False):
        if not must_create and not self.modified and self.session_key is not None and self._expiry_is_fresh():
            return
        super().save(must_create=must_create)
        self._stored_expiry = self.get_expiry_date()
