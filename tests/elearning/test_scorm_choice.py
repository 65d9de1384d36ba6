"""SCORM 2004 sequencing details on packages built in the test, through the run-time endpoints the
player calls (real database, CSRF on): measureSatisfactionIfActive, choiceExit, constrained choice
(constrainChoice, preventActivation), selection timing and the experienced duration limit."""
import io
import zipfile

import pytest
import sqlalchemy as sa

from lms.auth.models import User
from lms.elearning.models import ElearningPackage
from lms.elearning.scorm_choice import is_choice_allowed
from lms.elearning.scorm_manifest import parse_manifest
from lms.elearning.scorm_state import sequencer_for
from lms.extensions import db
from lms.testing import DEMO_EMAILS
from scorm_builder import cluster, leaf, package_zip, rule, rules
from scorm_kit import CONTENT_ORIGIN, Runtime, import_zip

BY_MEASURE = ('<imsss:objectives><imsss:primaryObjective objectiveID="test" satisfiedByMeasure="true">'
              '<imsss:minNormalizedMeasure>0.6</imsss:minNormalizedMeasure></imsss:primaryObjective>'
              '</imsss:objectives>')


@pytest.fixture
def app(app_factory):
    return app_factory(ELEARNING_CONTENT_ORIGIN=CONTENT_ORIGIN)


@pytest.fixture
def english(client):
    """The learner's browser asks for English (the portal speaks Russian by default)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def sequencer(app, package_id: int, role: str = "learner"):
    """The learner's sequencer as the server builds it from the stored attempts and state."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS[role]))
        return sequencer_for(user_id, db.session.get(ElearningPackage, package_id))


def commit(runtime, item, finished=True, **cmi):
    values = {"cmi.completion_status": "completed", "cmi.exit": "", **{k.replace("__", "."): v for k, v in cmi.items()}}
    return runtime.call("scorm_commit", {"item": item, "finished": finished, "cmi": values})


def contents(client, package_id: int) -> str:
    return client.get(f"/elearning/scorm/{package_id}/play").get_data(as_text=True)


@pytest.mark.parametrize("if_active", ["false", "true"])
def test_measure_satisfaction_if_active(app, client, demo, login_as, if_active):
    considerations = f'<adlseq:rollupConsiderations measureSatisfactionIfActive="{if_active}"/>'
    data = package_zip([cluster("test", [leaf("q1"), leaf("q2")], BY_MEASURE + considerations), leaf("after")])
    _course, package_id, _lesson = import_zip(app, data, f"measure-{if_active}")
    stored = sequencer(app, package_id).find("test").sequencing
    assert stored["considerations"]["measureSatisfactionIfActive"] == if_active
    login_as("learner")
    runtime = Runtime(client, package_id)
    assert runtime.call("scorm_init", {})["item"] == "q1"
    commit(runtime, "q1", cmi__score__scaled="0.9")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "q1"})["item"] == "q2"
    # The test is active (q2 is open): its measure so far passes only if the author allows judging it now.
    test = sequencer(app, package_id).find("test")
    assert test.active and abs(test.measure - 0.9) < 1e-9
    assert test.satisfied is (True if if_active == "true" else None)
    commit(runtime, "q2", cmi__score__scaled="0.4")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "q2"})["item"] == "after"
    test = sequencer(app, package_id).find("test")
    assert not test.active and abs(test.measure - 0.65) < 1e-9 and test.satisfied is True


def test_choice_exit_false_keeps_the_learner_in_the_cluster(app, english, demo, login_as):
    client = english
    data = package_zip([leaf("intro"), cluster("exam", [leaf("q1"), leaf("q2")],
                                               '<imsss:controlMode choice="true" choiceExit="false" flow="true"/>'),
                        leaf("notes")])
    _course, package_id, _lesson = import_zip(app, data, "choice-exit")
    assert sequencer(app, package_id).find("exam").control("choiceExit", True) is False
    login_as("learner")
    runtime = Runtime(client, package_id)
    runtime.call("scorm_init", {"item": "intro"})
    commit(runtime, "intro")
    assert runtime.call("scorm_init", {"item": "q1"})["item"] == "q1"  # outside: choosing into it is fine
    page = contents(client, package_id)
    assert "it cannot be left by choosing another activity" in page and 'class="scorm-refused"' in page
    assert 'item=notes"' not in page and 'item=q2"' in page  # inside the exam choice stays open
    refused = runtime.call("scorm_init", {"nav": "{target=notes}choice", "from": "q1"})
    assert refused["error"] == "refused" and refused["item"] == "notes" and "cannot be left" in refused["message"]
    assert runtime.call("scorm_init", {"item": "intro"})["error"] == "refused"  # a TOC click the same
    assert not is_choice_allowed(sequencer(app, package_id), "notes")
    # Opening the course again (a reload) returns to the exam, not to the refused first activity.
    assert Runtime(client, package_id).launch["url"].endswith("item=q1")
    # Flow leaves the exam; then choice is free again.
    commit(runtime, "q1")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "q1"})["item"] == "q2"
    commit(runtime, "q2")
    assert runtime.call("scorm_init", {"nav": "continue", "from": "q2"})["item"] == "notes"
    assert runtime.call("scorm_init", {"nav": "{target=intro}choice", "from": "notes"})["item"] == "intro"
    assert 'item=notes"' in contents(client, package_id)


def test_choice_exit_message_is_russian_by_default(app, client, demo, login_as):
    data = package_zip([cluster("exam", [leaf("q1")], '<imsss:controlMode choiceExit="false"/>'), leaf("notes")])
    _course, package_id, _lesson = import_zip(app, data, "choice-exit-ru")
    login_as("learner")
    runtime = Runtime(client, package_id)
    runtime.call("scorm_init", {"item": "q1"})
    answer = runtime.call("scorm_init", {"nav": "{target=notes}choice", "from": "q1"})
    assert answer["error"] == "refused" and "Сначала" in answer["message"]


def test_constrain_choice_allows_only_the_neighbours(app, english, demo, login_as):
    client = english
    constrained = '<adlseq:constrainedChoiceConsiderations constrainChoice="true"/>'
    data = package_zip([leaf("a"), leaf("b", constrained), leaf("c"), leaf("d")])
    _course, package_id, _lesson = import_zip(app, data, "constrain")
    login_as("learner")
    runtime = Runtime(client, package_id)
    assert runtime.call("scorm_init", {"item": "b"})["item"] == "b"
    rows = {r["identifier"]: r for r in sequencer(app, package_id).table_of_contents()}
    assert [rows[i]["choosable"] for i in "abcd"] == [True, True, True, False]
    assert rows["d"]["refusal"] == "constrained"
    answer = runtime.call("scorm_init", {"nav": "{target=d}choice", "from": "b"})
    assert answer["error"] == "refused" and "just before or just after" in answer["message"]
    assert runtime.call("scorm_init", {"nav": "{target=c}choice", "from": "b"})["item"] == "c"
    # c has no constraint of its own: from there every activity can be chosen.
    assert runtime.call("scorm_init", {"nav": "{target=a}choice", "from": "c"})["item"] == "a"


def test_prevent_activation_enters_a_cluster_only_at_its_first_activity(app, english, demo, login_as):
    client = english
    guarded = '<adlseq:constrainedChoiceConsiderations preventActivation="true"/>'
    data = package_zip([leaf("intro"), cluster("module", [leaf("m1"), leaf("m2"), leaf("m3")], guarded)])
    _course, package_id, _lesson = import_zip(app, data, "prevent")
    login_as("learner")
    page = contents(client, package_id)
    assert 'item=m1"' in page and 'item=m3"' not in page and "only be started from its first activity" in page
    runtime = Runtime(client, package_id)
    runtime.call("scorm_init", {"item": "intro"})
    commit(runtime, "intro")
    refused = runtime.call("scorm_init", {"nav": "{target=m3}choice", "from": "intro"})
    assert refused["error"] == "refused" and refused["item"] == "m3"
    assert runtime.call("scorm_init", {"nav": "{target=m1}choice", "from": "intro"})["item"] == "m1"
    # Once the module is active, any of its activities can be chosen.
    commit(runtime, "m1")
    assert runtime.call("scorm_init", {"nav": "{target=m3}choice", "from": "m1"})["item"] == "m3"


def parsed(app, data: bytes) -> dict:
    archive = zipfile.ZipFile(io.BytesIO(data))
    with app.test_request_context():
        return parse_manifest(archive.read("imsmanifest.xml"), set(archive.namelist())).to_json()


def pool(timing: str) -> list[str]:
    """A random test: 2 of 6 questions, then a check that retries the pool while it is failed."""
    selection = (f'<imsss:randomizationControls selectCount="2" selectionTiming="{timing}" '
                 f'randomizationTiming="{timing}" reorderChildren="true"/>')
    questions = [leaf(f"q{n}", rules(rule("post", "satisfied", "exitParent", "not"))) for n in range(6)]
    return [cluster("pool", questions, '<imsss:controlMode choice="true" flow="true"/>' + selection
                    + rules(rule("post", "satisfied", "retry", "not")))]


def test_selection_timing_on_each_new_attempt_draws_again_on_retry(app, client, demo, login_as):
    manifest = parsed(app, package_zip(pool("onEachNewAttempt")))
    randomization = manifest["items"][0]["sequencing"]["randomization"]
    assert (randomization["timing"], randomization["randomization_timing"]) == ("onEachNewAttempt",) * 2
    _course, package_id, _lesson = import_zip(app, package_zip(pool("onEachNewAttempt")), "draw")
    login_as("learner")
    runtime = Runtime(client, package_id)
    draws = []
    item = runtime.call("scorm_init", {})["item"]
    for _retry in range(4):
        draw = [a.identifier for a in sequencer(app, package_id).leaves()]
        assert len(draw) == 2 and item == draw[0]
        draws.append(draw)
        commit(runtime, item, cmi__success_status="failed")
        answer = runtime.call("scorm_init", {"nav": "continue", "from": item})
        assert answer["attempt"] >= 1 and "cmi.success_status" not in answer["cmi"]  # a fresh attempt
        item = answer["item"]
    assert len({tuple(d) for d in draws}) > 1  # the remediation gets other questions
    # A question an earlier draw answered starts empty when a later draw selects it again.
    answered = {q for draw in draws for q in draw}
    again = [a for a in sequencer(app, package_id).leaves() if a.identifier != item and a.identifier in answered]
    assert all(a.attempted is False for a in again)


@pytest.mark.parametrize("timing", ["once", "never"])
def test_selection_timing_once_keeps_the_draw_and_never_selects_nothing(app, client, demo, login_as, timing):
    _course, package_id, _lesson = import_zip(app, package_zip(pool(timing)), f"draw-{timing}")
    login_as("learner")
    runtime = Runtime(client, package_id)
    item = runtime.call("scorm_init", {})["item"]
    first = [a.identifier for a in sequencer(app, package_id).leaves()]
    assert len(first) == (2 if timing == "once" else 6)
    assert timing == "once" or first == [f"q{n}" for n in range(6)]  # "never": no selection, no reordering
    commit(runtime, item, cmi__success_status="failed")
    runtime.call("scorm_init", {"nav": "continue", "from": item})
    assert [a.identifier for a in sequencer(app, package_id).leaves()] == first


def test_attempt_experienced_duration_limit(app, client, demo, login_as):
    limit = '<imsss:limitConditions attemptExperiencedDurationLimit="PT10M"/>'
    data = package_zip([leaf("intro"), leaf("quiz", limit)])
    assert parsed(app, data)["items"][1]["sequencing"]["attempt_experienced_limit"] == "PT10M"
    _course, package_id, _lesson = import_zip(app, data, "experienced")
    login_as("learner")
    runtime = Runtime(client, package_id)
    runtime.call("scorm_init", {"item": "quiz"})
    commit(runtime, "quiz", finished=False, cmi__completion_status="incomplete", cmi__session_time="PT11M")
    assert sequencer(app, package_id).find("quiz").seconds >= 600
    assert runtime.call("scorm_init", {"item": "quiz"}) == {"error": "disabled", "item": "quiz"}
    assert 'class="scorm-disabled"' in contents(client, package_id)
