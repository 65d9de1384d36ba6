"""The course's exams (an intermediate test, a final exam...), chosen in the course builder by title.

The quiz domain keeps the link (``quiz.course_id``; a course may hold several quizzes, each with its
own pass mark; the completion rule applies to all of them); the courses domain only
reads and sets it, and works without the quiz domain (then a course has no exam). Services: they
never commit.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.courses.services import optional_module
from lms.extensions import db
from lms.plugins import plugin_manager


def _quiz_model():
    if plugin_manager().get_plugin("lms.quizzes.hooks") is None:
        return None
    models = optional_module("lms.quizzes.models")
    return getattr(models, "Quiz", None)


def exam_choices(course_id: int | None) -> list[tuple[int, str, object]]:
    """Quizzes the course may take as its exams: free ones and its own, by title, with their pass mark."""
    quiz = _quiz_model()
    if quiz is None:
        return []
    free = quiz.course_id.is_(None) if course_id is None else sa.or_(quiz.course_id.is_(None),
                                                                       quiz.course_id == course_id)
    return [(row.id, row.title, row.pass_percent) for row in db.session.execute(
        sa.select(quiz.id, quiz.title, quiz.pass_percent).where(free).order_by(quiz.title, quiz.id))]


def course_exam_ids(course_id: int) -> list[int]:
    quiz = _quiz_model()
    if quiz is None:
        return []
    return list(db.session.scalars(sa.select(quiz.id).where(quiz.course_id == course_id).order_by(quiz.id)))


def set_course_exams(course_id: int, quiz_ids: list[int]) -> None:
    """Make ``quiz_ids`` the course's exams (empty: no exam); exams left out become free quizzes."""
    quiz = _quiz_model()
    if quiz is None:
        return
    wanted = sorted(set(quiz_ids))
    db.session.flush()  # the bulk updates below must not overtake pending changes, nor expire them
    db.session.execute(sa.update(quiz).where(quiz.course_id == course_id, quiz.id.not_in(wanted or [0]))
                       .values(course_id=None).execution_options(synchronize_session=False))
    if wanted:
        db.session.execute(sa.update(quiz).where(quiz.id.in_(wanted)).values(course_id=course_id)
                           .execution_options(synchronize_session=False))
    db.session.expire_all()
