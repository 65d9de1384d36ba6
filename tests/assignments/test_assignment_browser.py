"""In real Chromium: a manager assigns a course to a region with the pickers; the learner sees it first
on «Моё обучение», overdue ones highlighted, and finds the calendar link on the account page."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from lms.testing import DEMO_EMAILS, add_published_course, browser_login, load_core_demo

pytestmark = pytest.mark.browser


def test_manager_assigns_with_pickers_and_the_learner_sees_it_first(live_server, page):
    server = live_server.start()
    load_core_demo(server.app)
    add_published_course(server.app, slug="pickers", title="Курс по выбору")
    base = server.url

    browser_login(page, base, DEMO_EMAILS["manager"])
    page.goto(base + "/assignments/new")
    page.get_by_label("Курс или учебная программа").select_option(label="Курс: Курс по выбору")
    page.get_by_label("Дилеры региона", exact=True).check()
    page.get_by_label("Регионы", exact=True).select_option(label="Краснодарский край")
    page.get_by_label("За N дней с назначения").check()
    page.get_by_label("Дней", exact=True).fill("")
    page.get_by_role("button", name="Назначить").click()
    expect(page.locator(".field-error")).to_contain_text("Укажите число дней")  # what was typed stays
    expect(page.get_by_label("Регионы", exact=True)).to_have_value("Краснодарский край")
    page.get_by_label("Дней", exact=True).fill("7")
    page.get_by_role("button", name="Назначить").click()
    expect(page.locator(".flash-success")).to_contain_text("Назначено 2")
    expect(page.locator("table")).to_contain_text("Иван Петров")

    page.context.clear_cookies()
    browser_login(page, base, DEMO_EMAILS["learner"])
    expect(page.locator("h1")).to_have_text("Моё обучение")
    assigned = page.locator("#my-learning")
    expect(assigned).to_contain_text("Курс по выбору")
    expect(assigned).to_contain_text("Не начато")
    page.goto(base + "/account")
    page.get_by_role("link", name="Ссылка на календарь").click()
    page.get_by_role("button", name="Создать ссылку на календарь").click()
    expect(page.get_by_label("Ваша ссылка на календарь (показывается только сейчас — скопируйте её)")) \
        .to_have_value(__import__("re").compile(r"/assignments/calendar/.+\.ics$"))
