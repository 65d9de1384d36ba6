"""Engine set-up per backend: SQLite gets WAL, a busy timeout and immediate write transactions."""
from __future__ import annotations

from pathlib import Path

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def engine_options(uri: str) -> dict:
    """Pool options: SQLite connections wait for the write lock instead of failing at once."""
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True}


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

    database = engine.url.database
    queue = sqlite_writers.install(engine, database) if database and database != ":memory:" else None

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        writing = has_request_context() and (request.method not in READ_ONLY_METHODS or g.get("lms_write"))
        if writing and queue is not None:
            sqlite_writers.begin_writing(queue, connection)  # wait our turn without busy-sleeping
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def begin_write() -> None:
    """A page view (GET) that must write: end its read transaction, and take the next one for writing.

    SQLite cannot turn a read transaction into a write one once another writer committed
    ("database is locked", whatever the busy timeout); a transaction begun for writing queues
    for the lock instead. Anything already loaded is expired and reloads in the new transaction.
    On PostgreSQL this only commits the (read-only) transaction.
    """
    from lms.extensions import db

    db.session.commit()
    g.lms_write = True
