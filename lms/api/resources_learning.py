"""API resources about learning: course progress, quiz results and certificates (read-only)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import jsonify, request

from lms.api.auth import scope_required
from lms.api.blueprint import bp
from lms.api.errors import ApiError
from lms.api.params import MAX_ID, cursor_arg, datetime_arg, encode_cursor, int_arg, iso, limit_arg, page
from lms.auth.models import User
from lms.extensions import db


def _percent(value) -> float | None:
    return None if value is None else round(float(value), 2)


@bp.get("/progress")
@scope_required("read:progress")
def list_progress():
    """One row per learner and course they started or completed, keyed (user_id, course_id)."""
    from lms.courses.models import Course, CourseCompletionRecord, Lesson, LessonProgress

    limit = limit_arg()
    after = cursor_arg(int, int)
    user_id, course_id, dealer_id = int_arg("user_id"), int_arg("course_id"), int_arg("dealer_id")
    started = (sa.select(LessonProgress.user_id.label("user_id"), Lesson.course_id.label("course_id"))
               .join(Lesson, Lesson.id == LessonProgress.lesson_id))
    completed = sa.select(CourseCompletionRecord.user_id.label("user_id"),
                          CourseCompletionRecord.course_id.label("course_id"))
    pairs = sa.union(started, completed).subquery()
    query = sa.select(pairs.c.user_id, pairs.c.course_id).order_by(pairs.c.user_id, pairs.c.course_id).limit(limit + 1)
    if user_id:
        query = query.where(pairs.c.user_id == user_id)
    if course_id:
        query = query.where(pairs.c.course_id == course_id)
    if dealer_id:
        query = query.where(pairs.c.user_id.in_(sa.select(User.id).where(User.dealer_id == dealer_id)))
    if after:
        query = query.where(sa.or_(pairs.c.user_id > after[0],
                                   sa.and_(pairs.c.user_id == after[0], pairs.c.course_id > after[1])))
    result = page([tuple(row) for row in db.session.execute(query)], limit, lambda row: encode_cursor(*row))
    rows = result["rows"]
    user_ids = {u for u, _ in rows}
    course_ids = {c for _, c in rows}
    # Three aggregate queries for the whole page, whatever its size (no query per row).
    courses = {c.id: c for c in db.session.scalars(sa.select(Course).where(Course.id.in_(course_ids)))}
    required = dict(db.session.execute(
        sa.select(Lesson.course_id, sa.func.count(Lesson.id))
        .where(Lesson.course_id.in_(course_ids), Lesson.required.is_(True)).group_by(Lesson.course_id)).all())
    done = {(u, c): n for u, c, n in db.session.execute(
        sa.select(LessonProgress.user_id, Lesson.course_id, sa.func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id.in_(user_ids), Lesson.course_id.in_(course_ids),
               Lesson.required.is_(True), LessonProgress.completed_at.is_not(None))
        .group_by(LessonProgress.user_id, Lesson.course_id))}
    completions = {}
    for record in db.session.scalars(
            sa.select(CourseCompletionRecord)
            .where(CourseCompletionRecord.user_id.in_(user_ids), CourseCompletionRecord.course_id.in_(course_ids))
            .order_by(CourseCompletionRecord.completed_at)):
        completions[(record.user_id, record.course_id)] = record  # the latest wins
    data = []
    for u, c in rows:
        course = courses.get(c)
        total = required.get(c, 0)
        finished = done.get((u, c), 0)
        record = completions.get((u, c))
        current = record is not None and course is not None and record.course_version == course.version
        data.append({
            "user_id": u, "course_id": c,
            "course_slug": course.slug if course else None,
            "course_title": course.title if course else None,
            "course_version": course.version if course else None,
            "required_lessons": total, "completed_lessons": finished,
            "percent": round(100.0 * finished / total, 2) if total else (100.0 if record else 0.0),
            "completed": record is not None,
            "completed_current_version": current,
            "completed_version": record.course_version if record else None,
            "completed_at": iso(record.completed_at) if record else None,
            "score_percent": _percent(record.score_percent) if record else None,
        })
    return jsonify({"data": data, "next_cursor": result["next_cursor"]})


@bp.get("/quiz-results")
@scope_required("read:progress")
def list_quiz_results():
    """Finished quiz attempts, newest id last; filter by user, course, quiz or dealer."""
    from lms.quizzes.models import Attempt, Quiz

    limit = limit_arg()
    after = cursor_arg(int)
    query = (sa.select(Attempt, Quiz.title, Quiz.course_id).join(Quiz, Quiz.id == Attempt.quiz_id)
             .where(Attempt.state == "finished").order_by(Attempt.id).limit(limit + 1))
    for name, column in (("user_id", Attempt.user_id), ("quiz_id", Attempt.quiz_id), ("course_id", Quiz.course_id)):
        value = int_arg(name)
        if value:
            query = query.where(column == value)
    dealer_id = int_arg("dealer_id")
    if dealer_id:
        query = query.where(Attempt.user_id.in_(sa.select(User.id).where(User.dealer_id == dealer_id)))
    finished_since = datetime_arg("finished_since")
    if finished_since:
        query = query.where(Attempt.finished_at >= finished_since)
    if after:
        query = query.where(Attempt.id > after[0])
    result = page(db.session.execute(query).all(), limit, lambda row: encode_cursor(row[0].id))
    data = [{
        "id": attempt.id, "quiz_id": attempt.quiz_id, "quiz_title": title, "course_id": course_id,
        "user_id": attempt.user_id, "number": attempt.number, "started_at": iso(attempt.started_at),
        "finished_at": iso(attempt.finished_at), "percent": _percent(attempt.percent),
        "passed": attempt.passed, "needs_grading": bool(attempt.needs_grading),
    } for attempt, title, course_id in result["rows"]]
    return jsonify({"data": data, "next_cursor": result["next_cursor"]})


def certificate_json(certificate, now: datetime) -> dict:
    return {
        "id": certificate.id, "serial": certificate.serial, "code": certificate.code,
        "user_id": certificate.user_id, "course_id": certificate.course_id,
        "learning_path_id": certificate.learning_path_id,
        "course_version": certificate.course_version, "course_title": certificate.course_title,
        "learner_name": certificate.learner_name, "dealer_id": certificate.dealer_id,
        "dealer_name": certificate.dealer_name, "score_percent": _percent(certificate.score_percent),
        "status": certificate.status_at(now), "issued_at": iso(certificate.issued_at),
        "expires_at": iso(certificate.expires_at), "revoked_at": iso(certificate.revoked_at),
        "revoke_reason": certificate.revoke_reason, "updated_at": iso(certificate.updated_at),
        "verify_url": request.url_root.rstrip("/") + "/verify/" + certificate.code,
    }


@bp.get("/certificates")
@scope_required("read:certificates")
def list_certificates():
    """Certificates ordered by (updated_at, id): poll with updated_since, then follow next_cursor.
    A learning path's certificate has ``learning_path_id`` and no ``course_id``."""
    from lms.certificates.models import Certificate
    from lms.timeutil import utcnow

    limit = limit_arg()
    after = cursor_arg(datetime, int)
    query = sa.select(Certificate).order_by(Certificate.updated_at, Certificate.id).limit(limit + 1)
    for name, column in (("dealer_id", Certificate.dealer_id), ("user_id", Certificate.user_id),
                         ("course_id", Certificate.course_id), ("learning_path_id", Certificate.learning_path_id)):
        value = int_arg(name)
        if value:
            query = query.where(column == value)
    updated_since = datetime_arg("updated_since")
    if updated_since:
        query = query.where(Certificate.updated_at >= updated_since)
    if after:
        stamp, last_id = after
        query = query.where(sa.or_(Certificate.updated_at > stamp,
                                   sa.and_(Certificate.updated_at == stamp, Certificate.id > last_id)))
    result = page(list(db.session.scalars(query)), limit, lambda c: encode_cursor(c.updated_at, c.id))
    now = utcnow()
    return jsonify({"data": [certificate_json(c, now) for c in result["rows"]], "next_cursor": result["next_cursor"]})


@bp.get("/certificates/<int:certificate_id>")
@scope_required("read:certificates")
def get_certificate(certificate_id: int):
    from lms.certificates.models import Certificate
    from lms.timeutil import utcnow

    certificate = db.session.get(Certificate, certificate_id) if certificate_id <= MAX_ID else None
    if certificate is None:
        raise ApiError(404, "not_found", "No certificate has this id.")
    return jsonify(certificate_json(certificate, utcnow()))
