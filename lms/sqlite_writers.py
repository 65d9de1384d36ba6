"""A queue for SQLite writers: threads and processes wait their turn on locks that wake them.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps 1, 2, 5 …
up to 100 ms between tries. Under an exam campaign's burst of answer saves the lock was free much
of the time while every writer slept (``bench/exam_campaign.py``). Here a write transaction first
takes this process's lock (threads queue on it), then an exclusive ``flock`` on a file beside the
database (processes queue on it; the kernel wakes the next one at once), and only then SQLite's
``BEGIN IMMEDIATE``. Both are released when the connection goes back to the pool, right after the
commit or rollback.

A thread that already holds the queue and begins another write (a second connection) re-enters it
instead of waiting for itself; SQLite's own busy timeout still bounds that case, as before. Writers
outside the queue (the CLI, a page view's short write) are still handled by the busy timeout.
"""
from __future__ import annotations

import fcntl
import os
import threading

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Never wait for the queue longer than SQLite would have waited for its lock.
QUEUE_TIMEOUT_SECONDS = 30


class WriterQueue:
    """One per engine (per process): a re-entrant thread lock in front of a file lock."""

    def __init__(self, lock_path: str):
        self.lock_path = lock_path
        self.threads = threading.RLock()
        self.depth = 0  # how many of this process's connections hold the queue (one thread at a time)
        self.fd: int | None = None
        self.pid: int | None = None

    def acquire(self) -> None:
        if not self.threads.acquire(timeout=QUEUE_TIMEOUT_SECONDS):
            raise TimeoutError("the SQLite writer queue did not move for 30 s")
        try:
            if self.depth == 0:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            self.depth += 1
        except BaseException:
            self.threads.release()
            raise

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        self.threads.release()

    def _file(self) -> int:
        # A forked worker (gunicorn) must not share its parent's open file: flock locks belong to it.
        if self.fd is None or self.pid != os.getpid():
            self.fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
            self.pid = os.getpid()
        return self.fd


def install(engine: Engine, database_path: str) -> WriterQueue:
    """Queue ``engine``'s write transactions; ``begin_writing(connection)`` is called at BEGIN IMMEDIATE."""
    queue = WriterQueue(database_path + ".writers")

    @event.listens_for(engine, "checkin")
    def _release(_dbapi_connection, record):
        if record.info.pop("lms_writer", False):
            queue.release()

    @event.listens_for(engine, "invalidate")
    def _release_invalidated(_dbapi_connection, record, _exception):
        if record.info.pop("lms_writer", False):
            queue.release()

    return queue


def begin_writing(queue: WriterQueue, connection) -> None:
    """Take ``queue`` for ``connection`` (once per checkout), before it runs BEGIN IMMEDIATE."""
    record = connection.connection._connection_record
    if not record.info.get("lms_writer"):
        queue.acquire()
        record.info["lms_writer"] = True
