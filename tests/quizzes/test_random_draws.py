"""Several random draws per quiz (issue 19, item 3): "3 from Storage + 2 from Safety", each added and
removed in the quiz editor with CSRF, bad input answered next to its field, and attempts draw from each."""
import re
from decimal import Decimal

import sqlalchemy as sa
from quiz_testkit import QUESTIONS, load_demo, login, start

from lms.events import commit
from lms.extensions import db
from lms.quizzes.models import AttemptSlot, Question, QuestionCategory, QuestionVersion, Quiz, QuizRandomDraw
from lms.testing import csrf_token


def bank_with_two_categories(app) -> dict:
    from lms.quizzes import bank

    with app.app_context():
        ids = {}
        for name, size in (("Хранение", 5), ("Безопасность", 3)):
            category = bank.ensure_category(["Склад", name])
            for n in range(size):
                bank.create_question(category.id, "single_choice", {"name": f"{name} {n}", "text": f"{name} {n}?",
                                                                    "definition": QUESTIONS[0][2]})
            ids[name] = category.id
        quiz = Quiz(title="Смешанный тест", published=True)
        db.session.add(quiz)
        commit()
        return {"quiz_id": quiz.id, **ids}


def draws(app, quiz_id):
    with app.app_context():
        return [(d.category_id, d.count, d.mark, d.position) for d in db.session.scalars(
            sa.select(QuizRandomDraw).where(QuizRandomDraw.quiz_id == quiz_id).order_by(QuizRandomDraw.position))]


def test_author_adds_two_draws_and_each_attempt_draws_from_both(app_factory):
    app = app_factory()
    load_demo(app)
    made = bank_with_two_categories(app)
    quiz_id, storage, safety = made["quiz_id"], made["Хранение"], made["Безопасность"]
    author = login(app.test_client(), "author")
    url = f"/quizzes/{quiz_id}/edit"
    page = author.get(url).get_data(as_text=True)
    assert "Случайных вопросов нет." in page and 'data-pool="5"' in page and "Склад/Хранение (5)" in page
    token = csrf_token(author, url)
    add = f"/quizzes/{quiz_id}/draws"
    assert author.post(add, data={"draw-category_id": str(storage), "draw-count": "3", "draw-mark": "2"}).status_code == 400
    assert draws(app, quiz_id) == []  # without the CSRF token nothing is added
    answer = author.post(add, data={"draw-csrf_token": token, "csrf_token": token, "draw-category_id": str(storage),
                                    "draw-count": "3", "draw-mark": "2"})
    assert answer.status_code == 303 and answer.headers["Location"].endswith("#draws")
    author.post(add, data={"csrf_token": token, "draw-category_id": str(safety), "draw-count": "2", "draw-mark": "1"})
    assert draws(app, quiz_id) == [(storage, 3, Decimal(2), 1), (safety, 2, Decimal(1), 2)]

    # Too many for the category, or none: refused next to the field, the typed number kept.
    too_many = author.post(add, data={"csrf_token": token, "draw-category_id": str(safety), "draw-count": "9",
                                      "draw-mark": "1"})
    html = too_many.get_data(as_text=True)
    assert too_many.status_code == 422 and "В этой категории только 3 вопроса." in html
    assert re.search(r'name="draw-count"[^>]*value="9"', html) and 'class="field-error"' in html
    zero = author.post(add, data={"csrf_token": token, "draw-category_id": str(safety), "draw-count": "0",
                                  "draw-mark": "abc"})
    assert zero.status_code == 422 and len(draws(app, quiz_id)) == 2

    page = author.get(url).get_data(as_text=True)
    assert "Склад/Хранение" in page and "Склад/Безопасность" in page

    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, quiz_id)
    with app.app_context():
        slots = db.session.execute(
            sa.select(Question.category_id, AttemptSlot.max_mark)
            .join(QuestionVersion, QuestionVersion.id == AttemptSlot.question_version_id)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(AttemptSlot.attempt_id == attempt_id)).all()
    assert sorted(slots) == sorted([(storage, Decimal(2))] * 3 + [(safety, Decimal(1))] * 2)

    with app.app_context():
        first = db.session.scalar(sa.select(QuizRandomDraw.id).where(QuizRandomDraw.category_id == storage))
    removed = author.post(f"/quizzes/{quiz_id}/draws/{first}/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert draws(app, quiz_id) == [(safety, 2, Decimal(1), 1)]
    assert author.post(f"/quizzes/{quiz_id}/draws/{first}/remove", data={"csrf_token": token}).status_code == 404


def test_nested_draws_never_repeat_a_question(app_factory):
    """A draw from a category and another from its parent share questions: none is drawn twice."""
    app = app_factory()
    load_demo(app)
    made = bank_with_two_categories(app)
    with app.app_context():
        parent = db.session.get(QuestionCategory, made["Хранение"]).parent_id
        quiz = db.session.get(Quiz, made["quiz_id"])
        quiz.draws = [QuizRandomDraw(category_id=made["Безопасность"], count=3, position=1),
                      QuizRandomDraw(category_id=parent, count=5, position=2)]  # all 8 of the parent's
        commit()
    learner = login(app.test_client(), "learner")
    attempt_id = start(learner, made["quiz_id"])
    with app.app_context():
        versions = db.session.scalars(sa.select(AttemptSlot.question_version_id)
                                      .where(AttemptSlot.attempt_id == attempt_id)).all()
    assert len(versions) == len(set(versions)) == 8
