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


def course_quizzes(course_id: int) -> list[Quiz]:
    """The course's exams in the order the learner meets them: by id, the order they were attached
    (an intermediate test before the final exam)."""
    return list(db.session.scalars(sa.select(Quiz).where(Quiz.course_id == course_id).order_by(Quiz.id)))


def course_quiz_summaries(course_id: int, user_id: int) -> list[dict]:
    """The course's exams for the course page: id, title, url, pass mark, attempts used, best %, passed."""
    quizzes = course_quizzes(course_id)
    if not quizzes:
        return []
    ids = [quiz.id for quiz in quizzes]
    used = dict(db.session.execute(
        sa.select(Attempt.quiz_id, sa.func.count()).where(Attempt.quiz_id.in_(ids), Attempt.user_id == user_id,
                                                         Attempt.state == "finished").group_by(Attempt.quiz_id)).all())
    summaries = []
    for quiz in quizzes:
        percents = graded_percents(quiz.id, user_id)
        final = grading.final_grade(percents, quiz.grading_method)
        summaries.append({"quiz_id": quiz.id, "title": quiz.title, "url": url_for("quizzes.quiz_page", quiz_id=quiz.id),
                          "pass_percent": float(quiz.pass_percent), "attempts_used": used.get(quiz.id, 0),
                          "best_percent": float(max(percents)) if percents else None,
                          "passed": quiz_passed(quiz, final)})
    return summaries


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
