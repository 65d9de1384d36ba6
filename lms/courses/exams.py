"""The course's final exam, chosen in the course builder from the quizzes by title.

The quiz domain keeps the link (``quiz.course_id``, one exam per course); the courses domain only
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


def exam_choices(course_id: int | None) -> list[tuple[int, str]]:
    """Quizzes the course may take as its exam: free ones and its own, by title."""
    quiz = _quiz_model()
    if quiz is None:
        return []
    free = quiz.course_id.is_(None) if course_id is None else sa.or_(quiz.course_id.is_(None),
                                                                       quiz.course_id == course_id)
    return [(row.id, row.title) for row in db.session.execute(
        sa.select(quiz.id, quiz.title).where(free).order_by(quiz.title, quiz.id))]


def course_exam_id(course_id: int) -> int | None:
    quiz = _quiz_model()
    if quiz is None:
        return None
    return db.session.scalar(sa.select(quiz.id).where(quiz.course_id == course_id))


def set_course_exam(course_id: int, quiz_id: int | None) -> None:
    """Make ``quiz_id`` the course's exam (None: no exam); the previous exam becomes a free quiz."""
    quiz = _quiz_model()
    if quiz is None:
        return
    db.session.flush()  # the bulk updates below must not overtake pending changes, nor expire them
    db.session.execute(sa.update(quiz).where(quiz.course_id == course_id, quiz.id != (quiz_id or 0))
                       .values(course_id=None).execution_options(synchronize_session=False))
    if quiz_id:
        db.session.execute(sa.update(quiz).where(quiz.id == quiz_id).values(course_id=course_id)
                           .execution_options(synchronize_session=False))
    db.session.expire_all()
