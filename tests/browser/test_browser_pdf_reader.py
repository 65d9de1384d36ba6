"""PDF lessons readable on phones (issue 25): a PDF in a frame is a blank box on a phone, so the lesson
draws each page with PDF.js (kept in lms/static/vendor/pdfjs/, served by the portal) on a canvas as
wide as the screen. Here the demo course's leaflet is opened at 360×740 in real Chromium.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from browser_flows_kit import FERTILIZER, load_full_demo, shot
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login

pytestmark = pytest.mark.browser

# Share of a canvas's pixels that are not white: an empty (failed) render gives 0.
INKED = """(canvas) => {
  const {data} = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) { inked += 1; }
  }
  return inked / (data.length / 4);
}"""
WATCH_CSP = """window.cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"""


def pdf_lesson_address(app) -> str:
    from lms.courses.models import Course, Lesson

    with app.app_context():
        course_id = db.session.scalar(sa.select(Course.id).where(Course.slug == FERTILIZER))
        slug = db.session.scalar(sa.select(Lesson.slug).where(Lesson.course_id == course_id, Lesson.kind == "pdf"))
    return f"/courses/{FERTILIZER}/lessons/{slug}"


@pytest.fixture
def phone(live_server, chromium):
    server = live_server.start()
    load_full_demo(server.app)
    context = chromium.new_context(viewport={"width": 360, "height": 740}, locale="ru-RU", has_touch=True)
    context.add_init_script(WATCH_CSP)
    page = context.new_page()
    page.set_default_timeout(15000)
    browser_login(page, server.url, DEMO_EMAILS["learner"])
    yield server, page
    context.close()


def test_pdf_lesson_draws_its_pages_on_a_phone(phone):
    server, page = phone
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server.url + pdf_lesson_address(server.app))
    canvas = page.locator(".pdf-page canvas").first
    canvas.wait_for()
    assert page.evaluate(INKED, canvas.element_handle()) > 0.005
    box = canvas.bounding_box()
    assert box["width"] > 300 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("[data-pdf-counter]").inner_text() == "Страница 1 из 2"
    # The second page is drawn when it comes near, and the counter follows the scroll.
    page.locator('.pdf-page[data-page="2"]').scroll_into_view_if_needed()
    page.locator('.pdf-page[data-page="2"] canvas').wait_for()
    page.mouse.wheel(0, 2000)
    page.wait_for_function("document.querySelector('[data-pdf-counter]').textContent === 'Страница 2 из 2'")
    assert page.get_by_role("link", name="Скачать pamyatka-razliv.pdf").is_visible()
    shot(page, "phone-pdf-lesson")
    assert page.evaluate("window.cspViolations") == [] and errors == []


def test_turning_the_phone_draws_the_pages_again_at_the_new_width(phone):
    server, page = phone
    page.goto(server.url + pdf_lesson_address(server.app))
    page.locator(".pdf-page canvas").first.wait_for()
    page.set_viewport_size({"width": 740, "height": 360})
    page.wait_for_function("""() => {
      const canvas = document.querySelector('.pdf-page canvas');
      return canvas && canvas.width >= document.querySelector('[data-pdf-pages]').clientWidth;
    }""")
    assert page.evaluate("document.documentElement.scrollWidth") <= 740


def test_a_broken_pdf_leaves_the_frame_and_the_download_link(phone):
    server, page = phone
    address = pdf_lesson_address(server.app)
    page.route("**/assets/**", lambda route: route.fulfill(status=200, content_type="application/pdf",
                                                             body=b"not a PDF"))
    page.goto(server.url + address)
    page.locator(".pdf-reader .flash-error").wait_for()
    assert page.locator(".pdf-reader iframe.pdf-viewer").count() == 1
    assert page.get_by_role("link", name="Скачать pamyatka-razliv.pdf").is_visible()
