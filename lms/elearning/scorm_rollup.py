"""SCORM 2004 rollup: how a cluster's (and the course's) measure, satisfaction and completion follow
from its children (SN book, Overall Rollup Process).

Which children count is decided per rollup action: ``tracked="false"`` children and children whose
``rollupObjectiveSatisfied``/``rollupProgressCompletion`` is false never count, and the child's
``adlseq:rollupConsiderations`` (``requiredForSatisfied``, ``requiredForNotSatisfied``,
``requiredForCompleted``, ``requiredForIncomplete``: always, ifAttempted, ifNotSkipped,
ifNotSuspended) can leave it out — an optional activity the learner never opened then does not keep
its parent unsatisfied.

``satisfiedByMeasure`` judges an activity's primary objective by its measure against
``minNormalizedMeasure`` — a SCO's or a cluster's (Objective Rollup Using Measure). While the
activity is active (an attempt in it is open, or the learner is inside it) this happens only if its
``adlseq:rollupConsiderations measureSatisfactionIfActive`` is true (the default); otherwise its
satisfaction is unknown until the attempt ends, so a half-done test does not pass on its first answers.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the sequencer imports this module
    from lms.elearning.scorm_sequencing import Activity, Sequencer

CONSIDERATION_OF = {"satisfied": "requiredForSatisfied", "notSatisfied": "requiredForNotSatisfied",
                    "completed": "requiredForCompleted", "incomplete": "requiredForIncomplete"}


def rollup(sequencer: "Sequencer", activity: "Activity") -> None:
    """Roll the subtree up, leaves first, and write the global objectives it maps."""
    for child in activity.children:
        rollup(sequencer, child)
    if activity.children:
        contributing = [c for c in activity.children if c.tracked]
        weights = [(c.measure, c.sequencing.get("rollup", {}).get("objective_measure_weight"))
                   for c in contributing]
        weighted = [(m, 1.0 if w is None else w) for m, w in weights if m is not None]
        total = sum(w for _m, w in weighted)
        activity.measure = sum(m * w for m, w in weighted) / total if total else None
        activity.attempted = any(c.attempted for c in contributing)
        activity.satisfied, activity.completed = rollup_status(sequencer, activity, contributing)
    satisfied_by_measure(activity)
    sequencer.write_globals(activity)


def satisfied_by_measure(activity: "Activity") -> None:
    """Objective Rollup Using Measure (SN RB.1.2.a), with measureSatisfactionIfActive for an active attempt."""
    primary = next((o for o in activity.sequencing.get("objectives", []) if o["primary"]), None)
    if not primary or not primary["satisfied_by_measure"]:
        return
    if_active = activity.sequencing.get("considerations", {}).get("measureSatisfactionIfActive", "true") == "true"
    if activity.active and not activity.suspended and not if_active:
        activity.satisfied = None
    elif activity.measure is not None:
        activity.satisfied = activity.measure >= (primary["min_measure"] or 1.0)


def included(sequencer: "Sequencer", child: "Activity", action: str) -> bool:
    """Whether the child takes part in rolling up ``action`` (Check Child for Rollup Subprocess)."""
    own = child.sequencing.get("rollup", {})
    flag = "objective_satisfied" if action in ("satisfied", "notSatisfied") else "progress_completion"
    if own.get(flag, True) is False:
        return False
    required = child.sequencing.get("considerations", {}).get(CONSIDERATION_OF[action], "always")
    if required == "ifAttempted":
        return child.attempted
    if required == "ifNotSkipped":
        return not sequencer.rule_fires(child, "preConditionRule", ("skip",))
    if required == "ifNotSuspended":
        return child.attempted and not child.suspended
    return True


def rollup_status(sequencer: "Sequencer", activity: "Activity", contributing: list["Activity"]) -> tuple:
    """(satisfied, completed) of a cluster: its rollup rules, else the default "all children" rules."""
    rules = activity.sequencing.get("rollup", {}).get("rules", [])
    children = {action: [c for c in contributing if included(sequencer, c, action)] for action in CONSIDERATION_OF}
    satisfied = completed = None
    for rule in rules:
        action = rule["action"]
        if action not in children or not rule_fires(sequencer, rule, children[action]):
            continue
        if action in ("satisfied", "notSatisfied") and satisfied is None:
            satisfied = action == "satisfied"
        if action in ("completed", "incomplete") and completed is None:
            completed = action == "completed"
    if not any(r["action"] in ("satisfied", "notSatisfied") for r in rules):
        if children["satisfied"] and all(c.satisfied is True for c in children["satisfied"]):
            satisfied = True
        elif (children["notSatisfied"] and any(c.satisfied is False for c in children["notSatisfied"])
              and all(c.attempted for c in children["notSatisfied"])):
            satisfied = False
    if not any(r["action"] in ("completed", "incomplete") for r in rules):
        if children["completed"] and all(c.completed is True for c in children["completed"]):
            completed = True
        elif any(c.attempted for c in children["incomplete"]):
            completed = False
    return satisfied, completed


def rule_fires(sequencer: "Sequencer", rule: dict, children: list["Activity"]) -> bool:
    """A rollup rule over the children that take part: its child activity set decides."""
    results = [sequencer.conditions_hold(rule, child) for child in children]
    if not results:
        return False
    hits = sum(results)
    child_set = rule["child_activity_set"]
    if child_set == "any":
        return hits > 0
    if child_set == "none":
        return hits == 0
    if child_set == "atLeastCount":
        return hits >= rule["minimum_count"]
    if child_set == "atLeastPercent":
        return hits / len(results) >= rule["minimum_percent"]
    return hits == len(results)
