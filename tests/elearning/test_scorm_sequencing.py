"""SCORM 2004 sequencing on the forced-sequential fixture and on hand-written trees."""
from types import SimpleNamespace

from lms.elearning.scorm_sequencing import Sequencer
from tests.elearning.test_scorm_manifest import read_fixture

FORCED = "SequencingForcedSequential_SCORM20043rdEdition.zip"


def attempt(completion="completed", success="passed", score=None, number=1, cmi=None):
    return SimpleNamespace(completion_status=completion, success_status=success, score_scaled=score,
                           number=number, cmi=cmi or {}, finished_at="finished", total_seconds=0.0)


def test_forced_sequential_order_unlocks_one_activity_at_a_time(app):
    manifest = read_fixture(app, FORCED).to_json()
    ids = [item["identifier"] for item in manifest["items"]]
    contents = Sequencer.from_manifest(manifest, {}).table_of_contents()
    assert [row["disabled"] for row in contents] == [False, True, True, True, True]
    sequencer = Sequencer.from_manifest(manifest, {ids[0]: attempt()})
    assert [row["disabled"] for row in sequencer.table_of_contents()] == [False, False, True, True, True]
    assert sequencer.next_after(ids[0]) == ids[1]
    assert Sequencer.from_manifest(manifest, {ids[0]: attempt()}).root_status()["completed"] is False


def test_the_course_is_completed_and_satisfied_only_when_every_activity_is(app):
    manifest = read_fixture(app, FORCED).to_json()
    ids = [item["identifier"] for item in manifest["items"]]
    almost = {identifier: attempt() for identifier in ids[:-1]}
    assert Sequencer.from_manifest(manifest, almost).root_status()["satisfied"] is not True
    done = {identifier: attempt() for identifier in ids}
    status = Sequencer.from_manifest(manifest, done).root_status()
    assert status["completed"] is True and status["satisfied"] is True


def item(identifier, parent=None, launch="x.html", sequencing=None):
    return {"identifier": identifier, "title": identifier, "parent": parent, "launch": launch,
            "sequencing": sequencing or {}}


def rule(action, condition, operator="noOp", child_set="all", objective=""):
    return {"combination": "all", "conditions": [{"condition": condition, "operator": operator,
                                                  "objective": objective, "threshold": None}],
            "action": action, "child_activity_set": child_set, "minimum_count": 0, "minimum_percent": 0.0}


def test_pretest_satisfied_skips_the_content_and_rollup_rule_satisfies_the_course():
    manifest = {"title": "t", "root_sequencing": {
        "control": {"flow": True, "choice": False},
        "rollup": {"rules": [rule("satisfied", "satisfied", child_set="any")]}},
        "items": [item("pretest"), item("content", sequencing={"preConditionRule": [
            {**rule("skip", "satisfied", objective="pre"), "conditions": [
                {"condition": "satisfied", "operator": "noOp", "objective": "pre", "threshold": None}]}],
            "objectives": [{"id": "pre", "primary": False, "satisfied_by_measure": False, "min_measure": None,
                            "maps": [{"targetObjectiveID": "g-pre", "readSatisfiedStatus": "true"}]}]}),
            item("posttest")]}
    manifest["items"][0]["sequencing"] = {"objectives": [{"id": "p", "primary": True, "satisfied_by_measure": False,
                                                          "min_measure": None, "maps": [
                                                              {"targetObjectiveID": "g-pre",
                                                               "writeSatisfiedStatus": "true"}]}]}
    passed = Sequencer.from_manifest(manifest, {"pretest": attempt()})
    assert passed.next_after("pretest") == "posttest"
    assert passed.root_status()["satisfied"] is True
    assert not any(row["choosable"] for row in passed.table_of_contents())  # choice="false"
    failed = Sequencer.from_manifest(manifest, {"pretest": attempt(success="failed")})
    assert failed.next_after("pretest") == "content"


def test_random_selection_is_fixed_per_learner_and_picks_the_count():
    manifest = {"title": "t", "root_sequencing": {}, "items": [
        item("pool", launch=None, sequencing={"randomization": {"select_count": 2, "reorder": False,
                                                                 "timing": "onEachNewAttempt"}}),
        *[item(f"q{n}", parent="pool") for n in range(5)]]}
    first = [a.identifier for a in Sequencer.from_manifest(manifest, {}, seed=7).leaves()]
    again = [a.identifier for a in Sequencer.from_manifest(manifest, {}, seed=7).leaves()]
    assert len(first) == 2 and first == again


def test_forward_only_has_no_previous_and_measure_rollup_uses_weights():
    manifest = {"title": "t", "root_sequencing": {"control": {"forwardOnly": True, "flow": True},
                                                  "objectives": [{"id": "o", "primary": True,
                                                                  "satisfied_by_measure": True, "min_measure": 0.6,
                                                                  "maps": []}]},
                "items": [item("a"), item("b")]}
    sequencer = Sequencer.from_manifest(manifest, {"a": attempt(score=0.4), "b": attempt(score=1.0)})
    assert sequencer.previous_before("b") is None
    assert abs(sequencer.root_status()["measure"] - 0.7) < 1e-9
    assert sequencer.root_status()["satisfied"] is True
