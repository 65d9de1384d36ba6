"""Course completions a dead node never recorded: the worker records them late (``lms worker``).

Finishing a passed final quiz commits the attempt; the course completion is recorded after that
commit (the ``lms_attempt_finished`` hook), and the certificate after the completion's. A node
killed in between leaves a passed attempt without its completion, and a retried request finds the
attempt already finished. The worker looks for such attempts now and then and evaluates the course
again; recording a completion is idempotent (a unique key per user, course and version).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from lms.coordination import leases
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow

LOOK_BACK = dt.timedelta(days=2)
GRACE = dt.timedelta(seconds=5)  # the finishing request is usually still completing the course
SWEEP_EVERY_SECONDS = 10.0


def passed_without_completion(limit: int, now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(user, course) of recent passed final-quiz attempts whose course version has no completion."""
    from lms.courses.models import Course, CourseCompletionRecord as Completion
    from lms.quizzes.models import Attempt, Quiz

    now = now or utcnow()
    return db.session.execute(
        sa.select(Attempt.user_id, Quiz.course_id).distinct()
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(Course, Course.id == Quiz.course_id)
        .where(Attempt.passed.is_(True), Attempt.finished_at >= now - LOOK_BACK, Attempt.finished_at < now - GRACE,
               Course.published.is_(True),
               ~sa.exists().where(Completion.user_id == Attempt.user_id, Completion.course_id == Course.id,
                                  Completion.course_version == Course.version))
        .limit(limit)).all()


def complete_missed(limit: int) -> int:
    """Evaluate the courses of up to ``limit`` such attempts (every ``SWEEP_EVERY_SECONDS``). Commits."""
    if not leases.due_every("courses.late_completion", SWEEP_EVERY_SECONDS):
        return 0
    from lms.courses.progress import evaluate_course_completion

    missed = passed_without_completion(limit)
    db.session.rollback()
    completed = 0
    for user_id, course_id in missed:
        try:
            completed += evaluate_course_completion(user_id, course_id) is not None
            commit()  # fires lms_course_completed: the certificate is issued (or left to the workers)
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Completing course %s for user %s late failed", course_id, user_id)
    return completed
