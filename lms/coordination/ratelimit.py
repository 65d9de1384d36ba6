"""Fixed-window rate limits shared by every process and node: in the database, or in Redis when configured.

The database counter is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite and PostgreSQL)
on its own short transaction. With ``REDIS_URL`` the counter is an ``INCR`` with an expiry instead;
if Redis cannot be reached the limiter falls back to the database (logged once per process) and
tries Redis again a little later, so a Redis outage never turns into an error page.
"""
from __future__ import annotations

import hashlib
import logging
import re
import threading
import time

import sqlalchemy as sa
from lms.coordination.leases import dialect_insert
from lms.coordination.models import RateLimitCounter
from lms.coordination.redis_counter import RedisCounter, RedisUnavailable
from lms.extensions import db

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
REDIS_RETRY_SECONDS = 30
log = logging.getLogger(__name__)


def parse_limit(text: str) -> tuple[int, int]:
    """``"60/minute"`` → (60, 60). Raises ValueError for anything else."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(second|minute|hour|day)s?\s*", str(text or ""))
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"rate limit must look like '60/minute', got {text!r}")
    return int(match.group(1)), _UNITS[match.group(2)]


def counter_key(name: str, client: str) -> str:
    key = f"{name}:{client}"
    # Hashed when long: an IPv6 address with a long name may not fit the key column.
    return key if len(key) <= 200 else f"{name}:" + hashlib.sha256(client.encode()).hexdigest()


def database_hits(key: str, window_start: int, window: int, *, in_write_transaction: bool = False) -> int:
    """Count one hit in the database; the hits of ``key`` in this window so far.

    Counted on a connection of its own (the caller's transaction may read, or roll back), except
    on SQLite when the caller already holds the write lock (``in_write_transaction``, a POST): a
    second connection would wait for that lock.
    """
    table = RateLimitCounter.__table__
    upsert = (dialect_insert(table).values(key=key, window_start=window_start, hits=1)
              .on_conflict_do_update(index_elements=["key", "window_start"], set_={"hits": table.c.hits + 1})
              .returning(table.c.hits))

    def count(connection) -> int:
        hits = connection.execute(upsert).scalar_one()
        if hits == 1:  # the first hit of a new window clears everyone's ended windows
            connection.execute(sa.delete(table).where(table.c.window_start < window_start - window))
        return hits

    if db.engine.dialect.name == "sqlite" and in_write_transaction:
        return count(db.session.connection())
    with db.engine.begin() as connection:
        return count(connection)


class SharedLimiter:
    """``limit`` hits per client per ``window`` seconds, counted where every node sees them."""

    def __init__(self, name: str, limit: int, window: int, redis_url: str | None = None, clock=time.time):
        self.name, self.limit, self.window, self.clock = name, limit, window, clock
        self.redis = RedisCounter(redis_url) if redis_url else None
        self._redis_down_until = 0.0
        self._fallback_logged = False
        self._lock = threading.Lock()

    def hit(self, client: str, *, in_write_transaction: bool = False) -> bool:
        """Count one request of ``client``; False when it is over the limit (see ``database_hits``)."""
        now = self.clock()
        window_start = int(now // self.window) * self.window
        key = counter_key(self.name, client)
        hits = self._redis_hits(key, window_start, now)
        if hits is None:
            hits = database_hits(key, window_start, self.window, in_write_transaction=in_write_transaction)
        return hits <= self.limit

    def _redis_hits(self, key: str, window_start: int, now: float) -> int | None:
        if self.redis is None or now < self._redis_down_until:
            return None
        try:
            return self.redis.incr(f"lms:rl:{key}:{window_start}", ttl=self.window + 1)
        except RedisUnavailable as error:
            with self._lock:
                self._redis_down_until = now + REDIS_RETRY_SECONDS
                if not self._fallback_logged:
                    self._fallback_logged = True
                    log.warning("Redis at REDIS_URL is unreachable (%s): rate limits are counted in the "
                                "database until it is back", error)
            return None
