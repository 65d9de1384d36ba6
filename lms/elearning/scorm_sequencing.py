"""SCORM 2004 sequencing, the part a portal-side player needs (IMS Simple Sequencing subset).

Implemented: control modes (choice, flow, forwardOnly), precondition rules (skip, disabled,
hiddenFromChoice, stopForwardTraversal) over activity and objective conditions, global objectives
(mapInfo read/write of satisfied status and measure), rollup (rollup rules with child activity
sets, the default "all children" rollup, measure rollup with weights, satisfied by measure),
attempt limits and random selection/reordering of children (fixed per learner).
Not implemented: post-condition and exit rules (retry, continue, previous, exitAll), time limits,
the ``adl.nav.request`` requests other than continue/previous/choice, and rollup considerations.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

TRUE_STATUSES = {"passed": True, "failed": False}


@dataclass
class Activity:
    identifier: str
    title: str
    sequencing: dict
    launch: str | None
    children: list["Activity"] = field(default_factory=list)
    parent: "Activity | None" = None
    attempted: bool = False
    completed: bool | None = None
    satisfied: bool | None = None
    measure: float | None = None
    attempts: int = 0
    objectives: dict = field(default_factory=dict)   # objective id -> (satisfied, measure)

    def control(self, key: str, default: bool) -> bool:
        return self.sequencing.get("control", {}).get(key, default)

    @property
    def tracked(self) -> bool:
        return self.sequencing.get("delivery", {}).get("tracked", "true") != "false"


class Sequencer:
    """The activity tree with the learner's state, and what it allows."""

    def __init__(self, root: Activity, seed: int = 0):
        self.root = root
        self.globals: dict[str, tuple] = {}
        self.seed = seed

    @classmethod
    def from_manifest(cls, manifest: dict, states: dict, seed: int = 0) -> "Sequencer":
        """Build from ``ScormPackage.to_json()``; ``states`` maps item identifier -> ScormAttempt."""
        root = Activity("__root__", manifest.get("title", ""), manifest.get("root_sequencing") or {}, None)
        by_id = {}
        for item in manifest["items"]:
            activity = Activity(item["identifier"], item["title"], item.get("sequencing") or {}, item.get("launch"))
            parent = by_id.get(item.get("parent")) or root
            activity.parent = parent
            parent.children.append(activity)
            by_id[activity.identifier] = activity
            attempt = states.get(activity.identifier)
            if attempt is not None and activity.launch:
                activity.attempted = True
                activity.attempts = attempt.number
                activity.completed = {"completed": True, "incomplete": False}.get(attempt.completion_status)
                activity.satisfied = TRUE_STATUSES.get(attempt.success_status)
                activity.measure = attempt.score_scaled
                activity.objectives = objectives_of(attempt.cmi or {})
                if activity.sequencing.get("delivery", {}).get("completionSetByContent") != "true" \
                        and activity.completed is None:
                    activity.completed = True  # the LMS sets completion for content that does not (SCORM SN 4.2)
        sequencer = cls(root, seed)
        sequencer.select_children(root)
        sequencer.rollup(root)
        return sequencer

    # --- random selection -------------------------------------------------------------------------
    def select_children(self, activity: Activity) -> None:
        randomization = activity.sequencing.get("randomization")
        if randomization and activity.children:
            rng = random.Random(f"{self.seed}:{activity.identifier}")
            count = randomization.get("select_count") or 0
            chosen = activity.children
            if 0 < count < len(chosen):
                chosen = rng.sample(chosen, count)
                chosen.sort(key=activity.children.index)
            if randomization.get("reorder"):
                chosen = rng.sample(chosen, len(chosen))
            activity.children = chosen
        for child in activity.children:
            self.select_children(child)

    # --- objectives -------------------------------------------------------------------------------
    def objective(self, activity: Activity, objective_id: str) -> tuple:
        """(satisfied, measure) of one of the activity's objectives, read through global maps."""
        for spec in activity.sequencing.get("objectives", []):
            if spec["id"] != objective_id:
                continue
            own = (activity.satisfied, activity.measure) if spec["primary"] else \
                activity.objectives.get(objective_id, (None, None))
            for mapping in spec["maps"]:
                target = self.globals.get(mapping.get("targetObjectiveID"))
                if target and mapping.get("readSatisfiedStatus", "true") == "true" and own[0] is None:
                    own = (target[0], own[1])
                if target and mapping.get("readNormalizedMeasure", "true") == "true" and own[1] is None:
                    own = (own[0], target[1])
            return own
        return activity.satisfied, activity.measure

    def write_globals(self, activity: Activity) -> None:
        for spec in activity.sequencing.get("objectives", []):
            own = (activity.satisfied, activity.measure) if spec["primary"] else \
                activity.objectives.get(spec["id"], (None, None))
            for mapping in spec["maps"]:
                if mapping.get("writeSatisfiedStatus") == "true" and own[0] is not None:
                    target = mapping["targetObjectiveID"]
                    self.globals[target] = (own[0], self.globals.get(target, (None, None))[1])
                if mapping.get("writeNormalizedMeasure") == "true" and own[1] is not None:
                    target = mapping["targetObjectiveID"]
                    self.globals[target] = (self.globals.get(target, (None, None))[0], own[1])

    # --- rollup -----------------------------------------------------------------------------------
    def rollup(self, activity: Activity) -> None:
        for child in activity.children:
            self.rollup(child)
        if activity.children:
            contributing = [c for c in activity.children if c.tracked]
            rollup = activity.sequencing.get("rollup", {})
            weights = [(c.measure, c.sequencing.get("rollup", {}).get("objective_measure_weight"))
                       for c in contributing]
            weighted = [(m, 1.0 if w is None else w) for m, w in weights if m is not None]
            total = sum(w for _m, w in weighted)
            activity.measure = sum(m * w for m, w in weighted) / total if total else None
            activity.attempted = any(c.attempted for c in contributing)
            activity.satisfied, activity.completed = self.apply_rollup_rules(activity, contributing, rollup)
            primary = next((o for o in activity.sequencing.get("objectives", []) if o["primary"]), None)
            if primary and primary["satisfied_by_measure"] and activity.measure is not None:
                activity.satisfied = activity.measure >= (primary["min_measure"] or 1.0)
        self.write_globals(activity)

    def apply_rollup_rules(self, activity: Activity, children: list[Activity], rollup: dict) -> tuple:
        rules = rollup.get("rules", [])
        satisfied = completed = None
        for rule in rules:
            if self.rollup_rule_fires(rule, children):
                action = rule["action"]
                if action in ("satisfied", "notSatisfied") and satisfied is None:
                    satisfied = action == "satisfied"
                if action in ("completed", "incomplete") and completed is None:
                    completed = action == "completed"
        if not any(r["action"] in ("satisfied", "notSatisfied") for r in rules) and children:
            if all(c.satisfied is True for c in children):
                satisfied = True
            elif any(c.satisfied is False for c in children) and all(c.attempted for c in children):
                satisfied = False
        if not any(r["action"] in ("completed", "incomplete") for r in rules) and children:
            if all(c.completed is True for c in children):
                completed = True
            elif any(c.attempted for c in children):
                completed = False
        return satisfied, completed

    def rollup_rule_fires(self, rule: dict, children: list[Activity]) -> bool:
        results = [self.conditions_hold(rule, child) for child in children]
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

    # --- conditions -------------------------------------------------------------------------------
    def condition(self, activity: Activity, condition: dict) -> bool:
        name = condition["condition"]
        satisfied, measure = self.objective(activity, condition["objective"]) if condition["objective"] else \
            (activity.satisfied, activity.measure)
        threshold = condition["threshold"] or 0.0
        value = {"satisfied": satisfied is True, "objectiveStatusKnown": satisfied is not None,
                 "objectiveMeasureKnown": measure is not None,
                 "objectiveMeasureGreaterThan": measure is not None and measure > threshold,
                 "objectiveMeasureLessThan": measure is not None and measure < threshold,
                 "completed": activity.completed is True, "activityProgressKnown": activity.completed is not None,
                 "attempted": activity.attempted, "always": True,
                 "attemptLimitExceeded": bool(activity.sequencing.get("attempt_limit"))
                 and activity.attempts >= activity.sequencing["attempt_limit"]}.get(name, False)
        return not value if condition["operator"] == "not" else value

    def conditions_hold(self, rule: dict, activity: Activity) -> bool:
        results = [self.condition(activity, c) for c in rule["conditions"]]
        if not results:
            return True
        return any(results) if rule["combination"] == "any" else all(results)

    def precondition(self, activity: Activity, actions: tuple[str, ...]) -> bool:
        """Whether a precondition rule with one of ``actions`` fires on the activity or an ancestor."""
        node = activity
        while node is not None:
            for rule in node.sequencing.get("preConditionRule", []):
                if rule["action"] in actions and self.conditions_hold(rule, node):
                    return True
            node = node.parent
        return False

    # --- navigation -------------------------------------------------------------------------------
    def leaves(self) -> list[Activity]:
        found = []

        def walk(node):
            for child in node.children:
                if child.launch:
                    found.append(child)
                walk(child)
        walk(self.root)
        return found

    def table_of_contents(self) -> list[dict]:
        """Every activity in order with whether the learner may choose it now."""
        rows = []

        def walk(node, depth):
            for child in node.children:
                hidden = self.precondition(child, ("hiddenFromChoice",))
                disabled = self.precondition(child, ("disabled",)) or (
                    child.sequencing.get("attempt_limit") and child.attempts >= child.sequencing["attempt_limit"])
                rows.append({"identifier": child.identifier, "title": child.title, "depth": depth,
                             "launchable": bool(child.launch), "hidden": hidden, "disabled": bool(disabled),
                             "choosable": bool(child.launch) and not hidden and not disabled
                             and node.control("choice", True),
                             "completed": child.completed, "satisfied": child.satisfied})
                walk(child, depth + 1)
        walk(self.root, 0)
        return rows

    def deliverable(self, activity: Activity) -> bool:
        return not self.precondition(activity, ("disabled", "skip"))

    def next_after(self, identifier: str | None) -> str | None:
        """The activity a "continue" request delivers (flow), or None at the end or where flow stops."""
        leaves = self.leaves()
        index = next((i for i, a in enumerate(leaves) if a.identifier == identifier), -1)
        if index >= 0 and self.precondition(leaves[index], ("stopForwardTraversal",)):
            return None
        for activity in leaves[index + 1:]:
            if activity.parent is not None and not activity.parent.control("flow", True):
                return None
            if self.deliverable(activity):
                return activity.identifier
        return None

    def previous_before(self, identifier: str) -> str | None:
        leaves = self.leaves()
        index = next((i for i, a in enumerate(leaves) if a.identifier == identifier), 0)
        for activity in reversed(leaves[:index]):
            if activity.parent is not None and activity.parent.control("forwardOnly", False):
                return None
            if self.deliverable(activity):
                return activity.identifier
        return None

    def first(self) -> str | None:
        return self.next_after(None)

    def root_status(self) -> dict:
        return {"completed": self.root.completed, "satisfied": self.root.satisfied, "measure": self.root.measure}


def objectives_of(cmi: dict) -> dict:
    """``cmi.objectives.n.*`` as objective id -> (satisfied, scaled measure)."""
    found = {}
    index = 0
    while f"cmi.objectives.{index}.id" in cmi:
        prefix = f"cmi.objectives.{index}."
        status = cmi.get(prefix + "success_status") or cmi.get(prefix + "status", "")
        measure = cmi.get(prefix + "score.scaled")
        try:
            measure = float(measure) if measure not in (None, "") else None
        except ValueError:
            measure = None
        found[cmi[prefix + "id"]] = (TRUE_STATUSES.get(status), measure)
        index += 1
    return found
