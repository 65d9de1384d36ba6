"""The hottest writes' one statement, run straight on the driver: the quiz autosave and the SCORM commit.

Each runs one statement that carries every check itself (owner, live session, active account and
dealer), on a connection of its own, without the ORM session, SQLAlchemy's compiled-cache lookup or
its execution context (together a third of such a request's CPU): on PostgreSQL in autocommit, one
round trip on the pooled psycopg connection; on SQLite in the writer queue's ``BEGIN IMMEDIATE``
(lms.sqlite_writers), then commit.
"""
from __future__ import annotations

from lms.database import unpinged_checkout


class DriverStatement:
    """A compiled statement run as the driver's own SQL: each call skips SQLAlchemy's compiled-cache
    lookup and parameter set-up (a twentieth of a save's CPU), applying the columns' conversions itself."""

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = str(compiled)
        self.order = getattr(compiled, "positiontup", None)  # positional drivers (SQLite's "?")
        self.fixed = {name: value for name, value in compiled.params.items() if value is not None}
        self.convert = {}
        for bind, name in compiled.bind_names.items():  # by compiled name: an anonymous bind's key is not it
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                self.convert[name] = process

    def parameters(self, **values):
        values = {**self.fixed, **values}
        for name, process in self.convert.items():
            values[name] = process(values[name])
        return tuple(values[name] for name in self.order) if self.order else values


def run_on_postgresql(engine, sql: str, parameters, read):
    """One round trip, in autocommit, on the pooled psycopg connection itself; ``read(cursor)`` is returned.

    SQLAlchemy's Connection around it (its set-up, execution context, result, and switching the
    isolation level there and back) was a sixth of a save's CPU, so the statement goes straight to
    the driver. The first try skips the pool's ping; if its connection turns out dead (a restarted
    server), that connection is dropped and the statement goes once more on a pinged one, which the
    pool replaces if it is dead too. Only for statements that may run twice (the same answer saved
    again, the same CMI data stored again).
    """
    for retrying in (False, True):
        if retrying:
            pooled = engine.raw_connection()
        else:
            with unpinged_checkout():
                pooled = engine.raw_connection()
        connection = pooled.driver_connection
        try:
            connection.autocommit = True
            answer = read(connection.execute(sql, parameters))
            connection.autocommit = False
        except BaseException as error:
            pooled.invalidate(error)  # closed and given back: its state (autocommit, a half-read reply) is unknown
            dropped = isinstance(error, engine.dialect.loaded_dbapi.Error) and engine.dialect.is_disconnect(
                error, connection, None)
            if retrying or not dropped:
                raise
        else:
            pooled.close()
            return answer
    raise AssertionError("unreachable: the second try returns or raises")


def run_on_sqlite(engine, sql: str, parameters, read):
    """In the writer queue's ``BEGIN IMMEDIATE`` (lms.sqlite_writers), then commit; ``read(result)`` is returned."""
    with engine.connect() as connection:
        answer = read(connection.exec_driver_sql(sql, parameters))
        connection.commit()
    return answer
