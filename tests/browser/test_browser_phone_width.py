"""Phones first (issue 25): at 360 px wide, every learner page and every exam question type fits the
screen (no sideways scroll) and its buttons and form controls are at least 44 px tall.

The matching question used to stretch each select to its longest option (578 px in a 390-px
screen); the exam here has one question of each built-in type, the matching one with long answers.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from browser_flows_kit import FERTILIZER, load_full_demo, shot
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser

WIDTH = 360
LONG = "Гранулированное комплексное удобрение с микроэлементами для осенней подкормки озимых"
QUESTIONS = [
    ("single_choice", "Какой цвет?", {"options": [{"id": "a", "text": "Жёлтый", "fraction": 1},
                                                  {"id": "b", "text": "Красный", "fraction": 0}]}),
    ("multiple_choice", "Что из этого удобрения?", {"options": [
        {"id": "a", "text": "Карбамид", "fraction": 0.5}, {"id": "b", "text": "Селитра", "fraction": 0.5},
        {"id": "c", "text": "Песок", "fraction": -1}]}),
    ("true_false", "Селитру хранят у батареи.", {"correct": False}),
    ("short_answer", "Как называется документ?", {"answers": [{"text": "паспорт", "fraction": 1}]}),
    ("numerical", "Сколько кг в мешке?", {"answers": [{"value": 50, "tolerance": 0, "fraction": 1}]}),
    ("matching", "Сопоставьте.", {"pairs": [{"id": "p1", "premise": "Осень", "answer": LONG},
                                            {"id": "p2", "premise": "Весна", "answer": LONG + " и яровых"}]}),
    ("ordering", "Расставьте по порядку.", {"items": [{"id": "i1", "text": "Разгрузить"},
                                                      {"id": "i2", "text": "Проверить"}, {"id": "i3", "text": "Убрать"}]}),
    ("essay", "Опишите склад.", {"grader_info": "подробно"}),
]
# Buttons and controls people tap; links inside running text are exempt, as WCAG 2.5.8 allows.
TAPPABLE = "main button, main .button, main select, main input[type=submit], main input[type=button]"
MEASURE = """(selector) => ({
  width: document.documentElement.scrollWidth,
  small: [...document.querySelectorAll(selector)]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
    .map(e => e.tagName.toLowerCase() + ' ' + (e.textContent || e.name || '').trim().slice(0, 40)),
})"""


def exam_of_every_type(app) -> int:
    from lms.events import commit
    from lms.quizzes import bank
    from lms.quizzes.models import Quiz, QuizQuestion

    with app.app_context():
        category = bank.ensure_category(["Телефон"])
        ids = [bank.create_question(category.id, qtype, {"name": qtype, "text": text, "definition": definition}).id
               for qtype, text, definition in QUESTIONS]
        quiz = Quiz(title="Экзамен на телефоне", published=True)
        quiz.fixed = [QuizQuestion(question_id=qid, position=n) for n, qid in enumerate(ids, 1)]
        db.session.add(quiz)
        commit()
        return quiz.id


def learner_addresses(app) -> list[str]:
    from lms.courses.models import Course, Lesson

    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == FERTILIZER))
        lessons = db.session.scalars(sa.select(Lesson.slug).where(Lesson.course_id == course.id)).all()
    return ["/", "/courses/", f"/courses/{FERTILIZER}", *(f"/courses/{FERTILIZER}/lessons/{s}" for s in lessons),
            "/certificates/", "/account", "/assignments/calendar"]


def test_learner_pages_and_every_question_type_fit_a_phone(live_server, chromium):
    server = live_server.start()
    load_full_demo(server.app)
    quiz_id = exam_of_every_type(server.app)
    context = chromium.new_context(viewport={"width": WIDTH, "height": 740}, locale="ru-RU", has_touch=True)
    page = context.new_page()
    browser_login(page, server.url, DEMO_EMAILS["learner"])
    problems = {}
    for address in learner_addresses(server.app):
        page.goto(server.url + address)
        found = page.evaluate(MEASURE, TAPPABLE)
        if found["width"] > WIDTH or found["small"]:
            problems[address] = found
    page.goto(f"{server.url}/quizzes/{quiz_id}")
    page.get_by_role("button", name="Начать тест").click()
    page.wait_for_url("**/quizzes/attempts/*")
    shot(page, "phone-exam")
    for position, (qtype, _text, _definition) in enumerate(QUESTIONS, 1):
        box = page.locator(f"fieldset.quiz-slot[data-position=\"{position}\"]").bounding_box()
        if box and box["x"] + box["width"] > WIDTH + 1:
            problems[f"question {qtype}"] = box
    found = page.evaluate(MEASURE, TAPPABLE)
    if found["width"] > WIDTH or found["small"]:
        problems["exam"] = found
    context.close()
    assert problems == {}


DOCS_SHOTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def speak(app, email: str, locale: str) -> None:
    from lms.auth.models import User
    from lms.events import commit

    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == email).values(locale=locale))
        commit()


def test_screenshots_for_the_readme_in_both_languages(live_server, chromium):
    """The learner's exam on a phone and the manager's overview, in Russian and in English."""
    server = live_server.start()
    load_full_demo(server.app)
    DOCS_SHOTS.mkdir(parents=True, exist_ok=True)
    for locale in ("ru", "en"):
        quiz_id = exam_of_every_type(server.app)
        phone = chromium.new_context(viewport={"width": WIDTH, "height": 740}, locale="ru-RU", has_touch=True)
        page = phone.new_page()
        browser_login(page, server.url, DEMO_EMAILS["learner"])
        speak(server.app, DEMO_EMAILS["learner"], locale)
        page.goto(f"{server.url}/quizzes/{quiz_id}")
        page.locator(f"form[action$='/quizzes/{quiz_id}/start'] button[type=submit]").click()
        page.wait_for_url("**/quizzes/attempts/*")
        assert page.locator("html").get_attribute("lang") == locale
        page.screenshot(path=str(DOCS_SHOTS / f"learner-exam-phone-{locale}.png"), full_page=True)
        phone.close()
        desktop = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        page = desktop.new_page()
        browser_login(page, server.url, DEMO_EMAILS["manager"])
        speak(server.app, DEMO_EMAILS["manager"], locale)
        page.goto(f"{server.url}/reports/")
        assert page.locator("html").get_attribute("lang") == locale
        page.screenshot(path=str(DOCS_SHOTS / f"manager-overview-{locale}.png"), full_page=True)
        desktop.close()
