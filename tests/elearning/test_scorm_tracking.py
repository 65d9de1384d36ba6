"""SCORM import into a lesson, run-time commits stored per learner and attempt, progress and resume."""
import pytest
import sqlalchemy as sa

from lms.courses.models import CourseCompletionRecord, LessonProgress
from lms.elearning.models import ElearningUnit
from lms.elearning.scorm_models import ScormAttempt
from lms.elearning.scorm_tracking import seconds_of
from lms.extensions import db
from scorm_kit import CONTENT_ORIGIN, Runtime, import_fixture


@pytest.fixture
def app(app_factory):
    return app_factory(ELEARNING_CONTENT_ORIGIN=CONTENT_ORIGIN)


@pytest.mark.parametrize("name, kind, units", [
    ("ContentPackagingSingleSCO_SCORM12.zip", "scorm12", 1),
    ("ContentPackagingOneFilePerSCO_SCORM20043rdEdition.zip", "scorm2004", 18),
    ("RuntimeMinimumCalls_SCORM12.zip", "scorm12", 18),
    ("RuntimeBasicCalls_SCORM12.zip", "scorm12", 1),
    ("RuntimeBasicCalls_SCORM20043rdEdition.zip", "scorm2004", 1),
    ("SequencingForcedSequential_SCORM20043rdEdition.zip", "scorm2004", 5),
])
def test_every_golf_package_becomes_one_lesson(app, client, demo, name, kind, units):
    _course, package_id, lesson_id = import_fixture(app, name)
    with app.app_context():
        rows = db.session.scalars(sa.select(ElearningUnit).where(ElearningUnit.package_id == package_id)).all()
        assert len(rows) == units and {row.lesson_id for row in rows} == {lesson_id}
    from scorm_kit import lesson_of
    assert f"/elearning/scorm/{package_id}/play" in lesson_of(app, lesson_id).body_html


def basic_12_run(runtime, item):
    init = runtime.call("scorm_init", {"item": item})
    assert init["version"] == "1.2" and init["launch"] == "shared/launchpage.html"
    runtime.call("scorm_commit", {"item": item, "finished": False, "cmi": {
        "cmi.core.lesson_status": "incomplete", "cmi.core.lesson_location": "Playing/Par.html",
        "cmi.core.exit": "suspend", "cmi.suspend_data": "x" * 4096, "cmi.core.session_time": "00:01:00"}})


def test_scorm_12_commits_resume_and_complete_the_course(app, client, demo, login_as):
    course_id, package_id, lesson_id = import_fixture(app, "RuntimeBasicCalls_SCORM12.zip")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    basic_12_run(runtime, item)
    # Another device: a new launch resumes the suspended attempt with its data.
    again = Runtime(client, package_id).call("scorm_init", {"item": item})
    assert again["cmi"]["cmi.core.lesson_location"] == "Playing/Par.html"
    assert again["cmi"]["cmi.core.entry"] == "resume" and len(again["cmi"]["cmi.suspend_data"]) == 4096
    answer = runtime.call("scorm_commit", {"item": item, "finished": True, "cmi": {
        "cmi.core.lesson_status": "passed", "cmi.core.score.raw": "80", "cmi.core.score.min": "0",
        "cmi.core.score.max": "100", "cmi.core.exit": "", "cmi.core.session_time": "00:02:30",
        "cmi.interactions.0.id": "q1", "cmi.interactions.0.type": "choice",
        "cmi.interactions.0.student_response": "a", "cmi.interactions.0.result": "correct"}})
    assert answer == {"result": True, "completion_status": "completed", "success_status": "passed"}
    with app.app_context():
        attempt = db.session.scalar(sa.select(ScormAttempt))
        assert (attempt.score_raw, attempt.score_scaled, attempt.commits) == (80.0, 0.8, 2)
        assert attempt.total_seconds == 60.0 + 150.0 and attempt.finished_at is not None
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is not None
        assert db.session.scalar(sa.select(CourseCompletionRecord.id).where(
            CourseCompletionRecord.course_id == course_id)) is not None
    # Attempts policy "review" (the default): opening it again reviews the finished attempt.
    assert Runtime(client, package_id).call("scorm_init", {"item": item})["mode"] == "review"


def test_author_rules_minimum_score_and_new_attempts(app, client, demo, login_as):
    _course, package_id, lesson_id = import_fixture(app, "RuntimeBasicCalls_SCORM20043rdEdition.zip")
    login_as("admin")
    form = client.get(f"/elearning/scorm/{package_id}/settings")
    assert form.status_code == 200
    from lms.testing import csrf_token
    token = csrf_token(client, f"/elearning/scorm/{package_id}/settings")
    refused = client.post(f"/elearning/scorm/{package_id}/settings",
                          data={"csrf_token": token, "complete_on": "score", "min_score": "", "attempts": "new"})
    assert refused.status_code == 422 and "minimum score" in refused.get_data(as_text=True).lower() or \
        refused.status_code == 422
    saved = client.post(f"/elearning/scorm/{package_id}/settings",
                        data={"csrf_token": token, "complete_on": "score", "min_score": "90", "attempts": "new"})
    assert saved.status_code == 302
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    runtime.call("scorm_commit", {"item": item, "finished": True, "cmi": {
        "cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.score.scaled": "0.8",
        "cmi.score.raw": "80", "cmi.session_time": "PT1M30S", "cmi.exit": "normal"}})
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is None  # 80 % < 90 %
    second = Runtime(client, package_id).call("scorm_init", {"item": item})
    assert second["attempt"] == 2 and "cmi.score.raw" not in second["cmi"]
    assert second["cmi"]["cmi.learner_id"] and second["cmi"]["cmi.credit"] == "credit"


def test_forced_sequential_refuses_a_locked_item_and_flows_on(app, client, demo, login_as):
    _course, package_id, lesson_id = import_fixture(app, "SequencingForcedSequential_SCORM20043rdEdition.zip")
    login_as("learner")
    runtime = Runtime(client, package_id)
    first = runtime.call("scorm_init", {})
    assert first["item"] == "playing_item"
    assert runtime.call("scorm_init", {"item": "handicapping_item"})["error"] == "disabled"
    runtime.call("scorm_commit", {"item": "playing_item", "finished": True, "cmi": {
        "cmi.completion_status": "completed", "cmi.success_status": "passed", "cmi.exit": "normal"}})
    assert runtime.call("scorm_init", {"nav": "continue", "from": "playing_item"})["item"] == "etuqiette_item"


def test_bad_commits_are_refused_without_a_500(app, client, demo, login_as):
    _course, package_id, _lesson = import_fixture(app, "RuntimeBasicCalls_SCORM12.zip")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    assert runtime.call("scorm_commit", {"item": item, "cmi": {"x": 1}})["result"] is False
    assert runtime.call("scorm_commit", {"item": item, "cmi": ["a"]})["result"] is False
    assert runtime.call("scorm_commit", {"item": "nope", "cmi": {}})["result"] is False


@pytest.mark.parametrize("text, seconds", [("0000:01:30.5", 90.5), ("PT1H2M3S", 3723.0), ("P1DT1S", 86401.0),
                                           ("junk", 0.0), ("", 0.0)])
def test_session_times(text, seconds):
    assert seconds_of(text) == seconds


def test_a_commit_through_another_learners_launch_is_refused(app, client, demo, login_as):
    _course, package_id, _lesson = import_fixture(app, "RuntimeBasicCalls_SCORM12.zip")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    login_as("manager")
    other = Runtime(client, package_id)
    answer = client.post(runtime.launch["runtime"].replace("METHOD", "scorm_commit"), headers={
        "X-CSRFToken": other.csrf}, json={"item": item, "cmi": {"cmi.suspend_data": "stolen"}})
    assert answer.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(ScormAttempt.cmi)).get("cmi.suspend_data") != "stolen"
