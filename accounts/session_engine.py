"""Sessions read from Redis and written through to the database, idle time kept by the app.

A page read its session from PostgreSQL and wrote it back on every request (two of the ~8 queries
every page paid before its own, issue #22). Here the session is read from the cache (Django's
`cached_db`: the database stays the record, the cache a copy) and saved at most once a
SESSION_TOUCH_SECONDS (see `SessionTouchMiddleware`), so the 30-minute idle limit (CJIS 5.9.5)
slides to within a minute of the last request. The limit is checked here against the session's
own last save, so a cached copy never outlives it, whatever the cache's clock.

Used only with Redis: a cache private to each process (the embedded demo's) would keep a session
another process had ended.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

TOUCHED_AT = "_touched_at"


class SessionStore(CachedDBStore):
    def load(self) -> dict:
        data = super().load()
        touched = data.get(TOUCHED_AT)
        if touched is not None and time.time() - touched > settings.SESSION_COOKIE_AGE:
            # As the database store does with an expired row: an empty session, a new key.
            self._session_key = None
            return {}
        return data

    def save(self, must_create: bool = False) -> None:
        self._get_session()[TOUCHED_AT] = time.time()
        super().save(must_create)
