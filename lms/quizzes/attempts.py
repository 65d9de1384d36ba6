"""Attempt services: start (one open attempt, enforced by the database), autosave, finish, expiry.

Services never commit; views and the CLI do. Every decision about time is made here, on the server.
"""
from __future__ import annotations

import functools
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from lms.auth.models import Dealer, User
from lms.auth.sessions import live_session
from lms.events import emit
from lms.extensions import db
from lms.quizzes import grading
from lms.quizzes.contracts import AttemptResult
from lms.quizzes.models import Answer, Attempt, AttemptSlot, Question, QuestionCategory, QuestionVersion, Quiz
from lms.quizzes.qtypes import ResponseError
from lms.quizzes.registry import question_types
from lms.timeutil import utcnow


class AttemptError(Exception):
    """A refusal the learner sees: a translatable message, an HTTP status and a stable code."""

    def __init__(self, message, status: int = 409, code: str = "refused"):
        super().__init__(str(message))
        self.message, self.status, self.code = message, status, code


class TimeUp(AttemptError):
    """An answer arrived after the deadline plus the grace period."""

    def __init__(self):
        super().__init__(_l("Time is up: answers sent after the time limit are not accepted. "
                            "Your attempt was submitted with the answers saved in time."), 409, "time_up")


def grace() -> timedelta:
    """How late an answer may arrive (network delays, a slow autosave) and still count."""
    return timedelta(seconds=int(current_app.config["QUIZ_GRACE_SECONDS"]))


def is_expired(attempt: Attempt, now: datetime) -> bool:
    return attempt.state == "open" and attempt.deadline_at is not None and now > attempt.deadline_at + grace()


def open_attempt(quiz_id: int, user_id: int) -> Attempt | None:
    return db.session.scalar(sa.select(Attempt).where(Attempt.open_key == f"{quiz_id}:{user_id}"))


def finished_attempts(quiz_id: int, user_id: int) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.state == "finished").order_by(Attempt.number)))


def check_can_start(quiz: Quiz, user_id: int, now: datetime) -> None:
    """Raise AttemptError when dates, the attempt limit or the cooldown forbid a new attempt."""
    if quiz.open_at and now < quiz.open_at:
        raise AttemptError(_l("This quiz is not open yet."), 409, "not_open")
    if quiz.close_at and now >= quiz.close_at:
        raise AttemptError(_l("This quiz is closed."), 409, "closed")
    done = finished_attempts(quiz.id, user_id)
    if quiz.attempts_allowed and len(done) >= quiz.attempts_allowed:
        raise AttemptError(_l("You have used all your attempts at this quiz."), 409, "no_attempts_left")
    if quiz.cooldown_minutes and done and done[-1].finished_at:
        ready = done[-1].finished_at + timedelta(minutes=quiz.cooldown_minutes)
        if now < ready:
            minutes = max(1, int((ready - now).total_seconds() // 60) + 1)
            raise AttemptError(_l("You can try again in %(minutes)d min.", minutes=minutes), 409, "cooldown")


def start_attempt(quiz_id: int, user_id: int, *, now: datetime | None = None) -> Attempt:
    """Resume the learner's open attempt or create one; concurrent calls return the same attempt.

    The unique ``open_key`` makes the second of two racing inserts fail; it then reads the winner's row.
    """
    now = now or utcnow()
    quiz = db.session.get(Quiz, quiz_id)
    existing = open_attempt(quiz_id, user_id)
    if existing is not None:
        if not is_expired(existing, now):
            return existing
        finish_attempt(existing.id, now=now)
    check_can_start(quiz, user_id, now)
    number = len(finished_attempts(quiz_id, user_id)) + 1
    deadline = now + timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    if quiz.close_at and (deadline is None or deadline > quiz.close_at):
        deadline = quiz.close_at
    attempt = Attempt(quiz_id=quiz_id, user_id=user_id, number=number, state="open",
                      open_key=f"{quiz_id}:{user_id}", started_at=now, deadline_at=deadline)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
            db.session.flush()
    except IntegrityError:
        winner = open_attempt(quiz_id, user_id)
        if winner is None:
            raise
        return winner
    attempt.seed = grading.attempt_seed(current_app.config["SECRET_KEY"], attempt.id)
    _create_slots(quiz, attempt)
    db.session.flush()
    return attempt


def category_subtree(category_id: int) -> list[int]:
    """The category and every category below it."""
    rows = db.session.execute(sa.select(QuestionCategory.id, QuestionCategory.parent_id)).all()
    children: dict = {}
    for cid, parent in rows:
        children.setdefault(parent, []).append(cid)
    found, stack = [], [category_id]
    while stack:
        cid = stack.pop()
        found.append(cid)
        stack.extend(children.get(cid, ()))
    return found


def _create_slots(quiz: Quiz, attempt: Attempt) -> None:
    fixed = [(link.question_id, link.max_mark) for link in quiz.fixed]
    drawn: list[tuple[int, Decimal]] = []
    for index, draw in enumerate(quiz.draws):
        pool = db.session.scalars(sa.select(Question.id).where(
            Question.category_id.in_(category_subtree(draw.category_id)))).all()
        try:
            # Earlier draws are excluded too: nested or overlapping categories never repeat a question.
            # The first draw keeps the empty salt, so a quiz with one draw draws as it always did.
            ids = grading.draw_random_questions(pool, draw.count, attempt.seed, salt=str(index) if index else "",
                                                exclude=[qid for qid, _ in fixed + drawn])
        except ValueError:
            raise AttemptError(_l("This quiz cannot start: its question category has too few questions. "
                                  "Please tell the author."), 409, "pool_too_small") from None
        drawn += [(qid, draw.mark) for qid in ids]
    chosen = fixed + drawn
    if not chosen:
        raise AttemptError(_l("This quiz has no questions yet."), 409, "empty_quiz")
    versions = dict(db.session.execute(
        sa.select(QuestionVersion.question_id, QuestionVersion.id)
        .join(Question, sa.and_(Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.number))
        .where(Question.id.in_([qid for qid, _ in chosen]))).all())
    if quiz.shuffle_questions:
        chosen = grading.shuffle_question_order(chosen, attempt.seed)
    db.session.add_all([AttemptSlot(attempt_id=attempt.id, position=n, question_version_id=versions[qid],
                                    max_mark=mark) for n, (qid, mark) in enumerate(chosen, 1)])


def load_slots(attempt_id: int) -> list[tuple[AttemptSlot, QuestionVersion, Answer | None]]:
    """Every slot of an attempt with its question version and saved answer, in one query."""
    rows = db.session.execute(
        sa.select(AttemptSlot, QuestionVersion, Answer)
        .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
        .outerjoin(Answer, Answer.slot_id == AttemptSlot.id)
        .where(AttemptSlot.attempt_id == attempt_id).order_by(AttemptSlot.position)).all()
    return [tuple(row) for row in rows]


# The autosave is the hottest write of an exam campaign. Its statements are built once, on the
# tables rather than the mapped classes, so each save binds parameters to an already compiled
# Core statement and skips the ORM's per-statement work (see bench/exam_campaign.py). They check
# in SQL that the account and its dealer are active and own the attempt, so the autosave view
# need not load the account (session_login_required).
_attempts, _slots, _versions = Attempt.__table__, AttemptSlot.__table__, QuestionVersion.__table__
_users, _dealers, _answers = User.__table__, Dealer.__table__, Answer.__table__


def learners_attempt(attempt_id=None, user_id=None, session_token=None, now=None) -> tuple:
    """Attempt ``attempt_id`` joined to its learner and dealer, and the conditions that it is the
    learner ``user_id``'s, that the account and its dealer (if any) are active and that the request's
    sign-in session ``session_token`` lives at ``now`` (lms.auth.sessions): the autosave's ownership
    check in SQL, shared by save_answers and quick_save. All default to bound parameters of those
    names; a batch of saves passes its rows' columns. Returns (tables, conditions)."""
    attempt_id = sa.bindparam("attempt_id") if attempt_id is None else attempt_id
    user_id = sa.bindparam("user_id") if user_id is None else user_id
    session_token = sa.bindparam("session_token") if session_token is None else session_token
    now = sa.bindparam("now", type_=sa.DateTime()) if now is None else now
    tables = _attempts.join(_users, _users.c.id == _attempts.c.user_id).outerjoin(
        _dealers, _dealers.c.id == _users.c.dealer_id)
    conditions = (_attempts.c.id == attempt_id, _attempts.c.user_id == user_id,
                  _users.c.active.is_(True), sa.or_(_dealers.c.id.is_(None), _dealers.c.active.is_(True)),
                  live_session(user_id, session_token, now))
    return tables, conditions


def answer_upsert(dialect: str, source=None):
    """INSERT into quiz_answer, rows bound at execution or taken from the select ``source``
    (slot_id, response, saved_at, client_seq); a later save of a slot overwrites the earlier one.

    "Later" is the page's count when both saves carry one: a save numbered at or below the stored
    answer's is older (replayed, or overtaken on the network) and changes nothing. The comparison is
    in the statement itself, so no concurrent save can slip between a check and the write."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(_answers)
    if source is not None:
        statement = statement.from_select(["slot_id", "response", "saved_at", "client_seq"], source)
    stored, incoming = _answers.c.client_seq, statement.excluded.client_seq
    return statement.on_conflict_do_update(
        index_elements=[_answers.c.slot_id],
        set_={"response": statement.excluded.response, "saved_at": statement.excluded.saved_at,
              "client_seq": sa.func.coalesce(incoming, stored)},
        where=sa.or_(incoming.is_(None), stored.is_(None), stored < incoming))


_tables, _owned = learners_attempt()
_ATTEMPT_AND_SLOTS_FOR_SAVE = (
    sa.select(_attempts.c.state, _attempts.c.deadline_at,
              _slots.c.id.label("slot_id"), _slots.c.position, _versions.c.qtype, _versions.c.definition,
              _answers.c.client_seq.label("stored_seq"))
    .select_from(
        _tables.outerjoin(_slots.join(_versions, _versions.c.id == _slots.c.question_version_id)
                          .outerjoin(_answers, _answers.c.slot_id == _slots.c.id),
                          sa.and_(_slots.c.attempt_id == _attempts.c.id,
                                  _slots.c.position.in_(sa.bindparam("positions", expanding=True)))))
    .where(*_owned)
    .with_for_update(of=_attempts)
)


class SavedAnswers(NamedTuple):
    """The positions saved, and those refused as older than their stored answer (position → its number)."""

    saved: list[int]
    stale: dict[int, int]


def save_answers(attempt_id: int, user_id: int, raw_by_position: dict, *, now: datetime | None = None,
                 parse=None, seqs: dict | None = None, session_token: str | None) -> SavedAnswers:
    """Upsert the responses of some slots. Saving the same value twice changes nothing; a slot whose
    number in ``seqs`` (the page's count, see answer_upsert) is not above its stored answer's is left
    as it is and reported stale. ``session_token`` is the request's sign-in session, checked in the
    same statement. Raises LookupError (not the learner's, an inactive account, an ended session, or
    no such slot), AttemptError/TimeUp, or ResponseError."""
    now = now or utcnow()
    positions = [int(p) for p in raw_by_position]
    # FOR UPDATE serialises a save with a concurrent finish on PostgreSQL (SQLite serialises writers anyway).
    found = db.session.execute(_ATTEMPT_AND_SLOTS_FOR_SAVE,
                               {"attempt_id": attempt_id, "user_id": user_id, "positions": positions,
                                "session_token": session_token, "now": now}).all()
    if not found:  # not this learner's, the account or its dealer was deactivated, or the session ended
        raise LookupError(attempt_id)
    attempt = found[0]
    if attempt.state != "open":
        raise AttemptError(_l("This attempt is already submitted; the answer was not saved."), 409, "finished")
    if is_expired(attempt, now):
        raise TimeUp()
    rows = [(row.slot_id, row.position, row.qtype, row.definition, row.stored_seq)
            for row in found if row.slot_id is not None]
    if len(rows) != len(set(positions)):
        raise LookupError(attempt_id)
    registry = question_types()
    seqs = seqs or {}
    values, stale = [], {}
    for slot_id, position, qtype_name, definition, stored_seq in rows:
        seq = seqs.get(position)
        # Exact here: the attempt's row lock (SQLite: the write lock) keeps other saves out until commit.
        if seq is not None and stored_seq is not None and seq <= stored_seq:
            stale[position] = stored_seq
            continue
        qtype = registry.get(qtype_name)
        raw = raw_by_position.get(position, raw_by_position.get(str(position)))
        if parse is not None:
            raw = parse(qtype, definition, position, raw)
        try:
            response = qtype.normalize_response(definition, raw)
        except ResponseError as error:
            error.params["position"] = position
            raise
        values.append({"slot_id": slot_id, "response": response, "saved_at": now, "client_seq": seq})
    if values:
        db.session.execute(_answer_upsert(db.session.get_bind().dialect.name), values)
    return SavedAnswers(sorted(set(positions) - set(stale)), stale)


# Built once per dialect and run with bound rows.
_answer_upsert = functools.cache(answer_upsert)


def finish_attempt(attempt_id: int, *, now: datetime | None = None) -> AttemptResult | None:
    """Close and grade an open attempt. Only the first of any number of calls does it (and emits
    ``lms_attempt_finished``); the others return None. The conditional UPDATE is the lock."""
    now = now or utcnow()
    closed = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt_id, Attempt.state == "open")
        .values(state="finished", open_key=None, finished_at=now)
        .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        return None
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True, options=[joinedload(Attempt.quiz)])
    expired = attempt.deadline_at is not None and now > attempt.deadline_at + grace()
    registry = question_types()
    for slot, version, answer in load_slots(attempt_id):
        if slot.graded_by_id is None:
            fraction = registry.get(version.qtype).grade(version.definition, answer.response if answer else None)
            slot.fraction = fraction
    _score(attempt)
    result = attempt_result(attempt, expired=expired)
    emit("lms_attempt_finished", attempt=result)
    return result


def _score(attempt: Attempt) -> None:
    """Recompute an attempt's marks from its slots' fractions (None = waiting for a grader)."""
    db.session.flush()
    slots = db.session.execute(sa.select(AttemptSlot.max_mark, AttemptSlot.fraction)
                               .where(AttemptSlot.attempt_id == attempt.id)).all()
    score = grading.attempt_score(slots)
    attempt.marks, attempt.max_marks = score.marks, score.max_marks
    attempt.percent, attempt.needs_grading = score.percent, score.needs_grading
    attempt.passed = None if score.needs_grading else grading.is_passed(
        score.marks, score.max_marks, attempt.quiz.pass_percent)
    db.session.flush()


def attempt_result(attempt: Attempt, *, expired: bool = False) -> AttemptResult:
    return AttemptResult(
        attempt_id=attempt.id, quiz_id=attempt.quiz_id, user_id=attempt.user_id, course_id=attempt.quiz.course_id,
        number=attempt.number, percent=None if attempt.percent is None else float(attempt.percent),
        passed=attempt.passed, needs_grading=attempt.needs_grading, finished_at=attempt.finished_at,
        expired=expired)


def grade_slot(slot_id: int, mark, comment: str, grader_id: int, *, now: datetime | None = None) -> Attempt:
    """A grader's mark (0..max) and comment for one slot of a finished attempt; rescores the attempt."""
    slot = db.session.get(AttemptSlot, slot_id)
    if slot is None:
        raise LookupError(slot_id)
    attempt = db.session.get(Attempt, slot.attempt_id, options=[joinedload(Attempt.quiz)])
    if attempt.state != "finished":
        raise AttemptError(_l("The attempt is still in progress; grade it after it is submitted."), 409, "open")
    manual = grading.manual_grade_from_mark(mark, slot.max_mark, comment)
    slot.fraction, slot.comment = manual.fraction, manual.comment
    slot.graded_by_id, slot.graded_at = grader_id, now or utcnow()
    _score(attempt)
    expired = attempt.deadline_at is not None and attempt.finished_at > attempt.deadline_at + grace()
    emit("lms_attempt_graded", attempt=attempt_result(attempt, expired=expired))
    return attempt


def close_expired(*, now: datetime | None = None) -> int:
    """Finish and grade every open attempt whose time (plus grace) ran out; returns how many."""
    now = now or utcnow()
    ids = db.session.scalars(sa.select(Attempt.id).where(
        Attempt.state == "open", Attempt.deadline_at.is_not(None), Attempt.deadline_at < now - grace())).all()
    return sum(finish_attempt(attempt_id, now=now) is not None for attempt_id in ids)

