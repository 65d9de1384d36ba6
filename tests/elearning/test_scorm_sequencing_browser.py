"""Chromium plays a remediation loop: the SCOs end with adl.nav.request and the wrapper follows the
server's sequencing (post-condition retry), while a shared data store tells the post-test it is the
second try."""
import pytest
import sqlalchemy as sa

from lms.courses.models import LessonProgress
from lms.elearning.scorm_models import ScormAttempt
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login
from scorm_builder import package_zip, remediation_items
from scorm_kit import import_zip
from test_scorm_browser import frame_with, wait_for

pytestmark = pytest.mark.browser

LESSON = """var api = parent.API_1484_11; api.Initialize("");
api.SetValue("cmi.completion_status", "completed");
api.SetValue("adl.nav.request", "continue"); api.Terminate("");"""
# Fails the first time, passes once the store says it was tried.
POSTTEST = """var api = parent.API_1484_11; api.Initialize("");
var tried = api.GetValue("adl.data.0.store") === "1";
api.SetValue("cmi.completion_status", "completed");
api.SetValue("cmi.success_status", tried ? "passed" : "failed");
api.SetValue("adl.data.0.store", "1");
api.SetValue("adl.nav.request", "continue"); api.Terminate("");"""
STORE = '<adlcp:data><adlcp:map targetID="tries" readSharedData="true" writeSharedData="true"/></adlcp:data>'


def test_post_test_failure_retries_the_module_in_the_browser(live_server, demo, page):
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    items = [item.replace("<title>posttest</title>", "<title>posttest</title>" + STORE)
             for item in remediation_items()]
    _course, package_id, lesson_id = import_zip(app, package_zip(items, pages={"lesson": LESSON,
                                                                             "posttest": POSTTEST}), "loop")
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/scorm/{package_id}/play")
    frame_with(page, "__lms__/scorm.html")
    wait_for(page, lambda: any("__lms__/scorm.html" in f.url and f.locator("#scorm-end").is_visible()
                               for f in page.frames), "the end of the course")
    with app.app_context():
        # lesson and post-test twice each: the failed post-test, then the passed one after the retry
        attempts = db.session.execute(sa.select(ScormAttempt.number, ScormAttempt.success_status)).all()
        assert sorted(tuple(row) for row in attempts) == [(1, "failed"), (1, "unknown"), (2, "passed"),
                                                          (2, "unknown")]
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is not None
