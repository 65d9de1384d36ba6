"""SCORM 2004 post-condition and exit rules, limit conditions, rollup considerations, the navigation
requests and shared data stores, on packages built in the test (service level and through the
run-time endpoints the player calls)."""
import io
import zipfile
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from lms.courses.models import LessonProgress
from lms.elearning.scorm_manifest import parse_manifest
from lms.elearning.scorm_models import ScormAttempt, ScormLearnerState
from lms.elearning.scorm_navigation import navigate, parse_request, resolve
from lms.elearning.scorm_sequencing import Sequencer
from lms.extensions import db
from scorm_builder import cluster, leaf, package_zip, remediation_items, rule, rules
from scorm_kit import CONTENT_ORIGIN, Runtime, import_zip


@pytest.fixture
def app(app_factory):
    return app_factory(ELEARNING_CONTENT_ORIGIN=CONTENT_ORIGIN)


def parsed(app, data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    with app.test_request_context():
        return parse_manifest(archive.read("imsmanifest.xml"), set(archive.namelist())).to_json()


def attempt(success="unknown", completion="completed", number=1, finished=True, cmi=None):
    return SimpleNamespace(completion_status=completion, success_status=success, score_scaled=None, number=number,
                           cmi=cmi or {}, finished_at="done" if finished else None, total_seconds=0.0)


def test_a_failed_post_test_exits_its_module_and_retries_it(app):
    manifest = parsed(app, package_zip(remediation_items()))
    failed = Sequencer.from_manifest(manifest, {"lesson": attempt(), "posttest": attempt("failed")})
    outcome = navigate(failed, "continue", "posttest")
    assert (outcome.retry, outcome.flow, outcome.end_course) == ("module", "retry", False)
    # Once the retry is stored the module's SCOs are fresh and flow starts at its first one.
    fresh = Sequencer.from_manifest(manifest, {"lesson": attempt(), "posttest": attempt("failed")},
                                    learner={"stale": {"lesson": 1, "posttest": 1}, "attempts": {"module": 2}})
    assert resolve(fresh, outcome) == "lesson" and fresh.find("posttest").attempted is False
    assert fresh.find("posttest").attempts == 1 and fresh.find("module").attempts == 2
    passed = Sequencer.from_manifest(manifest, {"lesson": attempt(), "posttest": attempt("passed")})
    outcome = navigate(passed, "continue", "posttest")
    assert outcome.retry is None and resolve(passed, outcome) is None  # past the end: the course is done
    assert passed.root_status()["satisfied"] is True


def test_exit_all_post_condition_and_exit_action_rule(app):
    manifest = parsed(app, package_zip([leaf("intro"), leaf("quiz", rules(rule("post", "satisfied", "exitAll")))]))
    states = {"intro": attempt(), "quiz": attempt("passed")}
    assert navigate(Sequencer.from_manifest(manifest, states), "continue", "quiz").end_course is True
    # An exit action rule on a cluster ends it with its child; the cluster's post-condition then applies.
    manifest = parsed(app, package_zip([cluster("unit", [leaf("a"), leaf("b")], rules(
        rule("exit", "completed", "exit"), rule("post", "always", "previous"))), leaf("c")]))
    sequencer = Sequencer.from_manifest(manifest, {"a": attempt(), "b": attempt()})
    outcome = navigate(sequencer, "continue", "a")
    assert (outcome.flow, outcome.flow_from) == ("previous", "a")
    assert navigate(Sequencer.from_manifest(manifest, {"a": attempt()}), "continue", "a").flow_from == "a"


def test_attempt_limit_disables_a_third_try_but_lets_an_open_attempt_resume(app):
    manifest = parsed(app, package_zip([leaf("intro"), leaf("quiz", '<imsss:limitConditions attemptLimit="2" '
                                                                    'attemptAbsoluteDurationLimit="PT1H"/>')]))
    assert manifest["items"][1]["sequencing"]["attempt_duration_limit"] == "PT1H"
    rows = {r["identifier"]: r for r in Sequencer.from_manifest(
        manifest, {"quiz": attempt("failed", number=2)}).table_of_contents()}
    assert rows["quiz"]["disabled"] and not rows["quiz"]["choosable"]
    sequencer = Sequencer.from_manifest(manifest, {"intro": attempt(), "quiz": attempt("failed", number=2)})
    assert sequencer.next_after("intro") is None
    rows = {r["identifier"]: r for r in Sequencer.from_manifest(
        manifest, {"quiz": attempt(number=2, finished=False)}).table_of_contents()}
    assert not rows["quiz"]["disabled"]
    spent = attempt(number=1, finished=False)
    spent.total_seconds = 3600.0
    assert Sequencer.from_manifest(manifest, {"quiz": spent}).table_of_contents()[1]["disabled"]


def test_rollup_considerations_leave_optional_activities_out(app):
    optional = '<adlseq:rollupConsiderations requiredForSatisfied="ifAttempted" requiredForCompleted="ifNotSuspended"/>'
    items = [leaf("core"), leaf("extra", optional)]
    with_considerations = parsed(app, package_zip(items))
    without = parsed(app, package_zip([leaf("core"), leaf("extra")]))
    states = {"core": attempt("passed")}
    assert Sequencer.from_manifest(without, states).root_status()["satisfied"] is None
    status = Sequencer.from_manifest(with_considerations, states).root_status()
    assert status["satisfied"] is True and status["completed"] is True
    # Once opened, the optional activity counts; a suspended one does not keep the course incomplete.
    opened = {"core": attempt("passed"), "extra": attempt("failed", completion="incomplete")}
    assert Sequencer.from_manifest(with_considerations, opened).root_status()["satisfied"] is False
    suspended = {"core": attempt("passed"), "extra": attempt(completion="incomplete", finished=False,
                                                              cmi={"cmi.exit": "suspend"})}
    assert Sequencer.from_manifest(with_considerations, suspended).root_status()["completed"] is True


def test_navigation_request_values():
    assert parse_request("{target=quiz}choice") == ("choice", "quiz")
    assert parse_request("{target=quiz}jump") == ("jump", "quiz")
    assert parse_request("suspendAll") == ("suspendAll", None)
    assert parse_request("_none_") == ("", None) and parse_request(None) == ("", None)


def commit(runtime, item, finished=True, **cmi):
    values = {"cmi.completion_status": "completed", "cmi.exit": "", **{k.replace("__", "."): v for k, v in cmi.items()}}
    return runtime.call("scorm_commit", {"item": item, "finished": finished, "cmi": values})


def test_remediation_loop_through_the_runtime_endpoints(app, client, demo, login_as):
    _course, package_id, lesson_id = import_zip(app, package_zip(remediation_items(
        '<imsss:limitConditions attemptLimit="3"/>')), "remedy")
    login_as("learner")
    runtime = Runtime(client, package_id)
    assert runtime.call("scorm_init", {})["item"] == "lesson"
    commit(runtime, "lesson")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "lesson"})["item"] == "posttest"
    commit(runtime, "posttest", cmi__success_status="failed")
    again = runtime.call("scorm_init", {"nav": "continue", "from": "posttest"})
    assert again["item"] == "lesson" and again["attempt"] == 2 and again["mode"] == "normal"
    assert "cmi.completion_status" not in again["cmi"]  # a new attempt starts empty
    commit(runtime, "lesson")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "lesson"})["attempt"] == 2
    commit(runtime, "posttest", cmi__success_status="passed")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "posttest"}) == {"end": True}
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is not None


def test_exit_all_ends_the_course_attempt_and_suspend_all_resumes(app, client, demo, login_as):
    _course, package_id, _lesson = import_zip(app, package_zip([leaf("one"), leaf("two"), leaf("three")]), "nav")
    login_as("learner")
    runtime = Runtime(client, package_id)
    runtime.call("scorm_init", {})
    commit(runtime, "one")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "one"})["item"] == "two"
    commit(runtime, "two", finished=True, cmi__completion_status="incomplete", cmi__location="page-3")
    assert runtime.call("scorm_init", {"nav": "suspendAll", "from": "two"}) == {"end": True}
    # The next launch resumes the suspended SCO (resumeAll) with its data, though cmi.exit was not "suspend".
    again = Runtime(client, package_id)
    assert again.launch["url"].endswith("item=two")
    resumed = again.call("scorm_init", {"item": "two"})
    assert resumed["cmi"]["cmi.location"] == "page-3" and resumed["cmi"]["cmi.entry"] == "resume"
    assert resumed["attempt"] == 1
    assert again.call("scorm_init", {"nav": "exitAll", "from": "two"}) == {"end": True}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ScormAttempt)
                                 .where(ScormAttempt.finished_at.is_(None))) == 0
        assert db.session.scalar(sa.select(ScormLearnerState.state))["ended"] is True
    # The course attempt ended unfinished: the next launch starts a new one at the first SCO.
    fresh = Runtime(client, package_id)
    assert fresh.launch["url"].endswith("item=one")
    assert fresh.call("scorm_init", {"item": "one"})["attempt"] == 2


def test_attempt_limit_refuses_a_third_try_through_the_runtime(app, client, demo, login_as):
    _course, package_id, _lesson = import_zip(app, package_zip(
        [leaf("intro"), leaf("quiz", rules(rule("post", "satisfied", "retry", "not"))
                                    + '<imsss:limitConditions attemptLimit="2"/>')]), "limit")
    login_as("learner")
    runtime = Runtime(client, package_id)
    assert runtime.call("scorm_init", {"item": "quiz"})["attempt"] == 1
    commit(runtime, "quiz", cmi__success_status="failed")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "quiz"})["attempt"] == 2  # post-condition retry
    commit(runtime, "quiz", cmi__success_status="failed")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "quiz"}) == {"end": True}
    assert runtime.call("scorm_init", {"item": "quiz"}) == {"error": "disabled", "item": "quiz"}
    page = client.get(f"/elearning/scorm/{package_id}/play").get_data(as_text=True)
    assert 'class="scorm-disabled"' in page


def test_shared_data_stores_cross_two_scos(app, client, demo, login_as):
    writer = '<adlcp:data><adlcp:map targetID="notes" readSharedData="false" writeSharedData="true"/></adlcp:data>'
    reader = '<adlcp:data><adlcp:map targetID="notes" readSharedData="true" writeSharedData="false"/></adlcp:data>'
    _course, package_id, _lesson = import_zip(app, package_zip([leaf("writer", extra=writer),
                                                                leaf("reader", extra=reader)]), "data")
    login_as("learner")
    runtime = Runtime(client, package_id)
    first = runtime.call("scorm_init", {"item": "writer"})
    assert first["cmi"]["adl.data.0.id"] == "notes" and "adl.data.0.store" not in first["cmi"]
    commit(runtime, "writer", finished=False, adl__data__0__id="notes", adl__data__0__store="hello")
    second = runtime.call("scorm_init", {"item": "reader"})
    assert second["cmi"]["adl.data.0.store"] == "hello"
    commit(runtime, "reader", adl__data__0__id="notes", adl__data__0__store="overwritten")  # read-only map
    commit(runtime, "writer", adl__data__0__id="notes", adl__data__0__store="")  # a store the SCO never set
    assert Runtime(client, package_id).call("scorm_init", {"item": "reader"})["cmi"]["adl.data.0.store"] == "hello"
