"""Quiz queries other domains and views use: final grades, the course requirement, visibility."""
from __future__ import annotations

import importlib.util
from decimal import Decimal

import sqlalchemy as sa
from flask import url_for

from lms.auth.models import Role
from lms.extensions import db
from lms.quizzes import grading
from lms.quizzes.models import Attempt, Quiz

STAFF = (Role.AUTHOR, Role.MANAGER, Role.ADMIN)


def graded_percents(quiz_id: int, user_id: int) -> list[Decimal]:
    """Percentages of the learner's finished, fully graded attempts, oldest first."""
    return list(db.session.scalars(sa.select(Attempt.percent).where(
        Attempt.quiz_id == quiz_id, Attempt.user_id == user_id, Attempt.state == "finished",
        Attempt.needs_grading.is_(False)).order_by(Attempt.number)))


def final_percent(quiz: Quiz, user_id: int) -> Decimal | None:
    """The learner's quiz grade by the quiz's grading method, or None without graded attempts."""
    return grading.final_grade(graded_percents(quiz.id, user_id), quiz.grading_method)


def quiz_passed(quiz: Quiz, percent: Decimal | None) -> bool:
    return percent is not None and grading.is_passed(percent, 100, quiz.pass_percent)


def course_quiz(course_id: int) -> Quiz | None:
    return db.session.scalar(sa.select(Quiz).where(Quiz.course_id == course_id))


def course_quiz_summary(course_id: int, user_id: int) -> dict | None:
    """The course's final quiz for the course page: id, title, url, attempts used, best %, passed."""
    quiz = course_quiz(course_id)
    if quiz is None:
        return None
    used = db.session.scalar(sa.select(sa.func.count()).select_from(Attempt).where(
        Attempt.quiz_id == quiz.id, Attempt.user_id == user_id, Attempt.state == "finished"))
    percents = graded_percents(quiz.id, user_id)
    final = grading.final_grade(percents, quiz.grading_method)
    return {"quiz_id": quiz.id, "title": quiz.title, "url": url_for("quizzes.quiz_page", quiz_id=quiz.id),
            "attempts_used": used, "best_percent": float(max(percents)) if percents else None,
            "passed": quiz_passed(quiz, final)}


def can_take(user, quiz: Quiz) -> bool:
    """Staff may try any quiz; learners a published one, and a course quiz only if they see the course."""
    if user.role in STAFF:
        return True
    if not quiz.published:
        return False
    if quiz.course_id is not None and importlib.util.find_spec("lms.courses.access") is not None:
        from lms.courses.access import course_visible_to

        return bool(course_visible_to(user, quiz.course_id))
    return True
