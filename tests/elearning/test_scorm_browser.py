"""Real Chromium plays the Rustici Golf run-time examples to the end as a learner clicking through.

The SCO finds the scorm-again API in its parent (the wrapper frame on the content origin); every
commit crosses the bridge to the lesson page and the portal, which ends up holding the status and
score the fixtures README names, completes the course and issues the certificate.
"""
import io

import pytest
import sqlalchemy as sa

from elearning_kit import fixture_package
from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.courses.models import Course, CourseCompletionRecord
from lms.elearning.models import ElearningUnit
from lms.elearning.packages import import_package
from lms.elearning.scorm_models import ScormAttempt
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, browser_login

pytestmark = pytest.mark.browser

ANSWER_EVERY_QUESTION = """() => {
    for (const q of test.Questions) {
        if (q.Type === QUESTION_TYPE_CHOICE) {
            document.getElementById(`question_${q.Id}_${q.Answers.indexOf(q.CorrectAnswer)}`).checked = true;
        } else if (q.Type === QUESTION_TYPE_TF) {
            document.getElementById(`question_${q.Id}_${q.CorrectAnswer ? 'True' : 'False'}`).checked = true;
        } else {
            document.getElementById(`question_${q.Id}_Text`).value = q.CorrectAnswer;
        }
    }
}"""


def serve(live_server, name: str) -> tuple[str, int, int]:
    base = live_server.start().url
    app = live_server.app
    app.config["ELEARNING_CONTENT_ORIGIN"] = base.replace("127.0.0.1", "localhost")
    course_id = add_published_course(app, slug="golf", title="Golf")
    with app.app_context():
        db.session.get(Course, course_id).targets_all = True
        package = import_package(io.BytesIO(fixture_package("rustici-golf", name)), course_id=course_id,
                                 user_id=None)
        commit()
        return base, package.id, course_id


def wait_for(page, check, what: str, attempts: int = 150) -> None:
    for _ in range(attempts):
        if check():
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"never happened: {what}")


def frame_with(page, fragment: str):
    wait_for(page, lambda: any(fragment in frame.url for frame in page.frames), f"a frame at {fragment}")
    return next(frame for frame in page.frames if fragment in frame.url)


def stored(app) -> ScormAttempt | None:
    with app.app_context():
        attempt = db.session.scalar(sa.select(ScormAttempt).order_by(ScormAttempt.id.desc()).limit(1))
        if attempt is not None:
            db.session.expunge(attempt)
        return attempt


def certified(app, course_id: int) -> bool:
    with app.app_context():
        learner = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
        done = db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletionRecord).where(
            CourseCompletionRecord.user_id == learner, CourseCompletionRecord.course_id == course_id))
        certificates = db.session.scalar(sa.select(sa.func.count()).select_from(Certificate).where(
            Certificate.user_id == learner, Certificate.course_id == course_id))
        return bool(done and certificates)


def play_golf_to_the_end(page, base: str, package_id: int) -> None:
    page.goto(base + f"/elearning/scorm/{package_id}/play")
    sco = frame_with(page, "shared/launchpage.html")
    sco.wait_for_load_state()
    for _ in range(14):  # the SCO's own Next button, page by page, to the test
        sco.locator("#butNext").click()
    quiz = frame_with(page, "assessmenttemplate.html")
    quiz.wait_for_load_state()
    quiz.evaluate(ANSWER_EVERY_QUESTION)
    quiz.get_by_role("button", name="Submit Answers").click()
    sco.locator("#butExit").click()


@pytest.mark.parametrize("name, expected", [
    ("RuntimeBasicCalls_SCORM12.zip", ("completed", "passed", 100.0, "cmi.core.lesson_status", "passed")),
    ("RuntimeBasicCalls_SCORM20043rdEdition.zip", ("completed", "passed", 100.0, "cmi.success_status", "passed")),
])
def test_runtime_basic_calls_played_to_the_end(live_server, demo, page, name, expected):
    base, package_id, course_id = serve(live_server, name)
    browser_login(page, base, DEMO_EMAILS["learner"])
    play_golf_to_the_end(page, base, package_id)
    app = live_server.app
    try:
        wait_for(page, lambda: (stored(app) is not None and stored(app).finished_at is not None), "the final commit")
    except AssertionError:
        print("STORED", stored(app) and {k: v for k, v in vars(stored(app)).items() if k != "_sa_instance_state"})
        raise
    attempt = stored(app)
    completion, success, score, element, value = expected
    assert (attempt.completion_status, attempt.success_status, attempt.score_raw) == (completion, success, score)
    assert attempt.cmi[element] == value and attempt.total_seconds > 0
    wait_for(page, lambda: certified(app, course_id), "course completion and certificate")
