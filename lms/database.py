"""Engine set-up per backend: SQLite gets WAL, a busy timeout and immediate write transactions."""
from __future__ import annotations

import contextvars
import select
import time
from contextlib import contextmanager
from pathlib import Path

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

from lms import sqlite_writers

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def database_uri(config, instance_path: str) -> str:
    """The SQLAlchemy URL: ``DATABASE_URL`` or a SQLite file in the instance folder."""
    url = config.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):  # the Heroku-style spelling SQLAlchemy rejects
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return "sqlite:///" + str(Path(instance_path) / "lms.sqlite3")


def engine_options(uri: str, pool_size: int = 10) -> dict:
    """Pool options: ``pool_size`` connections kept open (as many again opened for bursts).
    SQLite connections wait for the write lock instead of failing at once.

    PostgreSQL connections are pinged as they leave the pool, like ``pool_pre_ping``, but by
    configure_postgresql, so that one idempotent hot write can skip the ping (unpinged_checkout).
    """
    if uri.startswith("sqlite"):
        if uri in ("sqlite://", "sqlite:///:memory:"):
            return {"connect_args": {"check_same_thread": False}}  # one connection; no pool to size
        return {"connect_args": {"timeout": 30, "check_same_thread": False},
                "pool_size": pool_size, "max_overflow": pool_size}
    return {"pool_size": pool_size, "max_overflow": pool_size}


_UNPINGED = contextvars.ContextVar("lms_unpinged_checkout", default=False)


# A connection back in the pool for longer than this is pinged with a round trip before use;
# one reused sooner is checked by looking at its socket (see _socket_is_quiet).
PING_AFTER_IDLE_SECONDS = 30.0


def configure_postgresql(engine: Engine) -> None:
    """Check every connection taken from the pool, so a restarted server costs no failed request.

    A connection that was idle for long, or whose socket has something to read, gets a real ping
    (one round trip, ``pool_pre_ping``'s); a dead one raises DisconnectionError here, and the pool
    replaces it and tries again. Under load a connection comes back within milliseconds, and a
    round trip per checkout was a statement in every request (several where a request commits
    more than once): the socket check costs no round trip.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection, record):
        if record is not None:
            record.info["lms_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, record, _proxy):
        if _UNPINGED.get():
            return
        idle_since = record.info.get("lms_idle_since") if record is not None else None
        if (idle_since is not None and time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS
                and _socket_is_quiet(dbapi_connection)):
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError(str(error)) from error
            raise


def _socket_is_quiet(dbapi_connection) -> bool:
    """True when an idle psycopg connection is open and has nothing waiting on its socket.

    A server that ends a connection (restart, ``pg_terminate_backend``, its idle timeouts) sends
    a FATAL message and closes it, which makes the socket readable; so does anything else the
    server sends unasked (a notification, a parameter change). Any of those, or any doubt, means
    "ping it". A host that vanished without a word is what the idle limit above is for.
    """
    from psycopg import pq

    try:
        pgconn = dbapi_connection.pgconn
        if (dbapi_connection.closed or pgconn.status != pq.ConnStatus.OK
                or pgconn.transaction_status != pq.TransactionStatus.IDLE):
            return False
        poller = select.poll()
        poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
        return not poller.poll(0)
    except (AttributeError, OSError, ValueError, TypeError):
        return False


@contextmanager
def unpinged_checkout():
    """Connections taken inside skip the ping (one round trip) on PostgreSQL.

    Only for a caller that runs one idempotent statement and, when it fails on a dropped
    connection, drops that connection and runs it again on a pinged one: the autosave
    (quizzes.quick_save).
    """
    token = _UNPINGED.set(True)
    try:
        yield
    finally:
        _UNPINGED.reset(token)


def _fold(method):
    """A SQL function applying ``method`` to text and passing anything else (NULL, numbers) through."""
    return lambda value: method(value) if isinstance(value, str) else value


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers run beside a writer; BEGIN IMMEDIATE takes the write lock up front.

    A deferred transaction that reads and then writes fails with "database is locked" when
    another writer got in between; taking the lock at BEGIN makes concurrent writers queue
    (bounded by the busy timeout) instead. Only write requests (POST, PUT, PATCH, DELETE) take
    it: read-only requests, the CLI and tests stay deferred, so a reader never blocks a writer.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # SQLite's own lower() and upper() fold ASCII only, so a search for «Яблоко» missed
        # «ЯБЛОКО-Агро»; Python's fold every script, as PostgreSQL's do.
        dbapi_connection.create_function("lower", 1, _fold(str.lower), deterministic=True)
        dbapi_connection.create_function("upper", 1, _fold(str.upper), deterministic=True)

    database = engine.url.database
    queue = sqlite_writers.install(engine, database) if database and database != ":memory:" else None

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writing = _BACKGROUND_WRITES.get() or (
            has_request_context() and (request.method not in READ_ONLY_METHODS or g.get("lms_write")))
        if writing and queue is not None:
            sqlite_writers.begin_writing(queue, connection)  # wait our turn without busy-sleeping
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


# ``lms worker``'s work reads what is due and then writes it (invitations, reminders, snapshots):
# on SQLite a deferred transaction that turns writer beside a busy portal fails at once with
# "database is locked", so background work begins its transactions for writing, queued like a
# write request's. Work that takes long (a PDF render, an HTTP delivery) ends its transaction first.
_BACKGROUND_WRITES = contextvars.ContextVar("lms_background_writes", default=False)


@contextmanager
def background_writes():
    """Within: every transaction begins for writing (SQLite ``BEGIN IMMEDIATE``; nothing on PostgreSQL)."""
    token = _BACKGROUND_WRITES.set(True)
    try:
        yield
    finally:
        _BACKGROUND_WRITES.reset(token)


def begin_write() -> bool:
    """A page view (GET) that must write: end its read transaction, and take the next one for writing.

    SQLite cannot turn a read transaction into a write one once another writer committed
    ("database is locked", whatever the busy timeout); a transaction begun for writing queues
    for the lock instead. Anything already loaded is expired and reloads in the new transaction.
    On PostgreSQL a read transaction may simply go on to write: nothing is ended or expired.
    Returns whether what was loaded was expired (SQLite).
    """
    from lms.extensions import db

    expired = db.session.get_bind().dialect.name == "sqlite"
    if expired:
        db.session.commit()
    g.lms_write = True
    return expired
