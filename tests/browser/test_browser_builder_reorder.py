"""Real Chromium: lessons are reordered in the course builder by drag and drop, and by the ↑/↓
buttons with JavaScript switched off (they are plain forms, usable from the keyboard)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.testing import DEMO_EMAILS, browser_login, load_core_demo

pytestmark = pytest.mark.browser


def make_course(app) -> int:
    from lms.courses.models import Course, CourseSection, Lesson
    from lms.events import commit
    from lms.extensions import db

    with app.app_context():
        course = Course(slug="reorder-me", title="Порядок уроков", version=0, published=False)
        section = CourseSection(title="", position=0)
        course.sections.append(section)
        db.session.add(course)
        for number in range(3):
            lesson = Lesson(course=course, slug=f"l{number}", title=f"Lesson {number}", kind="markdown",
                            position=number, body="Текст", attachments=[])
            db.session.add(lesson)
            lesson.section = section
        commit()
        return course.id


def titles(page):
    return page.locator(".builder-lesson > a")


def test_drag_and_drop_and_buttons_without_javascript(live_server, page, chromium):
    base = live_server.start().url
    load_core_demo(live_server.app)
    course_id = make_course(live_server.app)
    browser_login(page, base, DEMO_EMAILS["author"])
    page.goto(f"{base}/courses/manage/{course_id}")
    expect(titles(page)).to_have_text(["Lesson 0", "Lesson 1", "Lesson 2"])
    page.locator(".builder-lesson", has_text="Lesson 2").drag_to(page.locator(".builder-lesson", has_text="Lesson 0"),
                                                                  target_position={"x": 5, "y": 2})
    expect(titles(page)).to_have_text(["Lesson 2", "Lesson 0", "Lesson 1"])

    plain = chromium.new_context(locale="ru-RU", java_script_enabled=False)
    try:
        other = plain.new_page()
        browser_login(other, base, DEMO_EMAILS["author"])
        other.goto(f"{base}/courses/manage/{course_id}")
        other.get_by_role("button", name="Ниже: Lesson 2").focus()
        other.keyboard.press("Enter")
        expect(titles(other)).to_have_text(["Lesson 0", "Lesson 2", "Lesson 1"])
    finally:
        plain.close()
