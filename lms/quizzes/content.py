"""The course's exams as files: GIFT text plus course.toml [quiz] settings each, and the course requirement.

A course may hold several exams (``[[quiz]]`` in course.toml, an intermediate test and a final exam);
the file's exams match the stored ones by position, the order they were attached (quiz id). The first
exam's questions live in the category named after the course (its slug), the n-th's in
"<slug>-exam-<n>", so two exams may both have a question called "q1".
"""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from lms.extensions import db
from lms.quizzes import bank
from lms.quizzes.exam_details import details_problems, exam_items, export_exam  # noqa: F401 (details_problems: content_sync)
from lms.quizzes.gift import GiftError, import_gift
from lms.quizzes.models import Question, QuestionCategory, Quiz, QuizQuestion, QuizRandomDraw
from lms.quizzes.services import course_quizzes, final_percent, quiz_passed

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
    """Create or update the course's only exam; returns the quiz id (see ``sync_course_quizzes``)."""
    return sync_course_quizzes(course_id, [(gift_text, settings)])[0]


def sync_course_quizzes(course_id: int, exams: list[tuple[str, dict]]) -> list[int]:
    """Make the course's exams those of ``exams`` [(GIFT text, settings)], in order; returns their ids.

    ``settings["details"]``, when given, is the exam's JSON sidecar (lms.quizzes.exam_details): the
    order, marks and tags, and whole questions GIFT cannot hold (ordering ones). ``settings["title"]``
    names the exam (default: the course's title); ``settings["draws"]`` lists its random draws as
    {"category": [names from the top], "count": n, "mark": m}, the categories made when missing.

    Questions are matched by name, so importing the same text twice changes nothing and an edited
    question gets a new version only if attempts used the old one. Stored exams beyond the file's
    become free quizzes (their attempts are kept). Raises GiftError or DetailsError for a broken file.
    """
    from lms.courses.models import Course

    course = db.session.get(Course, course_id)
    if course is None:
        raise LookupError(course_id)
    parsed = [exam_items(text, (settings or {}).get("details")) for text, settings in exams]  # all checked first
    stored = course_quizzes(course_id)
    ids = []
    for position, ((_text, settings), items) in enumerate(zip(exams, parsed), 1):
        quiz = stored[position - 1] if position <= len(stored) else None
        category = [course.slug] if position == 1 else [f"{course.slug}-exam-{position}"]
        ids.append(_sync_exam(course, quiz, category, items, settings or {}))
    for quiz in stored[len(exams):]:
        quiz.course_id = None
    db.session.flush()
    return ids


def _sync_exam(course, quiz: Quiz | None, category_path: list[str], items, settings: dict) -> int:
    category = bank.ensure_category(category_path)
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
    if quiz is None:
        quiz = Quiz(course_id=course.id, title=course.title, published=True, grading_method="highest")
        db.session.add(quiz)
        db.session.flush()
    title = (settings.get("title") or course.title)[:255]
    for key, value in {"title": title, "published": True, **_quiz_settings(settings)}.items():
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
    _sync_draws(quiz, settings.get("draws") or ())
    db.session.flush()
    return quiz.id


def _sync_draws(quiz: Quiz, draws) -> None:
    """The quiz's random draws as listed, matched by position so unchanged ones stay untouched."""
    wanted = [(bank.ensure_category(list(draw["category"])).id, int(draw["count"]),
               Decimal(str(draw.get("mark", 1)))) for draw in draws]
    for position, (category_id, count, mark) in enumerate(wanted, 1):
        if position <= len(quiz.draws):
            draw = quiz.draws[position - 1]
            for key, value in (("category_id", category_id), ("count", count), ("mark", mark), ("position", position)):
                if getattr(draw, key) != value:
                    setattr(draw, key, value)
        else:
            quiz.draws.append(QuizRandomDraw(category_id=category_id, count=count, mark=mark, position=position))
    del quiz.draws[len(wanted):]


def _category_path(category_id: int) -> list[str]:
    names, seen = [], set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        category = db.session.get(QuestionCategory, category_id)
        names.append(category.name)
        category_id = category.parent_id
    return names[::-1]


def _number(value: Decimal):
    return float(value) if value % 1 else int(value)


def export_course_quiz(course_id: int) -> tuple[str, dict] | None:
    """The course's first exam as (GIFT text, settings for course.toml [quiz]), or None."""
    exported = export_course_quizzes(course_id)
    return exported[0] if exported else None


def export_course_quizzes(course_id: int) -> list[tuple[str, dict]]:
    """The course's exams, in order, as (GIFT text, settings for course.toml [quiz]).

    ``settings["details"]`` is the JSON sidecar (lms.quizzes.exam_details) with what GIFT cannot hold;
    ``settings["title"]`` the exam's title and ``settings["draws"]`` its random draws.
    """
    exported = []
    for quiz in course_quizzes(course_id):
        entries = [(bank.question_dict(bank.current_version(link.question_id), []), link.max_mark,
                    bank.parse_tags(bank.tags_text(link.question.tags))) for link in quiz.fixed]
        gift, details = export_exam(entries)
        settings = {"title": quiz.title, "pass_percent": _number(quiz.pass_percent),
                    "max_attempts": quiz.attempts_allowed, "time_limit_minutes": quiz.time_limit_minutes,
                    "shuffle": quiz.shuffle_questions, "feedback": REVIEW_TO_FEEDBACK[quiz.review], "details": details,
                    "draws": [{"category": _category_path(draw.category_id), "count": draw.count,
                               "mark": _number(draw.mark)} for draw in quiz.draws]}
        exported.append((gift, settings))
    return exported


def course_requirement(user_id: int, course_id: int):
    """``lms_course_requirements``: every exam of the course passed by its own grading method and pass mark.

    The score (the completion's and certificate's ``score_percent``) is the mean of the exams' final
    grades: one number that weighs the intermediate test and the final exam alike; with one exam it
    is that exam's grade, as before.
    """
    from lms.courses.contracts import CourseRequirement

    quizzes = course_quizzes(course_id)
    if not quizzes:
        return None
    percents = {quiz.id: final_percent(quiz, user_id) for quiz in quizzes}
    missing = [quiz for quiz in quizzes if not quiz_passed(quiz, percents[quiz.id])]
    graded = [percent for percent in percents.values() if percent is not None]
    score = float(round(sum(graded) / len(graded), 2)) if len(graded) == len(quizzes) else None
    if not missing:
        reason = _("Final quiz passed.") if len(quizzes) == 1 else _("Every test of the course passed.")
    else:
        reason = " ".join(_("Pass the final quiz «%(title)s» with at least %(percent)s%%.",
                            title=quiz.title, percent=format(quiz.pass_percent.normalize(), "f")) for quiz in missing)
    return CourseRequirement(met=not missing, reason=reason, score_percent=score)
