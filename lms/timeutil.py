"""Time in one convention: naive UTC datetimes, identical on SQLite and PostgreSQL.

Tests move the clock with ``clock_moved`` instead of sleeping: everything that asks ``utcnow()``
(column defaults included) sees the moved time, in every thread of the process.
"""
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

_offset = timedelta(0)


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (what every DateTime column stores), plus any test offset."""
    return datetime.now(timezone.utc).replace(tzinfo=None) + _offset


@contextmanager
def clock_moved(**delta):
    """Inside the block ``utcnow()`` is ahead by ``timedelta(**delta)`` (on top of any outer move); for tests."""
    global _offset
    previous = _offset
    _offset = previous + timedelta(**delta)
    try:
        yield
    finally:
        _offset = previous
