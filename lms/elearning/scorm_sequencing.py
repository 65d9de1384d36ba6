"""SCORM 2004 sequencing, the part a portal-side player needs (IMS Simple Sequencing subset).

Here: the activity tree with the learner's state, control modes (choice, flow, forwardOnly),
precondition rules (skip, disabled, hiddenFromChoice, stopForwardTraversal) over activity and
objective conditions, global objectives (mapInfo read/write of satisfied status and measure), limit
conditions (attemptLimit, attemptAbsoluteDurationLimit, attemptExperiencedDurationLimit) and random
selection/reordering of children (selectionTiming/randomizationTiming: never, once per learner, or a
new draw on each new attempt of the cluster). Which choices the control modes allow is in
``scorm_choice``. Rollup is in ``scorm_rollup``; post-condition and exit action rules and the
navigation requests in ``scorm_navigation``; the learner's stored state in ``scorm_state``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from lms.elearning.scorm_rollup import rollup

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
    active: bool = False      # the latest attempt is open (in progress or suspended)
    suspended: bool = False
    seconds: float = 0.0      # time spent in the latest attempt
    every_child: list["Activity"] = field(default_factory=list)  # before random selection

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
        self.current: str | None = None  # the SCO delivered last in this course attempt

    @classmethod
    def from_manifest(cls, manifest: dict, states: dict, seed: int = 0, learner: dict | None = None) -> "Sequencer":
        """Build from ``ScormPackage.to_json()``; ``states`` maps item identifier -> latest ScormAttempt.

        ``learner`` is the learner's sequencing state kept beside the attempts (``ScormLearnerState``):
        ``stale`` maps a SCO to the last attempt number that belongs to an earlier attempt of an
        ancestor (a retried cluster), so that attempt counts for limits but not for status;
        ``attempts`` counts the attempts of clusters.
        """
        learner = learner or {}
        stale = learner.get("stale", {})
        cluster_attempts = learner.get("attempts", {})
        root = Activity("__root__", manifest.get("title", ""), manifest.get("root_sequencing") or {}, None)
        root.attempts = cluster_attempts.get(root.identifier, 0)
        by_id = {}
        for item in manifest["items"]:
            activity = Activity(item["identifier"], item["title"], item.get("sequencing") or {}, item.get("launch"))
            parent = by_id.get(item.get("parent")) or root
            activity.parent = parent
            parent.children.append(activity)
            by_id[activity.identifier] = activity
            attempt = states.get(activity.identifier)
            activity.attempts = cluster_attempts.get(activity.identifier, 0)
            if attempt is not None and activity.launch:
                activity.attempts = attempt.number
            if attempt is not None and activity.launch and attempt.number > stale.get(activity.identifier, 0):
                activity.attempted = True
                activity.active = attempt.finished_at is None
                activity.suspended = activity.active and summary_exit(attempt.cmi or {}) == "suspend"
                activity.seconds = attempt.total_seconds or 0.0
                activity.completed = {"completed": True, "incomplete": False}.get(attempt.completion_status)
                activity.satisfied = TRUE_STATUSES.get(attempt.success_status)
                activity.measure = attempt.score_scaled
                activity.objectives = objectives_of(attempt.cmi or {})
                if activity.sequencing.get("delivery", {}).get("completionSetByContent") != "true" \
                        and activity.completed is None:
                    activity.completed = True  # the LMS sets completion for content that does not (SCORM SN 4.2)
        sequencer = cls(root, seed)
        sequencer.current = None if learner.get("ended") else learner.get("current")
        sequencer.select_children(root)
        sequencer.mark_active()
        sequencer.rollup(root)
        return sequencer

    # --- random selection -------------------------------------------------------------------------
    def select_children(self, activity: Activity) -> None:
        """Selection and reordering as the timings say; "never" (the spec's default) leaves the children."""
        randomization = activity.sequencing.get("randomization")
        activity.every_child = list(activity.children)
        if randomization and activity.children:
            count = randomization.get("select_count") or 0
            chosen = activity.children
            if 0 < count < len(chosen) and randomization.get("timing", "never") != "never":
                chosen = self.draw(activity, randomization["timing"]).sample(chosen, count)
                chosen.sort(key=activity.children.index)
            timing = randomization.get("randomization_timing", "never")
            if randomization.get("reorder") and timing != "never":
                chosen = self.draw(activity, timing, "order").sample(chosen, len(chosen))
            activity.children = chosen
        for child in activity.every_child:
            self.select_children(child)

    def draw(self, activity: Activity, timing: str, purpose: str = "") -> random.Random:
        """The random source of a cluster: fixed per learner ("once"), or per attempt of the cluster
        ("onEachNewAttempt": a retried cluster — remediation — gets a new draw)."""
        key = f"{self.seed}:{activity.identifier}{purpose}"
        if timing == "onEachNewAttempt" and activity.attempts > 1:
            key += f":{activity.attempts}"
        return random.Random(key)

    def mark_active(self) -> None:
        """A cluster is active while the learner's current activity is inside it or an attempt inside
        it is open (not suspended); SN book: Activity is Active."""
        node = self.find(self.current) if self.current else None
        node = node.parent if node is not None else None
        while node is not None:
            node.active = True
            node = node.parent
        for activity in reversed([self.root, *self.activities()]):
            if any(c.active and not c.suspended for c in activity.children):
                activity.active = True

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

    # --- rollup (lms.elearning.scorm_rollup) -----------------------------------------------------
    def rollup(self, activity: Activity) -> None:
        rollup(self, activity)

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
                 "attemptLimitExceeded": self.limit_exceeded(activity)}.get(name, False)
        return not value if condition["operator"] == "not" else value

    def conditions_hold(self, rule: dict, activity: Activity) -> bool:
        results = [self.condition(activity, c) for c in rule["conditions"]]
        if not results:
            return True
        return any(results) if rule["combination"] == "any" else all(results)

    def rule_fires(self, activity: Activity, kind: str, actions: tuple[str, ...]) -> str | None:
        """The action of the activity's first ``kind`` rule (pre/exit/post) with one of ``actions`` that fires."""
        for rule in activity.sequencing.get(kind, []):
            if rule["action"] in actions and self.conditions_hold(rule, activity):
                return rule["action"]
        return None

    def precondition(self, activity: Activity, actions: tuple[str, ...]) -> bool:
        """Whether a precondition rule with one of ``actions`` fires on the activity or an ancestor."""
        node = activity
        while node is not None:
            if self.rule_fires(node, "preConditionRule", actions):
                return True
            node = node.parent
        return False

    def limit_exceeded(self, activity: Activity) -> bool:
        """Limit Conditions Check: a new attempt would pass ``attemptLimit`` or the attempt has used up
        ``attemptAbsoluteDurationLimit``. An open (suspended) attempt may still be resumed."""
        limit = activity.sequencing.get("attempt_limit")
        if limit and activity.attempts >= limit and not activity.active:
            return True
        # Both duration limits are measured on the attempt's tracked time (cmi.total_time): the portal
        # does not keep the wall-clock span of an attempt; the 3rd edition's experienced limit is that time.
        for key in ("attempt_duration_limit", "attempt_experienced_limit"):
            duration = seconds_of(activity.sequencing.get(key, ""))
            if duration and activity.attempted and activity.seconds >= duration:
                return True
        return False

    def find(self, identifier: str | None) -> Activity | None:
        if identifier == self.root.identifier:
            return self.root
        return next((a for a in self.activities() if a.identifier == identifier), None)

    def activities(self, node: Activity | None = None, every: bool = False) -> list[Activity]:
        """The subtree in order; ``every`` includes the children random selection left out."""
        found = []
        for child in ((node or self.root).every_child if every else (node or self.root).children):
            found.append(child)
            found.extend(self.activities(child, every))
        return found

    # --- navigation -------------------------------------------------------------------------------
    def leaves(self, node: Activity | None = None) -> list[Activity]:
        return [activity for activity in self.activities(node) if activity.launch]

    def table_of_contents(self) -> list[dict]:
        """Every activity in order with whether the learner may choose it now."""
        from lms.elearning.scorm_choice import choice_refusal, refusal_message

        rows = []

        def walk(node, depth):
            for child in node.children:
                hidden = self.precondition(child, ("hiddenFromChoice",))
                disabled = self.precondition(child, ("disabled",)) or self.limit_exceeded(child)
                refusal = choice_refusal(self, child.identifier) if child.launch else None
                rows.append({"identifier": child.identifier, "title": child.title, "depth": depth,
                             "launchable": bool(child.launch), "hidden": hidden, "disabled": bool(disabled),
                             "choosable": bool(child.launch) and not hidden and not disabled and refusal is None,
                             "refusal": refusal, "refusal_message": refusal_message(refusal),
                             "completed": child.completed, "satisfied": child.satisfied})
                walk(child, depth + 1)
        walk(self.root, 0)
        return rows

    def deliverable(self, activity: Activity) -> bool:
        node = activity
        while node is not None:
            if self.limit_exceeded(node):
                return False
            node = node.parent
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

    def first_in(self, node: Activity) -> str | None:
        """The first activity flow delivers inside ``node`` (a retried cluster), or the node itself."""
        if node.launch and not node.children:
            return node.identifier if self.deliverable(node) else None
        return next((a.identifier for a in self.leaves(node) if self.deliverable(a)), None)

    def root_status(self) -> dict:
        return {"completed": self.root.completed, "satisfied": self.root.satisfied, "measure": self.root.measure}


def summary_exit(cmi: dict) -> str:
    return cmi.get("cmi.exit") or cmi.get("cmi.core.exit") or ""


def seconds_of(duration: str) -> float:
    """An ISO 8601 duration (``PT1H30M``) in seconds; 0 when absent or unreadable."""
    from lms.elearning.scorm_tracking import seconds_of as parse

    return parse(duration) if duration else 0.0


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
