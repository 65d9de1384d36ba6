"""Waking workers: PostgreSQL ``NOTIFY`` when work is enqueued, ``LISTEN`` with a timeout in the worker.

The notification is sent inside the transaction that enqueues the work, and PostgreSQL delivers it
only when that transaction commits (never for a rollback), so a woken worker always finds the rows.
A worker still polls after its timeout (deliveries retried later, a lost connection); SQLite has no
notifications and keeps polling.
"""
from __future__ import annotations

import logging
import time

import sqlalchemy as sa

from lms.extensions import db

CHANNEL = "lms_work"
log = logging.getLogger(__name__)


def notify_on_commit(session, kind: str) -> None:
    """Queue a wake-up for ``kind`` of work, delivered when ``session``'s transaction commits (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_notify(:channel, :kind)"), {"channel": CHANNEL, "kind": kind})


class Listener:
    """A worker's wait for work: ``wait(seconds)`` returns early when a notification arrives."""

    def __init__(self, engine):
        self.url = engine.url if engine.dialect.name == "postgresql" else None
        self.connection = None

    def _connect(self):
        import psycopg

        conninfo = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.connection = psycopg.connect(conninfo, autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")

    def wait(self, seconds: float, stopping=lambda: False) -> bool:
        """Up to ``seconds``, in slices so a SIGTERM is noticed; True when woken by a notification."""
        deadline = time.monotonic() + seconds
        while not stopping():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.url is None:
                time.sleep(min(0.2, remaining))
                continue
            try:
                if self.connection is None:
                    self._connect()
                for _ in self.connection.notifies(timeout=min(1.0, remaining), stop_after=1):
                    return True
            except Exception as error:  # a restarted server: poll until it is back
                log.warning("Listening for work failed (%s); polling instead", error)
                self.close()
                time.sleep(min(1.0, max(0.0, deadline - time.monotonic())))
        return False

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            finally:
                self.connection = None
