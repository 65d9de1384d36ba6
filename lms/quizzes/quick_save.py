"""The autosave's common case in one SQL statement: the exam campaign's hottest write.

``attempts.save_answers`` reads the attempt and its slots, checks them in Python, then upserts:
on PostgreSQL that is BEGIN, SELECT … FOR UPDATE, INSERT, COMMIT, four round trips through the
ORM session. Here the checks move into the statement itself::

    INSERT INTO quiz_answer (slot_id, response, saved_at, client_seq)
    SELECT slot.id, :response, :now, :seq FROM quiz_attempt JOIN "user" … JOIN quiz_attempt_slot …
    WHERE the attempt is the learner's, open and in time, the account and dealer are active,
          the request's sign-in session lives (lms.auth.sessions),
          and the slot at :position shows question version :version [FOR UPDATE OF quiz_attempt]
    ON CONFLICT (slot_id) DO UPDATE … WHERE the stored answer's client_seq is not above :seq
    RETURNING slot_id

run on a connection of its own (lms.driver_sql): on PostgreSQL in autocommit, straight on the pooled
psycopg connection (one round trip: it skips the pool's ping and goes again on a dropped connection
instead), on SQLite in a queued ``BEGIN IMMEDIATE``. On PostgreSQL the saves of one process that
arrive while a statement runs share the next one and its commit (``save_batches``): the same
checks, row by row, over ``unnest`` of their parameters. The page names the question version of each
slot (``data-version``) and quizzes.js sends it, so the response can be checked against that
version's definition before the statement, without reading the slot first.

Every other case (no version sent, a definition not yet in this process, an answer that does not
parse, a statement that matched no row because the attempt is finished, late, someone else's, the
account was deactivated, or an answer numbered higher is stored) returns False, and the caller
runs ``save_answers``, which decides and explains exactly as before. This path only ever says yes.

The definitions are cached per app, keyed by version id, and only for versions an attempt slot
uses: such a version is never edited (``bank.edit_question`` adds a new one) nor deleted (no code
deletes questions), so the cache cannot go stale.
"""
from __future__ import annotations

import json
from datetime import datetime
from functools import partial

import sqlalchemy as sa
from flask import current_app

from lms.driver_sql import DriverStatement, run_on_postgresql, run_on_sqlite
from lms.extensions import db
from lms.quizzes.attempts import answer_upsert, grace, learners_attempt
from lms.quizzes.models import Answer, Attempt, AttemptSlot, QuestionVersion
from lms.quizzes.qtypes import ResponseError
from lms.quizzes.registry import question_types
from lms.quizzes.save_batches import SaveBatches
from lms.timeutil import utcnow

# Enough for every version of a large campaign's quizzes; a client cannot grow it past this.
CACHE_LIMIT = 4096

_attempts, _slots, _versions = Attempt.__table__, AttemptSlot.__table__, QuestionVersion.__table__
_answers = Answer.__table__

# The versions an attempt's slots show: they are in use, so immutable, and safe to keep.
_VERSIONS_OF_ATTEMPT = (
    sa.select(_versions.c.id, _versions.c.qtype, _versions.c.definition)
    .join(_slots, _slots.c.question_version_id == _versions.c.id)
    .where(_slots.c.attempt_id == sa.bindparam("attempt_id"))
)


def save_answer_quickly(attempt_id: int, user_id: int, position: int, version_id, fields: dict, *, parse,
                        now: datetime | None = None, seq: int | None = None, session_token: str | None,
                        app=None) -> bool:
    """Save one slot's answer if every check passes in one statement; False means "use save_answers".
    ``seq`` is the page's count of the slot's saves: one not above the stored answer's saves nothing.
    ``session_token`` is the request's sign-in session (lms.auth.sessions): an ended one saves nothing.
    ``app`` (default: the current app) lets the autosave's fast path call it without an app context
    once ``prepare(app)`` has run in one."""
    if not isinstance(version_id, int) or isinstance(version_id, bool):
        return False
    app = app or current_app._get_current_object()
    now = now or utcnow()
    state = _state(app)
    engine = state.get("engine") or prepare(app)
    known = state["definitions"]
    if version_id not in known:
        _remember_versions(engine, attempt_id, known)
    if version_id not in known:
        return False
    qtype_name, definition = known[version_id]
    qtype = question_types(app).get(qtype_name)
    try:
        response = qtype.normalize_response(definition, parse(qtype, definition, position, fields))
    except ResponseError:
        return False  # save_answers checks ownership first, then explains the problem
    row = {"attempt_id": attempt_id, "user_id": user_id, "position": position, "version_id": version_id,
           "cutoff": now - state["grace"], "response": response, "now": now, "seq": seq,
           "session_token": session_token}
    if engine.dialect.name == "postgresql":
        return _batches(app, engine).save((attempt_id, position), row)
    upsert = _statements(engine.dialect, app)["one"]
    return run_on_sqlite(engine, upsert.sql, upsert.parameters(**row), _first) is not None


def prepare(app):
    """Keep ``app``'s engine and grace period for saves made outside an app context; returns the engine.
    Call inside an app context (the engine is Flask-SQLAlchemy's)."""
    state = _state(app)
    state["grace"] = grace()
    state["engine"] = db.engine
    return state["engine"]


def needs_app_context(app) -> bool:
    """SQLite's writer queue runs in the app context; PostgreSQL's statement needs none."""
    return prepare(app).dialect.name != "postgresql"


def _batches(app, engine) -> SaveBatches:
    state = _state(app)
    batches = state.get("batches")
    if batches is None:  # setdefault is atomic: racing threads all get the one stored first
        batches = state.setdefault("batches", SaveBatches(partial(_save_rows_on_postgresql, engine,
                                                                  _statements(engine.dialect, app))))
    return batches


def _save_rows_on_postgresql(engine, statements: dict, rows: list[dict]) -> set[int]:
    """The indexes of ``rows`` saved: one row by the one-row statement, several by the batch statement."""
    if len(rows) == 1:
        one = statements["one"]
        return {0} if run_on_postgresql(engine, one.sql, one.parameters(**rows[0]), _all) else set()
    batch = statements["batch"]
    # One JSON text for the whole batch: psycopg dumping ten arrays element by element in Python was a
    # tenth of a worker's CPU under an exam's load; json.dumps is C, and PostgreSQL parses it in C.
    incoming = json.dumps([{**row, "n": n, "cutoff": row["cutoff"].isoformat(), "now": row["now"].isoformat()}
                           for n, row in enumerate(rows)], ensure_ascii=False, separators=(",", ":"))
    saved = run_on_postgresql(engine, batch.sql, batch.parameters(rows=incoming), _all)
    return {number for (number,) in saved}


def _first(result):
    return result.first()


def _all(cursor):
    return cursor.fetchall()


def _state(app=None) -> dict:
    """What ``app`` (default: the current app) keeps: the question versions' definitions, the
    statements compiled for its engine, the engine and grace period, and on PostgreSQL its SaveBatches."""
    return (app or current_app).extensions.setdefault("lms_quick_save", {"definitions": {}, "statements": None})


def _statements(dialect, app=None) -> dict[str, DriverStatement]:
    """The one-row upsert (and on PostgreSQL the batch upsert), compiled for this app's engine."""
    state = _state(app)
    if state["statements"] is None:  # threads may race here: each builds the same, whole, then stores it
        statements = {"one": DriverStatement(_upsert(dialect.name), dialect)}
        if dialect.name == "postgresql":
            statements["batch"] = DriverStatement(_batch_upsert(), dialect)
        state["statements"] = statements
    return state["statements"]


def _remember_versions(engine, attempt_id: int, known: dict) -> None:
    with engine.connect() as connection:
        rows = connection.execute(_VERSIONS_OF_ATTEMPT, {"attempt_id": attempt_id}).all()
    if len(known) + len(rows) > CACHE_LIMIT:
        known.clear()
    for version_id, qtype_name, definition in rows:
        known[version_id] = (qtype_name, definition)


def _open_slot(attempt_id, user_id, position, version_id, cutoff, session_token, now, *, rows=None) -> tuple:
    """The slot at ``position`` showing ``version_id`` in the learner's attempt, joined, and every
    check a save passes: the learner's own, active account and dealer, a live sign-in session, open,
    and not past its deadline plus grace (``cutoff``). Shared by the one-row and the batch statement,
    whose ``rows`` come first in the join so that the slot's join can name their columns. (tables, checks)"""
    tables, owned = learners_attempt(attempt_id, user_id, session_token, now)
    if rows is not None:
        tables = rows.join(tables, _attempts.c.id == attempt_id)
    tables = tables.join(_slots, sa.and_(_slots.c.attempt_id == _attempts.c.id, _slots.c.position == position,
                                         _slots.c.question_version_id == version_id))
    checks = (*owned, _attempts.c.state == "open",
              sa.or_(_attempts.c.deadline_at.is_(None), _attempts.c.deadline_at >= cutoff))
    return tables, checks


_BATCH_COLUMNS = {"n": sa.Integer(), "attempt_id": sa.Integer(), "user_id": sa.Integer(), "session_token": sa.String(),
                  "position": sa.Integer(),
                  "version_id": sa.Integer(), "cutoff": _attempts.c.deadline_at.type,
                  "response": _answers.c.response.type, "now": _answers.c.saved_at.type,
                  "seq": _answers.c.client_seq.type}


def _batch_upsert():
    """The upsert for several rows (PostgreSQL): ``jsonb_to_recordset(:rows)`` as the rows (one JSON
    array of objects), each checked as the one-row statement checks it; returns the numbers ``n`` of
    the rows saved.

    The attempts are locked in id order, so two workers' batches never wait for each other in a cycle.
    """
    from sqlalchemy.dialects.postgresql import JSONB

    rows = sa.func.jsonb_to_recordset(sa.cast(sa.bindparam("rows", type_=sa.Text()), JSONB)).table_valued(
        *(sa.column(name, type_) for name, type_ in _BATCH_COLUMNS.items())).render_derived(
        name="incoming", with_types=True)
    tables, checks = _open_slot(rows.c.attempt_id, rows.c.user_id, rows.c.position, rows.c.version_id,
                                rows.c.cutoff, rows.c.session_token, rows.c.now, rows=rows)
    chosen = (
        sa.select(rows.c.n, _slots.c.id.label("slot_id"), rows.c.response, rows.c.now, rows.c.seq)
        .select_from(tables)
        .where(*checks)
        .order_by(_attempts.c.id)
        .with_for_update(of=_attempts)
        .cte("chosen")
    )
    written = answer_upsert("postgresql", sa.select(chosen.c.slot_id, chosen.c.response, chosen.c.now,
                                                    chosen.c.seq)).returning(_answers.c.slot_id).cte("written")
    return sa.select(chosen.c.n).join(written, written.c.slot_id == chosen.c.slot_id)


def _upsert(dialect: str):
    """INSERT … SELECT (every check) ON CONFLICT DO UPDATE RETURNING; compiled once per app (DriverStatement)."""
    now = sa.bindparam("now", type_=_answers.c.saved_at.type)
    tables, checks = _open_slot(sa.bindparam("attempt_id"), sa.bindparam("user_id"), sa.bindparam("position"),
                                sa.bindparam("version_id"), sa.bindparam("cutoff", type_=_attempts.c.deadline_at.type),
                                sa.bindparam("session_token"), now)
    source = (
        sa.select(_slots.c.id, sa.bindparam("response", type_=_answers.c.response.type), now,
                  sa.bindparam("seq", type_=_answers.c.client_seq.type))
        .select_from(tables)
        .where(*checks)
        # Serialises the save with a concurrent finish on PostgreSQL: a finish that commits first
        # leaves the attempt "finished", the re-checked WHERE fails and nothing is written.
        .with_for_update(of=_attempts)
    )
    return answer_upsert(dialect, source).returning(_answers.c.slot_id)
