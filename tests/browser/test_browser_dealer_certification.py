"""Flow 1 in real Chromium: a dealer's employee comes from the partner portal through an SSO JWT, studies
two lessons, takes the final quiz (reloading halfway), passes, downloads the certificate and checks it
through the URL in its QR code."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from browser_flows_kit import (
    FERTILIZER, answer_slot, assert_answer_shown, attempt_slots, load_full_demo, qr_payload, shot, sso_token,
    write_hs_issuer,
)
from lms.extensions import db

pytestmark = pytest.mark.browser


@pytest.fixture
def portal(live_server, tmp_path):
    server = live_server.start(SSO_ISSUERS=str(write_hs_issuer(tmp_path)))
    load_full_demo(server.app)
    return server


def complete_other_lessons(app, email: str, keep: set[str]) -> None:
    """The lessons the browser does not open are completed through the same service the button calls."""
    from lms.auth.models import User
    from lms.courses.models import Course, Lesson
    from lms.courses.progress import complete_lesson
    from lms.events import commit

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        lessons = db.session.scalars(sa.select(Lesson).join(Course).where(Course.slug == FERTILIZER)
                                     .order_by(Lesson.id)).all()
        for lesson in lessons:
            if lesson.slug not in keep:
                complete_lesson(user_id, lesson.id)
        commit()


def test_dealer_sso_lessons_quiz_certificate_and_verify(portal, page, tmp_path):
    base = portal.url
    token = sso_token()
    page.goto(f"{base}/sso/jwt?token={quote(token)}&next={quote('/courses/' + FERTILIZER)}")
    assert urlsplit(page.url).path == f"/courses/{FERTILIZER}"
    expect(page.locator("h1")).to_have_text("Безопасное хранение и применение минеральных удобрений")
    shot(page, "flow1-01-course-after-sso")

    # Two lessons read in the browser and marked «Изучено».
    page.locator(".outline a").first.click()
    first_lesson = urlsplit(page.url).path.rsplit("/", 1)[-1]
    page.get_by_role("button", name="Изучено").click()
    second_lesson = urlsplit(page.url).path.rsplit("/", 1)[-1]  # "Изучено" goes on to the next lesson
    assert second_lesson != first_lesson
    shot(page, "flow1-02-second-lesson")
    page.get_by_role("button", name="Изучено").click()
    page.goto(f"{base}/courses/{FERTILIZER}")
    assert page.locator(".outline li.done").count() == 2
    complete_other_lessons(portal.app, "petr.dealer@yug.example", keep={first_lesson, second_lesson})

    # The final quiz, through the course page.
    page.goto(f"{base}/courses/{FERTILIZER}")
    page.get_by_role("link", name="Перейти к тесту").click()
    page.get_by_role("button", name="Начать тест").click()
    page.wait_for_url("**/quizzes/attempts/*")
    attempt_id = int(urlsplit(page.url).path.rsplit("/", 1)[-1])
    slots = attempt_slots(portal.app, attempt_id)
    assert len(slots) >= 10
    saved_label = page.locator("#quiz-form").get_attribute("data-saved")
    half = len(slots) // 2
    expected = {}
    for position, qtype, definition in slots[:half]:
        expected[position] = answer_slot(page, position, qtype, definition)
        expect(page.locator(f"fieldset#q{position} .quiz-slot-status")).to_have_text(saved_label)
    shot(page, "flow1-03-quiz-half-answered")

    page.reload()
    for position, shown in expected.items():
        assert_answer_shown(page, position, shown)
    shot(page, "flow1-04-quiz-after-reload")

    for position, qtype, definition in slots[half:]:
        answer_slot(page, position, qtype, definition)
        expect(page.locator(f"fieldset#q{position} .quiz-slot-status")).to_have_text(saved_label)
    page.once("dialog", lambda dialog: dialog.accept())  # «Отправить ответы?» confirmation
    page.get_by_role("button", name="Завершить попытку").click()
    page.wait_for_url(f"**/quizzes/attempts/{attempt_id}/result")
    shot(page, "flow1-05-quiz-result")
    body = page.locator("main").inner_text()
    assert "100" in body

    # The certificate: issued on completion, downloaded, its QR decoded, the verify page opened.
    page.goto(f"{base}/certificates/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Скачать PDF").first.click()
    pdf_path = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    shot(page, "flow1-06-my-certificates")

    verify_url = qr_payload(pdf_path, tmp_path)
    assert verify_url.startswith(base + "/verify/"), verify_url
    page.goto(verify_url)
    shot(page, "flow1-07-verify-page")
    expect(page.locator("main")).to_contain_text("Пётр Дилеров")
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "valid")
    expect(page.locator(".cert-status-valid")).to_have_text("Действителен")
