"""Chromium plays a flow-only package (choice="false") whose SCOs never ask for navigation: the
learner moves with the player's own Continue/Previous buttons (mouse and keyboard), which end a running
SCO through the wrapper (commit, then Terminate with the request); hideLMSUI hides a button; the SCO
reads adl.nav.request_valid as the server computed it; the course completes."""
import pytest
import sqlalchemy as sa

from lms.courses.models import LessonProgress
from lms.elearning.models import ElearningUnit
from lms.elearning.scorm_models import ScormAttempt
from lms.extensions import db
from lms.testing import DEMO_EMAILS, browser_login
from scorm_builder import hide_lms_ui, leaf, package_zip, rule, rules
from scorm_kit import import_fixture, import_zip
from test_scorm_browser import frame_with, wait_for
from test_scorm_sequencing import FORCED

pytestmark = pytest.mark.browser

# Ends itself without a navigation request: the learner is left with the player's buttons.
ENDS = """var api = parent.API_1484_11; api.Initialize("");
api.SetValue("cmi.completion_status", "completed"); api.Terminate("");"""
# Stays running (no Commit, no Terminate) and records what request_valid says.
RUNS = """var api = parent.API_1484_11; api.Initialize("");
window.valid = [api.GetValue("adl.nav.request_valid.continue"), api.GetValue("adl.nav.request_valid.previous"),
                api.GetValue("adl.nav.request_valid.choice.{target=c}")];
api.SetValue("cmi.completion_status", "completed");"""


def sco_frame(page, name: str):
    wait_for(page, lambda: any(f.url.split("?")[0].endswith(f"/{name}.html") for f in page.frames), f"SCO {name}")
    return next(f for f in page.frames if f.url.split("?")[0].endswith(f"/{name}.html"))


def attempts(app) -> dict:
    with app.app_context():
        rows = db.session.execute(sa.select(ElearningUnit.identifier, ScormAttempt.number,
                                            ScormAttempt.completion_status, ScormAttempt.finished_at)
                                  .join(ElearningUnit, ElearningUnit.id == ScormAttempt.unit_id)).all()
        return {(row[0], row[1]): (row[2], row[3] is not None) for row in rows}


def button(page, request: str):
    return page.locator(f'#scorm-nav button[data-request="{request}"]')


def test_continue_and_previous_buttons_walk_a_flow_only_course(live_server, demo, page):
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    items = [leaf("a"), leaf("b"), leaf("c", extra=hide_lms_ui("previous", "suspendAll"))]
    data = package_zip(items, '<imsss:controlMode choice="false" flow="true"/>',
                       pages={"a": ENDS, "b": RUNS, "c": ENDS})
    _course, package_id, lesson_id = import_zip(app, data, "flow")
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/scorm/{package_id}/play")

    sco_frame(page, "a")
    wait_for(page, lambda: attempts(app).get(("a", 1)) == ("completed", True), "a ends itself")
    # The table of contents follows without a reload: a's tick appears as its commit is answered.
    wait_for(page, lambda: page.locator('#scorm-contents li[data-item="a"] .scorm-done').count() == 1,
             "a ticked in the contents")
    assert page.locator('#scorm-contents li[data-item="b"] .scorm-done').count() == 0
    assert button(page, "previous").is_disabled()  # the first activity
    assert button(page, "continue").is_enabled() and button(page, "suspendAll").is_visible()
    button(page, "continue").click()  # a has terminated: the request goes straight to the server

    b = sco_frame(page, "b")
    wait_for(page, lambda: b.evaluate("window.valid || null") is not None, "b reads request_valid")
    assert b.evaluate("window.valid") == ["true", "true", "false"]  # choice="false": no choice anywhere
    button(page, "previous").click()  # b is running: the wrapper commits and terminates it first
    sco_frame(page, "a")
    wait_for(page, lambda: attempts(app).get(("b", 1)) == ("completed", True), "b ended by Previous")
    wait_for(page, lambda: button(page, "continue").is_enabled(), "a's buttons")

    button(page, "continue").focus()  # the keyboard works as the mouse does
    page.keyboard.press("Enter")
    sco_frame(page, "b")
    wait_for(page, lambda: button(page, "continue").is_enabled(), "b's buttons")
    button(page, "continue").focus()
    page.keyboard.press("Space")

    sco_frame(page, "c")
    wait_for(page, lambda: attempts(app).get(("c", 1)) == ("completed", True), "c ends itself")
    wait_for(page, lambda: button(page, "previous").is_hidden(), "hideLMSUI hides Previous on c")
    assert button(page, "suspendAll").is_hidden()
    assert button(page, "continue").is_disabled()  # the last activity
    assert button(page, "exit").is_enabled()
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is not None
    button(page, "exit").click()
    wait_for(page, lambda: any("__lms__/scorm.html" in f.url and f.locator("#scorm-end").is_visible()
                               for f in page.frames), "the end of the course")
    wait_for(page, lambda: button(page, "exit").is_disabled(), "the buttons are off after the end")


def test_a_toc_click_ends_the_running_sco_before_the_choice(live_server, demo, page):
    """A failed quiz left running: the TOC click commits and terminates it, and its post-condition
    (retry) wins over the choice, as it does for a request the SCO makes (the server test covers the
    passed quiz letting the choice through)."""
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    quiz = """var api = parent.API_1484_11; api.Initialize("");
api.SetValue("cmi.completion_status", "completed");
api.SetValue("cmi.success_status", "failed");"""
    items = [leaf("quiz", rules(rule("post", "satisfied", "retry", "not"))), leaf("summary")]
    _course, package_id, _lesson = import_zip(app, package_zip(items, pages={"quiz": quiz, "summary": ENDS}),
                                              "toc")
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/scorm/{package_id}/play")
    sco_frame(page, "quiz")
    wait_for(page, lambda: button(page, "continue").is_enabled(), "the buttons")
    page.locator('#scorm-contents li[data-item="summary"] a').click()
    wait_for(page, lambda: attempts(app).get(("quiz", 1)) == ("completed", True), "the quiz ended by the click")
    wait_for(page, lambda: ("quiz", 2) in attempts(app), "the retry post-condition delivered the quiz again")
    assert ("summary", 1) not in attempts(app)
    assert page.url.endswith(f"/elearning/scorm/{package_id}/play")  # no page load: the frame moved


def test_continue_takes_the_learner_through_the_golf_forced_sequential_fixture(live_server, demo, page):
    """The Golf SCOs have no way out of their own (their Exit button is commented out): each marks
    itself completed on its last page, and only the player's Continue moves on, in forced order."""
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    _course, package_id, _lesson = import_fixture(app, FORCED, "forced-golf")
    browser_login(page, base, DEMO_EMAILS["learner"])
    page.goto(base + f"/elearning/scorm/{package_id}/play")
    for content in ("playing", "etiquette", "handicapping", "havingfun"):
        sco = frame_with(page, f"launchpage.html?content={content}")
        sco.wait_for_load_state()
        wait_for(page, lambda: button(page, "continue").is_enabled(), f"Continue on {content}")
        assert button(page, "previous").is_disabled() if content == "playing" else True
        if content == "playing":  # not completed yet: the server refuses and the SCO keeps running
            button(page, "continue").click()
            refusal = page.locator("#scorm-nav").get_attribute("data-unavailable")  # in the learner's language
            wait_for(page, lambda: page.locator("#elearning-status").inner_text() == refusal, "the refusal")
            assert frame_with(page, "content=playing") is sco
        for _ in range(30):  # the SCO's own Next, page by page, to its last page (completed, passed)
            if sco.locator("#butNext").is_disabled():
                break
            sco.locator("#butNext").click()
        button(page, "continue").click()
    frame_with(page, "assessmenttemplate.html")  # the fifth activity, reached by Continue
    done = attempts(app)
    assert all(done.get((identifier, 1), ("", False))[0] == "completed" for identifier in
               ("playing_item", "etuqiette_item", "handicapping_item", "havingfun_item"))
