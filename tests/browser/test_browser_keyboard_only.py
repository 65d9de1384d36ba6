"""Real Chromium, keyboard only (issue 25): a learner takes the final exam to its result page, and an
author reorders a lesson and adds a section in the course builder, with Tab, Space, Enter and the
arrow keys through ``page.keyboard``; no click. Pages are opened by address, as a typed URL would."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_flows_kit import FERTILIZER, attempt_slots, load_full_demo, shot, tab_to
from playwright.sync_api import expect
from test_browser_builder_reorder import make_course, titles

from lms.quizzes.grading import as_decimal
from lms.testing import DEMO_EMAILS, browser_login, load_core_demo, serious_accessibility_violations

pytestmark = pytest.mark.browser

FOCUSED_VALUE = "() => document.activeElement.value"
SELECTED_TEXT = "() => { const s = document.activeElement; return s.options[s.selectedIndex].text; }"


def choose_radio(page, name: str, value: str) -> None:
    """Tab into the group, Space picks the first choice, arrows move the choice to ``value``."""
    tab_to(page, f"input[type=radio][name='{name}']")
    page.keyboard.press("Space")
    for _ in range(20):
        if page.evaluate(FOCUSED_VALUE) == value:
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name='{name}'][value='{value}']").is_checked(), (name, value)


def answer_by_keyboard(page, position: int, qtype: str, definition: dict) -> None:
    """The right answer to one question, given from the keyboard."""
    name = f"s{position}"
    if qtype == "single_choice":
        best = max(definition["options"], key=lambda o: as_decimal(o["fraction"]))
        choose_radio(page, name, best["id"])
    elif qtype == "true_false":
        choose_radio(page, name, "true" if definition["correct"] else "false")
    elif qtype == "multiple_choice":
        right = {o["id"] for o in definition["options"] if as_decimal(o["fraction"]) > 0}
        tab_to(page, f"input[name='{name}']")
        while page.evaluate("s => document.activeElement.matches(s)", f"input[name='{name}']"):
            if page.evaluate(FOCUSED_VALUE) in right:
                page.keyboard.press("Space")
            page.keyboard.press("Tab")
        assert all(page.locator(f"input[name='{name}'][value='{v}']").is_checked() for v in right), name
    elif qtype in ("short_answer", "numerical"):
        answers = definition["answers"]
        text = next(str(a.get("text", a.get("value"))) for a in answers
                    if a.get("value") != "*" and as_decimal(a["fraction"]) == 1)
        tab_to(page, f"#{name}")
        page.keyboard.type(text)
    elif qtype == "matching":
        for pair in definition["pairs"]:
            tab_to(page, f"select[name='{name}-{pair['id']}']")
            for _ in range(30):
                if page.evaluate(SELECTED_TEXT) == pair["answer"]:
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate(SELECTED_TEXT) == pair["answer"], (name, pair)
    else:
        raise AssertionError(f"no keyboard answer for question type {qtype}")


def test_learner_takes_the_exam_with_the_keyboard_only(live_server, page):
    base = live_server.start().url
    load_full_demo(live_server.app)
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(f"{base}/courses/{FERTILIZER}")
    tab_to(page, "a", name="Перейти к тесту")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "button", name="Начать тест")
    with page.expect_navigation(url="**/quizzes/attempts/*"):
        page.keyboard.press("Enter")
    # The attempt and result pages are behind a form, where the whole-site crawl does not go.
    assert serious_accessibility_violations(page) == []
    attempt_id = int(urlsplit(page.url).path.rsplit("/", 1)[-1])
    slots = attempt_slots(live_server.app, attempt_id)
    assert len(slots) >= 10
    for position, qtype, definition in slots:
        answer_by_keyboard(page, position, qtype, definition)
    shot(page, "keyboard-exam-answered")
    page.once("dialog", lambda dialog: dialog.accept())  # «Отправить ответы?»: Enter on the browser's own dialog
    tab_to(page, "button[data-finish]")
    with page.expect_navigation(url=f"**/quizzes/attempts/{attempt_id}/result"):
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("100")
    assert serious_accessibility_violations(page) == []


def test_author_reorders_a_lesson_and_adds_a_section_with_the_keyboard_only(live_server, page):
    base = live_server.start().url
    load_core_demo(live_server.app)
    course_id = make_course(live_server.app)
    browser_login(page, base, DEMO_EMAILS["author"])
    page.goto(f"{base}/courses/manage/{course_id}")
    expect(titles(page)).to_have_text(["Lesson 0", "Lesson 1", "Lesson 2"])

    tab_to(page, "button", name="Ниже: Lesson 0")
    with page.expect_navigation():  # the move buttons are plain forms: the page comes back reordered
        page.keyboard.press("Enter")
    expect(titles(page)).to_have_text(["Lesson 1", "Lesson 0", "Lesson 2"])
    tab_to(page, "button", name="Выше: Lesson 2")
    with page.expect_navigation():
        page.keyboard.press("Space")
    expect(titles(page)).to_have_text(["Lesson 1", "Lesson 2", "Lesson 0"])

    tab_to(page, "#new-section-title")
    page.keyboard.type("Хранение на складе")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".builder-section")).to_have_count(2)
    expect(page.locator(".builder-section").nth(1)).to_have_attribute("aria-label", "Хранение на складе")
    shot(page, "keyboard-builder")
