"""Flow 2 in real Chromium: an author imports a GIFT file, builds a course with a Markdown lesson and a
PDF lesson (a real PDF made by WeasyPrint), publishes it, and a learner then sees it under «Обучение»."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from browser_flows_kit import shot
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser

GIFT = """// Мини-тест для проверки импорта в браузере.
::dealer-q1::Сколько лет гарантия на сеялку AgroMax? {=2 года ~1 год ~5 лет}

::dealer-q2::Сеялку можно хранить под открытым небом зимой. {F#Нет, только под навесом.}

::dealer-q3::Сколько рядов у сеялки AgroMax 6? {#6}
"""
COURSE_TITLE = "Сеялки AgroMax: продажа и сервис"


def small_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Памятка продавца</h1><p>Сеялка AgroMax 6: шесть рядов, гарантия 2 года.</p>").write_pdf()


def test_author_imports_gift_builds_and_publishes_a_course(live_server, demo, page, chromium, tmp_path):
    base = live_server.start().url
    gift_path = tmp_path / "dealer-quiz.gift"
    gift_path.write_text(GIFT, encoding="utf-8")
    pdf_path = tmp_path / "pamyatka-prodavca.pdf"
    pdf_path.write_bytes(small_pdf())

    browser_login(page, base, DEMO_EMAILS["author"])

    # Question bank: a category, then the GIFT file through the upload form.
    page.goto(base + "/quizzes/manage")
    page.locator("nav.tabs").get_by_role("link", name="Банк вопросов").click()
    page.locator("form:has(button:has-text('Добавить категорию'))").get_by_label("Имя").fill("Сеялки")
    page.get_by_role("button", name="Добавить категорию").click()
    expect(page.get_by_text("Категория создана.")).to_be_visible()
    page.get_by_label("Файл GIFT").set_input_files(gift_path)
    page.get_by_role("button", name="Импортировать GIFT").click()
    expect(page.get_by_text("Импортировано вопросов: 3.")).to_be_visible()
    expect(page.get_by_role("link", name="dealer-q1")).to_be_visible()
    shot(page, "flow2-01-gift-imported")

    # A new course, a Markdown lesson, a PDF lesson.
    page.goto(base + "/courses/")
    page.locator("nav.tabs").get_by_role("link", name="Редактор курсов").click()
    page.get_by_role("link", name="Новый курс").click()
    page.get_by_label("Название", exact=True).fill(COURSE_TITLE)
    page.get_by_label("Адрес в ссылке").fill("agromax-seeders")
    page.get_by_label("Описание (Markdown)").fill("Курс для **продавцов** сеялок.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Курс создан. Добавьте уроки и опубликуйте его.")).to_be_visible()
    course_url = page.url

    page.get_by_role("link", name="Добавить урок").click()
    page.get_by_label("Название", exact=True).fill("Что продаём")
    page.get_by_label("Адрес в ссылке").fill("chto-prodaem")
    page.get_by_label("Тип").select_option(label="Лекция (Markdown)")
    page.get_by_label("Текст (Markdown)").fill("## Линейка\n\n- AgroMax 6\n- AgroMax 8\n\n**Гарантия** — 2 года.")
    expect(page.locator("[data-preview-target] h2")).to_have_text("Линейка")  # the live preview
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Урок сохранён.")).to_be_visible()
    shot(page, "flow2-02-markdown-lesson")

    page.goto(course_url)
    page.get_by_role("link", name="Добавить урок").click()
    page.get_by_label("Название", exact=True).fill("Памятка продавца")
    page.get_by_label("Адрес в ссылке").fill("pamyatka")
    page.get_by_label("Тип").select_option(label="PDF или слайды")
    page.get_by_label("Файл (PDF, PPTX, MP4, WebM или документ)").set_input_files(pdf_path)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_text("Урок сохранён.")).to_be_visible()

    page.goto(course_url)
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text("Опубликовано как версия 1.")).to_be_visible()
    shot(page, "flow2-03-published")

    from lms.courses.models import Course, Lesson

    with live_server.app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "agromax-seeders"))
        assert course.published and course.version == 1
        kinds = db.session.execute(sa.select(Lesson.slug, Lesson.kind).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.position)).all()
        assert [tuple(row) for row in kinds] == [("chto-prodaem", "markdown"), ("pamyatka", "pdf")]

    # A learner (in a browser of their own) finds the course under «Обучение» and opens the PDF lesson.
    learner = chromium.new_context(locale="ru-RU")
    try:
        other = learner.new_page()
        browser_login(other, base, DEMO_EMAILS["learner"])
        other.locator("nav.tabs").get_by_role("link", name="Обучение", exact=True).click()
        other.get_by_role("link", name=COURSE_TITLE).click()
        expect(other.locator("h1")).to_have_text(COURSE_TITLE)
        other.get_by_role("link", name="Памятка продавца").click()
        reader = other.locator("[data-pdf-reader]")  # pdf.js draws the pages (a frame is blank on phones)
        expect(reader.locator("canvas").first).to_be_visible()
        response = other.request.get(base + reader.get_attribute("data-src"))
        assert response.status == 200 and response.body() == pdf_path.read_bytes()
        shot(other, "flow2-04-learner-sees-course")
    finally:
        learner.close()
