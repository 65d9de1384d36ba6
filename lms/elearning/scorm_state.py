"""A learner's SCORM 2004 sequencing state in a package, and the shared data stores (services: never commit).

Navigation outcomes (``scorm_navigation``) are stored here: a retried cluster gives each of its SCOs
a fresh attempt on the next delivery, exitAll/abandonAll close every open attempt, suspendAll keeps
the SCO's attempt open and remembers it for the next launch (resumeAll), abandon leaves the SCO's
attempt out of rollup. ``adl.data`` stores live per learner and package, keyed by targetID.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.elearning.models import ElearningPackage
from lms.elearning.scorm_models import ScormLearnerState
from lms.elearning.scorm_choice import choice_refusal
from lms.elearning.scorm_navigation import Outcome
from lms.elearning.scorm_sequencing import Sequencer
from lms.elearning.scorm_tracking import evaluate_lesson, package_states, settings_of
from lms.extensions import db
from lms.timeutil import utcnow

MAX_STORE_CHARS = 64000  # SCORM 2004 4th edition: a shared data store holds 64000 characters


def learner_state(user_id: int, package_id: int, create: bool = False) -> ScormLearnerState | None:
    row = db.session.scalar(sa.select(ScormLearnerState).where(ScormLearnerState.user_id == user_id,
                                                               ScormLearnerState.package_id == package_id))
    if row is None and create:
        row = ScormLearnerState(user_id=user_id, package_id=package_id, state={}, shared_data={})
        db.session.add(row)
        db.session.flush()
    return row


def save(row: ScormLearnerState, state: dict) -> None:
    row.state = state  # a new dict, so the JSON column is marked changed
    row.updated_at = utcnow()


def sequencer_for(user_id: int, package: ElearningPackage) -> Sequencer:
    row = learner_state(user_id, package.id)
    return Sequencer.from_manifest(package.manifest, package_states(user_id, package.id), seed=user_id,
                                   learner=row.state if row else None)


def apply_outcome(user_id: int, package: ElearningPackage, outcome: Outcome) -> None:
    """Store what a navigation request did to the learner's attempts and sequencing state."""
    row = learner_state(user_id, package.id, create=True)
    state = dict(row.state or {})
    states = package_states(user_id, package.id)
    sequencer = sequencer_for(user_id, package)
    now = utcnow()
    if outcome.retry:
        node = sequencer.find(outcome.retry)
        if node is not None:
            start_new_attempt(sequencer, node, state, states, now)
    for identifier in outcome.abandon:
        attempt = states.get(identifier)
        if attempt is not None:
            attempt.finished_at = attempt.finished_at or now
            state["stale"] = {**state.get("stale", {}), identifier: attempt.number}
    if outcome.suspend and states.get(outcome.suspend) is not None:
        states[outcome.suspend].finished_at = None  # suspendAll keeps the attempt open whatever cmi.exit says
        state["suspended"] = outcome.suspend
        state.pop("current", None)  # suspended activities are not active until resumed
    if outcome.end_course:
        for attempt in states.values():
            attempt.finished_at = attempt.finished_at or now
        state.pop("suspended", None)
        state.pop("current", None)
        state["ended"] = True
    save(row, state)
    db.session.flush()
    if outcome.end_course and not outcome.abandon:
        lesson_id = lesson_of(package)
        evaluate_lesson(user_id, package.id, lesson_id)


def start_new_attempt(sequencer: Sequencer, node, state: dict, states: dict, now) -> None:
    """A new attempt on ``node``: its SCOs' attempts so far stop counting for status (not for limits).

    Every cluster in it starts a new attempt too, so one that selects or reorders its children "on
    each new attempt" draws again (a remediation loop gets a new set of questions); SCOs random
    selection left out this time are covered as well, so an old draw's attempt never counts again.
    """
    stale = dict(state.get("stale", {}))
    counts = dict(state.get("attempts", {}))
    for activity in [node, *sequencer.activities(node, every=True)]:
        attempt = states.get(activity.identifier) if activity.launch else None
        if attempt is not None:
            attempt.finished_at = attempt.finished_at or now
            stale[activity.identifier] = attempt.number
        if not activity.launch or activity.every_child:
            counts[activity.identifier] = max(activity.attempts, 1) + 1
    state["stale"] = stale
    state["attempts"] = counts


def lesson_of(package: ElearningPackage) -> int | None:
    from lms.elearning.models import ElearningUnit

    return db.session.scalar(sa.select(ElearningUnit.lesson_id).where(ElearningUnit.package_id == package.id,
                                                                     ElearningUnit.lesson_id.is_not(None)).limit(1))


def start_item(user_id: int, package: ElearningPackage) -> str | None:
    """The SCO a launch without a chosen item opens: the suspended one (resumeAll), else the first.

    After exitAll the next launch starts a new attempt on the course, unless the author keeps
    finished work for review and the course is completed.
    """
    row = learner_state(user_id, package.id)
    state = dict(row.state or {}) if row else {}
    suspended = state.pop("suspended", None)
    if row is not None and state.pop("ended", False):
        state.pop("current", None)
        sequencer = sequencer_for(user_id, package)
        review = settings_of(package).get("attempts") == "review" and sequencer.root.completed is True
        if not review:
            start_new_attempt(sequencer, sequencer.root, state, package_states(user_id, package.id), utcnow())
    if row is not None and state != (row.state or {}):
        save(row, state)
        db.session.flush()
    sequencer = sequencer_for(user_id, package)
    if suspended and sequencer.find(suspended) is not None:
        return suspended
    first = sequencer.first()
    current = sequencer.find(sequencer.current) if sequencer.current else None
    if first and current is not None and sequencer.deliverable(current) and choice_refusal(sequencer, first):
        return current.identifier  # inside a cluster the learner may not leave (choiceExit): back where they were
    return first


def remember_current(user_id: int, package: ElearningPackage, identifier: str | None) -> None:
    """The SCO just delivered becomes the learner's current activity (choiceExit, constrainChoice,
    measureSatisfactionIfActive); None when flow went past the end and every activity was left."""
    row = learner_state(user_id, package.id, create=identifier is not None)
    state = dict(row.state or {}) if row is not None else {}
    if row is not None and state.get("current") != identifier:
        if identifier is None:
            state.pop("current", None)
        else:
            state["current"] = identifier
        save(row, state)


def data_maps(package: ElearningPackage, identifier: str) -> list[dict]:
    item = next((i for i in (package.manifest or {}).get("items", []) if i["identifier"] == identifier), None)
    return (item or {}).get("data_maps") or []


def shared_data_values(user_id: int, package: ElearningPackage, identifier: str) -> dict[str, str]:
    """``adl.data.n.id`` for each store the SCO maps, and ``.store`` where it may read and a value exists."""
    row = learner_state(user_id, package.id)
    stores = (row.shared_data or {}) if row else {}
    values = {}
    for index, mapping in enumerate(data_maps(package, identifier)):
        values[f"adl.data.{index}.id"] = mapping["target"]
        if mapping["read"] and mapping["target"] in stores:
            values[f"adl.data.{index}.store"] = stores[mapping["target"]]
    return values


def write_shared_data(user_id: int, package: ElearningPackage, identifier: str, cmi: dict[str, str]) -> None:
    """Keep the stores the SCO committed where its map allows writing (others are ignored, as the RTE refuses them).

    An empty store is not written: scorm-again commits a store the SCO never set as "", which would
    wipe what another SCO wrote.
    """
    writable = {m["target"] for m in data_maps(package, identifier) if m["write"]}
    written = {}
    index = 0
    while f"adl.data.{index}.id" in cmi:
        target = cmi[f"adl.data.{index}.id"]
        store = cmi.get(f"adl.data.{index}.store")
        if target in writable and store:
            written[target] = store[:MAX_STORE_CHARS]
        index += 1
    if written:
        row = learner_state(user_id, package.id, create=True)
        row.shared_data = {**(row.shared_data or {}), **written}
        row.updated_at = utcnow()
