"""The player's own navigation on the server: what scorm_init and scorm_nav say is valid (the buttons and
adl.nav.request_valid), a TOC choice that ends a SCO running its post-conditions, SCORM 1.2 order, and
the forced-sequential Golf fixture walked with Continue. Through the run-time endpoints (CSRF on)."""
import pytest
import sqlalchemy as sa

from lms.courses.models import LessonProgress
from lms.extensions import db
from scorm_builder import hide_lms_ui, leaf, package_zip, rule, rules
from scorm_kit import CONTENT_ORIGIN, Runtime, import_fixture, import_zip
from test_scorm_sequencing import FORCED

FLOW_ONLY = '<imsss:controlMode choice="false" flow="true"/>'
DONE = {"cmi.completion_status": "completed", "cmi.success_status": "passed"}


@pytest.fixture
def app(app_factory):
    return app_factory(ELEARNING_CONTENT_ORIGIN=CONTENT_ORIGIN)  # CSRF on, as in every test app


@pytest.fixture
def learner(client, login_as):
    login_as("learner")
    return client


def runtime(learner, package_id, item=None) -> Runtime:
    return Runtime(learner, package_id, item)


def test_request_valid_follows_flow_first_last_forward_only_and_hide_lms_ui(app, learner):
    items = [leaf("a"), leaf("b"), leaf("c", extra=hide_lms_ui("exit", "suspendAll"))]
    _c, package_id, _l = import_zip(app, package_zip(items, FLOW_ONLY), "flow")
    player = runtime(learner, package_id)
    first = player.call("scorm_init", {"item": "a"})["nav"]
    assert (first["continue"], first["previous"], first["exit"], first["hidden"]) == ("true", "false", "true", [])
    assert first["choice"] == {"a": "false", "b": "false", "c": "false"}  # choice="false"
    middle = player.call("scorm_init", {"item": "b"})["nav"]
    assert (middle["continue"], middle["previous"]) == ("true", "true")
    last = player.call("scorm_init", {"item": "c"})["nav"]
    assert (last["continue"], last["previous"], last["hidden"]) == ("false", "true", ["exit", "suspendAll"])
    # The check the wrapper makes before it ends a SCO for a button.
    assert player.call("scorm_nav", {"nav": "continue", "from": "c"})["valid"] is False
    assert player.call("scorm_nav", {"nav": "suspendAll", "from": "c"})["valid"] is False  # hidden
    assert player.call("scorm_nav", {"nav": "previous", "from": "c"})["valid"] is True
    assert player.call("scorm_nav", {"nav": "{target=a}choice", "from": "c"})["valid"] is False
    assert player.call("scorm_nav", {"nav": "nonsense", "from": "c"})["valid"] is False

    _c, forward_id, _l = import_zip(app, package_zip([leaf("a"), leaf("b")], '<imsss:controlMode choice="true" '
                                                     'flow="true" forwardOnly="true"/>'), "forward")
    nav = runtime(learner, forward_id).call("scorm_init", {"item": "b"})["nav"]
    assert nav["previous"] == "false" and nav["choice"] == {"a": "true", "b": "true"}


def test_continue_is_unknown_while_the_sco_may_still_open_the_next_activity(app, learner):
    """Forced order: b is disabled until a is completed; while a runs nobody knows yet."""
    locked = rules(rule("pre", "completed", "disabled", "not"))
    items = [leaf("a", '<imsss:objectives><imsss:primaryObjective objectiveID="a"><imsss:mapInfo '
                  'targetObjectiveID="g-a" writeSatisfiedStatus="true"/></imsss:primaryObjective></imsss:objectives>'),
             leaf("b", locked.replace('condition="completed"', 'condition="satisfied" referencedObjective="g"')
                  + '<imsss:objectives><imsss:primaryObjective objectiveID="p"/><imsss:objective objectiveID="g">'
                  '<imsss:mapInfo targetObjectiveID="g-a" readSatisfiedStatus="true"/></imsss:objective>'
                  '</imsss:objectives>')]
    _c, package_id, _l = import_zip(app, package_zip(items, FLOW_ONLY), "forced")
    player = runtime(learner, package_id)
    assert player.call("scorm_init", {"item": "a"})["nav"]["continue"] == "unknown"
    player.call("scorm_commit", {"item": "a", "cmi": {"cmi.completion_status": "completed"}})
    assert player.call("scorm_nav", {"nav": "continue", "from": "a"})["valid"] is False  # not satisfied
    answer = player.call("scorm_commit", {"item": "a", "cmi": DONE})
    assert answer["nav"]["continue"] == "true"  # the commit's answer carries the fresh state
    assert player.call("scorm_nav", {"nav": "continue", "from": "a"})["valid"] is True
    assert player.call("scorm_init", {"nav": "continue", "from": "a"})["item"] == "b"


def test_a_toc_choice_runs_the_post_conditions_of_the_sco_it_leaves(app, learner):
    """A failed quiz retries itself on any way out, a choice from the TOC included; a passed one lets go."""
    items = [leaf("intro"), leaf("quiz", rules(rule("post", "satisfied", "retry", "not"))), leaf("summary")]
    _c, package_id, _l = import_zip(app, package_zip(items), "choice")
    player = runtime(learner, package_id, "quiz")
    assert player.call("scorm_init", {"item": "quiz"})["attempt"] == 1
    player.call("scorm_commit", {"item": "quiz", "cmi": {"cmi.success_status": "failed"}, "finished": True})
    assert player.call("scorm_nav", {"nav": "{target=summary}choice", "from": "quiz"})["valid"] is True
    again = player.call("scorm_init", {"nav": "{target=summary}choice", "from": "quiz"})
    assert (again["item"], again["attempt"]) == ("quiz", 2)  # retry replaced the choice
    player.call("scorm_commit", {"item": "quiz", "cmi": DONE, "finished": True})
    assert player.call("scorm_init", {"nav": "{target=summary}choice", "from": "quiz"})["item"] == "summary"


def test_scorm_12_buttons_follow_the_manifest_order(app, learner):
    _c, package_id, _l = import_fixture(app, "RuntimeMinimumCalls_SCORM12.zip", "golf12")  # several SCOs
    player = runtime(learner, package_id)
    first = player.call("scorm_init", {})
    assert first["nav"]["previous"] == "false" and first["nav"]["hidden"] == ["exit", "suspendAll"]
    assert first["nav"]["continue"] == "true"
    second = player.call("scorm_init", {"nav": "continue", "from": first["item"]})
    assert second["item"] != first["item"] and second["nav"]["previous"] == "true"
    assert player.call("scorm_init", {"nav": "previous", "from": second["item"]})["item"] == first["item"]
    assert player.call("scorm_init", {"nav": f"{{target={second['item']}}}choice", "from": first["item"]}
                       )["item"] == second["item"]


def test_continue_walks_the_forced_sequential_fixture_to_the_end(app, learner):
    _c, package_id, lesson_id = import_fixture(app, FORCED, "forced-golf")
    player = runtime(learner, package_id)
    answer = player.call("scorm_init", {})
    seen = []
    while True:
        seen.append(answer["item"])
        player.call("scorm_commit", {"item": answer["item"], "cmi": DONE, "finished": True})
        if player.call("scorm_nav", {"nav": "continue", "from": answer["item"]})["valid"] is not True:
            break
        answer = player.call("scorm_init", {"nav": "continue", "from": answer["item"]})
    assert len(seen) == 5 and len(set(seen)) == 5
    with app.app_context():
        assert db.session.scalar(sa.select(LessonProgress.completed_at).where(
            LessonProgress.lesson_id == lesson_id)) is not None
