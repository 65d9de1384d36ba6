"""Chromium: a SCO inside an exam that may not be left by choice (choiceExit="false") asks for a
choice outside it; the server refuses and the player tells the learner why."""
import pytest
import sqlalchemy as sa

from lms.elearning.scorm_models import ScormLearnerState
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login
from scorm_builder import cluster, leaf, package_zip
from scorm_kit import import_zip
from test_scorm_browser import frame_with, wait_for

pytestmark = pytest.mark.browser

LEAVE = """var api = parent.API_1484_11; api.Initialize("");
api.SetValue("cmi.completion_status", "completed");
api.SetValue("adl.nav.request", "{target=notes}choice"); api.Terminate("");"""


def test_a_refused_choice_is_explained_in_the_player(live_server, demo, page):
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    items = [cluster("exam", [leaf("q1"), leaf("q2")], '<imsss:controlMode choice="true" choiceExit="false"/>'),
             leaf("notes")]
    _course, package_id, _lesson = import_zip(app, package_zip(items, pages={"q1": LEAVE}), "leave")
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(base + f"/elearning/scorm/{package_id}/play")
    frame_with(page, "__lms__/scorm.html")

    def ending():
        return next((f.locator("#scorm-end") for f in page.frames
                     if "__lms__/scorm.html" in f.url and f.locator("#scorm-end").is_visible()), None)

    wait_for(page, lambda: ending() is not None, "the refusal")
    assert "cannot be left by choosing another activity" in ending().inner_text()
    with app.app_context():
        assert db.session.scalar(sa.select(ScormLearnerState.state))["current"] == "q1"  # still in the exam
