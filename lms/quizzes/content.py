"""The course's final quiz as files: GIFT text plus course.toml [quiz] settings, and the course requirement."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.quizzes import bank
from lms.quizzes.exam_details import details_problems, exam_items, export_exam  # noqa: F401 (details_problems: content_sync)
from lms.quizzes.gift import GiftError, import_gift
from lms.quizzes.models import Question, Quiz, QuizQuestion
from lms.quizzes.services import course_quiz, final_percent, quiz_passed

FEEDBACK_TO_REVIEW = {"after_submit": "with_answers", "after_pass": "answers_after_pass", "never": "score_only"}
REVIEW_TO_FEEDBACK = {v: k for k, v in FEEDBACK_TO_REVIEW.items()} | {"answers_after_close": "after_submit"}
DEFAULT_SETTINGS = {"pass_percent": 70, "max_attempts": 0, "time_limit_minutes": 0, "shuffle": True,
                    "feedback": "after_submit"}


def gift_problems(text: str) -> list[tuple[int, str]]:
    """Problems of a GIFT text as (line, English message); empty when it imports cleanly."""
    try:
        import_gift(text)
    except GiftError as error:
        return [(p.line, p.message % p.params if p.params else p.message) for p in error.problems]
    return []


def _quiz_settings(settings: dict) -> dict:
    values = {**DEFAULT_SETTINGS, **(settings or {})}
    review = FEEDBACK_TO_REVIEW.get(values["feedback"])
    if review is None:
        raise ValueError(f"unknown quiz feedback setting {values['feedback']!r}")
    return {"pass_percent": Decimal(str(values["pass_percent"])), "attempts_allowed": int(values["max_attempts"]),
            "time_limit_minutes": int(values["time_limit_minutes"]), "shuffle_questions": bool(values["shuffle"]),
            "shuffle_options": bool(values["shuffle"]), "review": review}


def sync_course_quiz(course_id: int, gift_text: str, settings: dict) -> int:
    """Create or update the course's final quiz from GIFT text and settings; returns the quiz id.

    ``settings["details"]``, when given, is the exam's JSON sidecar (lms.quizzes.exam_details): the
    order, marks and tags, and whole questions GIFT cannot hold (ordering ones).

    Questions live in a category named after the course (its slug) and are matched by name, so
    importing the same text twice changes nothing and an edited question gets a new version only
    if attempts used the old one. Raises GiftError or DetailsError for a broken file (nothing is changed).
    """
    from lms.courses.models import Course

    course = db.session.get(Course, course_id)
    if course is None:
        raise LookupError(course_id)
    items = exam_items(gift_text, (settings or {}).get("details"))
    category = bank.ensure_category([course.slug])
    existing = {q.name: q for q in db.session.scalars(sa.select(Question).where(Question.category_id == category.id))}
    question_ids, marks = [], {}
    for item, mark, tags in items:
        content = {key: item[key] for key in bank.CONTENT_FIELDS if key in item}
        question = existing.get(item["name"])
        if question is not None and question.qtype == item["type"]:
            bank.edit_question(question.id, content)
        else:
            question = bank.create_question(category.id, item["type"], content)
            existing[question.name] = question
        stored = bank.stored_tags(tags)
        if question.tags != stored:
            question.tags = stored
        question_ids.append(question.id)
        marks[question.id] = mark
    quiz = course_quiz(course_id)
    if quiz is None:
        quiz = Quiz(course_id=course_id, title=course.title, published=True, grading_method="highest")
        db.session.add(quiz)
        db.session.flush()
    for key, value in {"title": course.title, "published": True, **_quiz_settings(settings)}.items():
        if getattr(quiz, key) != value:
            setattr(quiz, key, value)
    links = {link.question_id: link for link in quiz.fixed}
    for position, question_id in enumerate(question_ids, 1):
        link = links.pop(question_id, None)
        if link is None:
            quiz.fixed.append(QuizQuestion(question_id=question_id, position=position, max_mark=marks[question_id]))
            continue
        if link.position != position:
            link.position = position
        if link.max_mark != marks[question_id]:
            link.max_mark = marks[question_id]
    for link in links.values():
        quiz.fixed.remove(link)
    db.session.flush()
    return quiz.id


def export_course_quiz(course_id: int) -> tuple[str, dict] | None:
    """The course's final quiz as (GIFT text, settings for course.toml [quiz]), or None.

    ``settings["details"]`` is the JSON sidecar (lms.quizzes.exam_details) with what GIFT cannot hold.
    """
    quiz = course_quiz(course_id)
    if quiz is None:
        return None
    entries = [(bank.question_dict(bank.current_version(link.question_id), []), link.max_mark,
                bank.parse_tags(bank.tags_text(link.question.tags))) for link in quiz.fixed]
    gift, details = export_exam(entries)
    settings = {"pass_percent": float(quiz.pass_percent) if quiz.pass_percent % 1 else int(quiz.pass_percent),
                "max_attempts": quiz.attempts_allowed, "time_limit_minutes": quiz.time_limit_minutes,
                "shuffle": quiz.shuffle_questions, "feedback": REVIEW_TO_FEEDBACK[quiz.review], "details": details}
    return gift, settings


def course_requirement(user_id: int, course_id: int):
    """``lms_course_requirements``: the final quiz passed by its grading method, with the grade."""
    from lms.courses.contracts import CourseRequirement

    quiz = course_quiz(course_id)
    if quiz is None:
        return None
    percent = final_percent(quiz, user_id)
    met = quiz_passed(quiz, percent)
    if met:
        reason = _("Final quiz passed.")
    else:
        reason = _("Pass the final quiz «%(title)s» with at least %(percent)s%%.",
                   title=quiz.title, percent=format(quiz.pass_percent.normalize(), "f"))
    return CourseRequirement(met=met, reason=reason, score_percent=None if percent is None else float(percent))
