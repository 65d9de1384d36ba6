"""axe-core on the main learner pages in real Chromium: no serious or critical violations."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from browser_flows_kit import FERTILIZER, load_full_demo, shot
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login, serious_accessibility_violations

pytestmark = pytest.mark.browser

PAGES = ("catalogue", "course", "lesson", "quiz_attempt", "my_certificates", "verify")


def certify(app, email: str, slug: str) -> str:
    """Complete the course as the courses domain does; returns the certificate's verification code."""
    from lms.auth.models import User
    from lms.certificates.models import Certificate
    from lms.courses.contracts import CourseCompletion
    from lms.courses.models import Course, CourseCompletionRecord
    from lms.events import commit, emit
    from lms.timeutil import utcnow

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
        completion = CourseCompletion(user_id=user_id, course_id=course.id, course_version=course.version,
                                      score_percent=90.0, completed_at=utcnow())
        db.session.add(CourseCompletionRecord(user_id=user_id, course_id=course.id, course_version=course.version,
                                              score_percent=90.0, completed_at=completion.completed_at))
        emit("lms_course_completed", completion=completion)
        commit()
        return db.session.scalar(sa.select(Certificate.code).where(Certificate.user_id == user_id))


@pytest.fixture
def learner_portal(live_server):
    server = live_server.start()
    load_full_demo(server.app)
    codes = []
    # The PDF signer calls asyncio.run, which cannot run in the thread where Playwright's loop runs.
    worker = threading.Thread(target=lambda: codes.append(certify(server.app, DEMO_EMAILS["learner"], FERTILIZER)))
    worker.start()
    worker.join()
    assert codes and codes[0]
    server.verify_code = codes[0]
    return server


def open_learner_page(page, base: str, name: str, verify_code: str) -> None:
    if name == "catalogue":
        page.goto(base + "/courses/")
    elif name == "course":
        page.goto(f"{base}/courses/{FERTILIZER}")
    elif name == "lesson":
        page.goto(f"{base}/courses/{FERTILIZER}")
        page.locator(".outline a").nth(1).click()
    elif name == "quiz_attempt":
        page.goto(f"{base}/courses/{FERTILIZER}")
        page.get_by_role("link", name="Перейти к тесту").click()
        page.get_by_role("button", name="Начать тест").click()
        page.wait_for_url("**/quizzes/attempts/*")
    elif name == "my_certificates":
        page.goto(base + "/certificates/")
    elif name == "verify":
        page.goto(f"{base}/verify/{verify_code}")
    page.wait_for_load_state("load")


def test_main_learner_pages_have_no_serious_accessibility_violations(learner_portal, page):
    """One server and one sign-in for all six pages (fast); every page's findings are reported together."""
    base = learner_portal.url
    browser_login(page, base, DEMO_EMAILS["learner"])
    found = {}
    for name in PAGES:
        open_learner_page(page, base, name, learner_portal.verify_code)
        shot(page, f"a11y-{name}")
        found[name] = serious_accessibility_violations(page)
    assert found == {name: [] for name in PAGES}
