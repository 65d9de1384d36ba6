"""Days typed as Russians write them (issue 25): «Dates are typed as mm/dd/yyyy in a Russian interface».

A native ``<input type="date">`` is drawn in the browser's own interface language, whatever the page's
``<html lang>`` and the Accept-Language: Chromium with an English interface (here, headless, even in a
ru-RU context) shows «mm/dd/yyyy» on a Russian page. So the portal's date fields are text fields
(``lms.forms_fields.DayField``) that show and take dd.mm.yyyy; here in real Chromium, ru-RU.
"""
from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, browser_login

pytestmark = pytest.mark.browser


def due_days(app, course_id: int) -> set:
    from lms.assignments.models import Assignment

    with app.app_context():
        return set(db.session.scalars(sa.select(Assignment.due_on).where(Assignment.course_id == course_id)))


def test_a_due_date_is_shown_and_typed_as_dd_mm_yyyy_in_russian(live_server, chromium):
    from lms.demo import load_core_demo_data
    from lms.events import commit

    server = live_server.start()
    with server.app.app_context():
        load_core_demo_data()
        commit()
    course = add_published_course(server.app, slug="dates", title="Сроки")
    context = chromium.new_context(locale="ru-RU", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, server.url, DEMO_EMAILS["manager"])
    page.goto(server.url + "/assignments/new")
    assert page.evaluate("document.documentElement.lang") == "ru"
    due = page.get_by_label("Срок", exact=True)
    assert due.get_attribute("type") == "text" and due.get_attribute("placeholder") == "дд.мм.гггг"
    page.select_option("select[name=target]", f"course:{course}")
    page.check("input[name=due_kind][value=fixed]")
    due.fill("31.02.2030")
    page.get_by_role("button", name="Назначить").click()
    # No such day: the message stands next to the field and what was typed is still there.
    error = page.locator(f"#{due.get_attribute('id')}-error")
    assert error.inner_text() == "Введите дату в виде дд.мм.гггг, например 31.12.2026."
    assert page.get_by_label("Срок", exact=True).input_value() == "31.02.2030"
    page.get_by_label("Срок", exact=True).fill("31.12.2030")
    page.get_by_role("button", name="Назначить").click()
    page.wait_for_url("**/assignments/*")
    assert due_days(server.app, course) == {dt.date(2030, 12, 31)}
    context.close()
