"""Helpers for the quiz domain's HTTP tests: a bank with every question type, quizzes, sign-in."""
from __future__ import annotations

import re
from datetime import timedelta

from lms.testing import DEMO_EMAILS, csrf_token, sign_in

from lms import hookimpl
from lms.extensions import db

# Texts that must never reach a learner before review allows (integrity tests look for them).
SECRET_FEEDBACK = "FEEDBACK-SECRET-7731"
SECRET_SHORT = "Zyxwvut"

QUESTIONS = [
    ("single_choice", "Which colour?", {"options": [
        {"id": "oa", "text": "Yellow", "fraction": 1, "feedback": SECRET_FEEDBACK + " right"},
        {"id": "ob", "text": "Orange", "fraction": 0.5, "feedback": SECRET_FEEDBACK + " close"},
        {"id": "oc", "text": "Red", "fraction": 0}]}),
    ("multiple_choice", "Which are fruits?", {"options": [
        {"id": "ma", "text": "Apple", "fraction": 0.5}, {"id": "mb", "text": "Pear", "fraction": 0.5},
        {"id": "mc", "text": "Stone", "fraction": -1, "feedback": SECRET_FEEDBACK}]}),
    ("true_false", "The sky is green.", {"correct": False, "feedback_true": SECRET_FEEDBACK}),
    ("short_answer", "Type the word.", {"answers": [{"text": SECRET_SHORT, "fraction": 1}]}),
    ("numerical", "Two plus two?", {"answers": [{"value": 4, "tolerance": 0, "fraction": 1}]}),
    ("matching", "Match.", {"pairs": [{"id": "p1", "premise": "Cat", "answer": "Meow"},
                                      {"id": "p2", "premise": "Dog", "answer": "Woof"}]}),
    ("ordering", "Order.", {"items": [{"id": "i1", "text": "one"}, {"id": "i2", "text": "two"},
                                      {"id": "i3", "text": "three"}]}),
    ("essay", "Describe.", {"grader_info": "look for detail"}),
]

# Form fields that answer each question above correctly (for slot position p).
CORRECT_FIELDS = {
    "single_choice": lambda p: {f"s{p}": ["oa"]},
    "multiple_choice": lambda p: {f"s{p}": ["ma", "mb"]},
    "true_false": lambda p: {f"s{p}": ["false"]},
    "short_answer": lambda p: {f"s{p}": [SECRET_SHORT.lower()]},
    "numerical": lambda p: {f"s{p}": ["4"]},
    "essay": lambda p: {f"s{p}": ["A long answer."]},
}


class EventRecorder:
    """A plugin that records ``lms_attempt_finished`` events."""

    def __init__(self):
        self.finished = []

    @hookimpl
    def lms_attempt_finished(self, attempt):
        self.finished.append(attempt)


def load_demo(app):
    from lms.demo import load_core_demo_data
    from lms.events import commit

    with app.app_context():
        load_core_demo_data()
        commit()


def login(client, role: str):
    return sign_in(client, role)


def user_id(app, role: str) -> int:
    import sqlalchemy as sa

    from lms.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS[role]))


def build_quiz(app, *, types=None, copies=1, random_count=0, extra_random=0, **settings) -> dict:
    """A published quiz: every type in ``types`` (default: all) as fixed questions (``copies`` times),
    plus ``random_count`` random questions drawn from a category of ``extra_random`` single-choice questions."""
    from lms.events import commit
    from lms.quizzes import bank
    from lms.quizzes.models import Quiz, QuizQuestion, QuizRandomDraw

    wanted = [q for q in QUESTIONS if types is None or q[0] in types] * copies
    with app.app_context():
        category = bank.ensure_category(["Tests", "Fixed"])
        ids = []
        for n, (qtype, text, definition) in enumerate(wanted):
            question = bank.create_question(category.id, qtype, {"name": f"{qtype} {n}", "text": text,
                                                                 "definition": definition})
            ids.append(question.id)
        pool = bank.ensure_category(["Tests", "Pool"])
        for n in range(extra_random):
            bank.create_question(pool.id, "single_choice", {"name": f"random {n}", "text": f"Random {n}?",
                                                            "definition": QUESTIONS[0][2]})
        quiz = Quiz(title="Exam", published=True, **settings)
        if random_count:
            quiz.draws = [QuizRandomDraw(category_id=pool.id, count=random_count, position=1)]
        quiz.fixed = [QuizQuestion(question_id=qid, position=n) for n, qid in enumerate(ids, 1)]
        db.session.add(quiz)
        commit()
        return {"quiz_id": quiz.id, "question_ids": ids, "category_id": category.id}


def start(client, quiz_id: int) -> int:
    token = csrf_token(client, f"/quizzes/{quiz_id}")
    response = client.post(f"/quizzes/{quiz_id}/start", data={"csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)", response.headers["Location"])[1])


def attempt_slots(app, attempt_id: int) -> list[tuple[int, str]]:
    """(position, question type) of an attempt's slots."""
    import sqlalchemy as sa

    from lms.quizzes.models import AttemptSlot, QuestionVersion

    with app.app_context():
        return db.session.execute(sa.select(AttemptSlot.position, QuestionVersion.qtype)
                                  .join(QuestionVersion).where(AttemptSlot.attempt_id == attempt_id)
                                  .order_by(AttemptSlot.position)).all()


SLOT_VERSION = object()  # autosave's default: send the slot's question version, as quizzes.js does


def slot_version(app, attempt_id: int, position: int) -> int | None:
    """The question version the page names for a slot (its ``data-version``); None if no such slot."""
    import sqlalchemy as sa

    from lms.quizzes.models import AttemptSlot

    with app.app_context():
        return db.session.scalar(sa.select(AttemptSlot.question_version_id).where(
            AttemptSlot.attempt_id == attempt_id, AttemptSlot.position == position))


def autosave(client, attempt_id: int, position: int, fields: dict, token: str, *, version=SLOT_VERSION, seq=None):
    """POST one slot as quizzes.js does. ``version=None`` leaves the version out (an older page);
    ``seq`` is the page's number for this save of the slot (left out by default, as older pages do)."""
    if version is SLOT_VERSION:
        version = slot_version(client.application, attempt_id, position)
    body = {"position": position, "fields": fields, **({"version": version} if version is not None else {}),
            **({"seq": seq} if seq is not None else {})}
    return client.post(f"/quizzes/attempts/{attempt_id}/autosave", json=body,
                       headers={"X-CSRFToken": token, "Accept": "application/json"})


def page_token(client, attempt_id: int) -> str:
    html = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html)[1]


def move_deadline(app, attempt_id: int, seconds_ago: int) -> None:
    """Pretend the attempt's time ran out ``seconds_ago`` seconds ago."""
    from lms.quizzes.models import Attempt
    from lms.timeutil import utcnow

    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline_at = utcnow() - timedelta(seconds=seconds_ago)
        attempt.started_at = attempt.deadline_at - timedelta(minutes=10)
        db.session.commit()


def stored(app, attempt_id: int) -> dict:
    """The answers stored for ``attempt_id``: {position: response}."""
    import sqlalchemy as sa

    from lms.quizzes.models import Answer, AttemptSlot

    with app.app_context():
        return dict(db.session.execute(
            sa.select(AttemptSlot.position, Answer.response).join(Answer, Answer.slot_id == AttemptSlot.id)
            .where(AttemptSlot.attempt_id == attempt_id)).all())
