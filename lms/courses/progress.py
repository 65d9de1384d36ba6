"""Learner progress: lessons started and completed, and course completion (services: they never commit)."""
from __future__ import annotations

import sqlalchemy as sa

from lms.coordination.leases import dialect_insert
from lms.courses.contracts import CourseCompletion
from lms.courses.models import Course, CourseCompletionRecord, Lesson, LessonProgress
from lms.events import emit
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow


def _insert_ignoring_duplicates(model, values: dict, keys: list[str]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING; True when the row was inserted (safe under concurrency)."""
    table = model.__table__
    statement = dialect_insert(table).values(**values).on_conflict_do_nothing(index_elements=keys).returning(table.c.id)
    # rowcount is unreliable with RETURNING on some drivers; a returned id is not.
    return db.session.execute(statement).scalar() is not None


def start_lesson(user_id: int, lesson_id: int) -> None:
    """Record that the learner opened the lesson (the first time only)."""
    _insert_ignoring_duplicates(LessonProgress, {"user_id": user_id, "lesson_id": lesson_id, "started_at": utcnow()},
                                ["user_id", "lesson_id"])


def complete_lesson(user_id: int, lesson_id: int) -> bool:
    """Mark the lesson completed; emit ``lms_lesson_completed`` and evaluate the course when newly done."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        raise LookupError(lesson_id)
    now = utcnow()
    newly = _insert_ignoring_duplicates(
        LessonProgress, {"user_id": user_id, "lesson_id": lesson_id, "started_at": now, "completed_at": now},
        ["user_id", "lesson_id"])
    if not newly:
        result = db.session.execute(
            sa.update(LessonProgress)
            .where(LessonProgress.user_id == user_id, LessonProgress.lesson_id == lesson_id,
                   LessonProgress.completed_at.is_(None))
            .values(completed_at=now)
            .execution_options(synchronize_session=False))
        newly = result.rowcount == 1
    if newly:
        emit("lms_lesson_completed", user_id=user_id, lesson_id=lesson_id, course_id=lesson.course_id)
        evaluate_course_completion(user_id, lesson.course_id)
    return newly


def required_lessons_done(user_id: int, course_id: int) -> bool:
    """Tell whether every required lesson of the course is completed by the learner."""
    done = sa.select(LessonProgress.id).where(
        LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user_id,
        LessonProgress.completed_at.is_not(None))
    missing = sa.select(Lesson.id).where(Lesson.course_id == course_id, Lesson.required.is_(True), ~sa.exists(done))
    return not db.session.scalar(sa.select(sa.exists(missing)))


def evaluate_course_completion(user_id: int, course_id: int) -> CourseCompletion | None:
    """Record the course as completed when every requirement is met and, unless the course's
    completion rule is "the exam alone" (and it has an exam), all required lessons are done.

    Returns the new ``CourseCompletion`` (and emits ``lms_course_completed``) only when newly
    completed for the course's current version; otherwise None.
    """
    course = db.session.get(Course, course_id)
    if course is None or not course.published:
        return None
    requirements = [r for r in plugin_manager().hook.lms_course_requirements(user_id=user_id, course_id=course_id) if r]
    # "The exam alone" needs an exam to stand on; a course without one is completed by its lessons.
    exam_alone = course.completion_rule == "exam_only" and bool(requirements)
    if not exam_alone and not required_lessons_done(user_id, course_id):
        return None
    if not all(requirement.met for requirement in requirements):
        return None
    scores = [r.score_percent for r in requirements if r.score_percent is not None]
    completion = CourseCompletion(user_id=user_id, course_id=course_id, course_version=course.version,
                                  score_percent=scores[0] if scores else None, completed_at=utcnow())
    inserted = _insert_ignoring_duplicates(
        CourseCompletionRecord,
        {"user_id": user_id, "course_id": course_id, "course_version": course.version,
         "score_percent": completion.score_percent, "completed_at": completion.completed_at},
        ["user_id", "course_id", "course_version"])
    if not inserted:
        return None
    emit("lms_course_completed", completion=completion)
    return completion
