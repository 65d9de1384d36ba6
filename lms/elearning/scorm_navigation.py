"""SCORM 2004 navigation requests (``adl.nav.request``) turned into what happens next.

A SCO ends with a navigation request: continue, previous, ``{target=…}choice``, ``{target=…}jump``,
exit, exitAll, abandon, abandonAll, suspendAll (or none). Requests that end the current activity
normally (continue, previous, choice, jump, exit) first run the termination the SN book describes:
the **exit action rules** of its ancestors (root first; one that fires ends that ancestor's attempt
too), then the **post-condition rules** of the activity that ended — ``exitParent`` moves up and
evaluates the parent's, ``exitAll`` ends the course attempt, ``retry``/``retryAll`` start a new
attempt on the activity/the course, ``continue``/``previous`` replace the learner's request.

This module only decides (pure, on a ``Sequencer``); ``scorm_state.apply_outcome`` stores it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lms.elearning.scorm_sequencing import Activity, Sequencer

POST_ACTIONS = ("exitParent", "exitAll", "retry", "retryAll", "continue", "previous")
NAV_REQUESTS = ("continue", "previous", "choice", "jump", "exit", "exitAll", "abandon", "abandonAll",
                "suspendAll")
TARGETED = re.compile(r"^\{target=(.+)\}(choice|jump)$")


@dataclass
class Outcome:
    """What a navigation request does; ``deliver`` is filled in after the state changes are stored."""

    request: str
    deliver: str | None = None             # the SCO to open next (choice/jump target, flow result)
    flow: str = ""                         # "continue"/"previous" from ``flow_from``, "retry" into ``retry``
    flow_from: str | None = None
    retry: str | None = None               # activity whose attempt starts again (its SCOs get new attempts)
    end_course: bool = False               # exitAll/abandonAll: the attempt on the course ends
    abandon: list[str] = field(default_factory=list)   # SCOs whose attempt is abandoned (left out of rollup)
    suspend: str | None = None             # suspendAll: the SCO resumed on the next launch


def parse_request(value) -> tuple[str, str | None]:
    """(request, target) of an ``adl.nav.request`` value; ("", None) for none or anything unknown."""
    if not isinstance(value, str):
        return "", None
    targeted = TARGETED.match(value)
    if targeted:
        return targeted.group(2), targeted.group(1)
    return (value, None) if value in NAV_REQUESTS else ("", None)


def navigate(sequencer: Sequencer, request: str, current: str | None, target: str | None = None) -> Outcome:
    """Decide what ``request`` made from the SCO ``current`` does (Navigation + Termination processes)."""
    activity = sequencer.find(current)
    outcome = Outcome(request)
    if request == "suspendAll":
        outcome.suspend = current if activity is not None else None
        return outcome
    if request in ("abandon", "abandonAll"):
        outcome.abandon = [current] if activity is not None else []
        outcome.end_course = request == "abandonAll"
        return outcome
    if request == "exitAll":
        outcome.end_course = True
        return outcome
    if activity is None:
        outcome.deliver = target if request in ("choice", "jump") else None
        outcome.flow, outcome.flow_from = (request, None) if request in ("continue", "previous") else ("", None)
        return outcome
    ended, action = terminate(sequencer, activity)
    if action == "exitAll":
        outcome.end_course = True
    elif action in ("retry", "retryAll"):
        outcome.retry = sequencer.root.identifier if action == "retryAll" else ended.identifier
        outcome.flow = "retry"
    elif action in ("continue", "previous") or request in ("continue", "previous"):
        outcome.flow = action if action in ("continue", "previous") else request
        leaves = [ended] if ended.launch else sequencer.leaves(ended)
        outcome.flow_from = (leaves[-1] if outcome.flow == "continue" else leaves[0]).identifier if leaves \
            else ended.identifier
    elif request in ("choice", "jump"):
        outcome.deliver = target
    elif ended is sequencer.root:
        outcome.end_course = True  # exit from the course itself ends its attempt (SN: Exit on the root)
    return outcome


def terminate(sequencer: Sequencer, activity: Activity) -> tuple[Activity, str | None]:
    """End the current activity normally: (the activity whose attempt ended last, the post-condition action)."""
    ended = exit_action(sequencer, activity)
    while True:
        action = sequencer.rule_fires(ended, "postConditionRule", POST_ACTIONS)
        if action == "exitParent" and ended.parent is not None:
            ended = ended.parent
            continue
        return ended, (None if action == "exitParent" else action)


def exit_action(sequencer: Sequencer, activity: Activity) -> Activity:
    """The outermost ancestor (root first) whose exit action rule fires ends with the activity, else the activity."""
    path = []
    node = activity.parent
    while node is not None:
        path.insert(0, node)
        node = node.parent
    return next((node for node in path if sequencer.rule_fires(node, "exitConditionRule", ("exit",))), activity)


def resolve(sequencer: Sequencer, outcome: Outcome) -> str | None:
    """The SCO to deliver once the outcome's changes are stored (``sequencer`` is built afresh from them)."""
    if outcome.deliver is not None or outcome.end_course or outcome.suspend or outcome.abandon:
        return outcome.deliver
    if outcome.flow == "retry":
        node = sequencer.find(outcome.retry)
        return sequencer.first_in(node) if node is not None else None
    if outcome.flow == "continue":
        return sequencer.next_after(outcome.flow_from)
    if outcome.flow == "previous":
        return sequencer.previous_before(outcome.flow_from or "")
    return None
