"""Real Chromium: a manager grows a draft poll to three questions with the keyboard, reorders them
with the ↑/↓ buttons, opens it, and a learner answers every question on one page (issue 19)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser


def add_question(page, kind_label: str, title: str) -> None:
    page.get_by_role("link", name=kind_label, exact=True).click()
    page.get_by_label("Вопрос", exact=True).fill(title)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".flash").first).to_contain_text("Вопрос сохранён.")


def test_manager_builds_a_three_question_poll_and_a_learner_answers_it(live_server, demo, page, chromium):
    base = live_server.start().url
    browser_login(page, base, DEMO_EMAILS["manager"])
    page.goto(base + "/polls/new?kind=single_choice")
    page.get_by_label("Вопрос", exact=True).fill("Как вам выставка?")
    page.fill('[name="options-0-text"]', "Понравилась")
    page.fill('[name="options-1-text"]', "Не понравилась")
    page.get_by_role("button", name="Сохранить черновик и добавить вопросы").click()
    page.wait_for_url(re.compile(r".*/polls/\d+/questions"))
    add_question(page, "Оценка 1–5", "Оцените стенд")
    add_question(page, "Короткий текст", "Что добавить?")
    # keyboard: focus «↑» of the third question and press Enter
    page.locator("#poll-questions tbody tr").nth(2).get_by_role("button", name=re.compile("Выше")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#poll-questions tbody tr").nth(1)).to_contain_text("Что добавить?")
    page.get_by_role("button", name="Открыть опрос").click()
    page.wait_for_url(re.compile(r".*/polls/\d+$"))

    page.context.clear_cookies()
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + "/polls/")
    page.get_by_role("link", name=re.compile("Как вам выставка")).first.click()
    page.get_by_label("Понравилась", exact=True).check()
    page.get_by_label("Что добавить?").fill("Больше техники")
    page.locator('input[name="q-q1"][value="5"]').check()
    page.get_by_role("button", name="Отправить ответы").click()
    expect(page.get_by_text("Спасибо! Ваши ответы сохранены.")).to_be_visible()
