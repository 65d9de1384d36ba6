"""Whether the learner may choose an activity now (SCORM 2004 choice navigation requests and the TOC).

The control modes that limit choice, as the SN book's Navigation Request Process and Choice
Sequencing Request Process check them against the learner's *current activity* (the SCO delivered
last in this course attempt, ``Sequencer.current``):

- ``choice="false"`` on the parent: its children cannot be chosen at all (flow only);
- ``choiceExit="false"``: while an activity with it is active (the learner is inside it), a choice
  may not leave it — the learner finishes it by flow (continue/previous, rules) first;
- ``adlseq:constrainedChoiceConsiderations constrainChoice="true"`` on the current activity or its
  nearest such ancestor K: only K's own subtree and the activity just before or just after K in flow
  (with what is inside them) can be chosen;
- ``preventActivation="true"`` on a cluster not yet active: choice may not start an attempt inside it,
  except on its first activity (the way flow would enter it; the TOC offers SCOs, not clusters).

Precondition rules (``hiddenFromChoice``, ``disabled``) and limit conditions are checked by
``is_choice_allowed`` too; ``choice_refusal`` leaves them to the table of contents, which shows them
apart. ``jump`` requests are not choice and ignore all of this (SN 4th edition).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:  # the sequencer imports this module
    from lms.elearning.scorm_sequencing import Activity, Sequencer

# Reasons a learner is told about; "choice" (the author allows flow only) and "unknown" need no words.
MESSAGES = {
    "choice_exit": _l("Finish the part you are in first: it cannot be left by choosing another activity."),
    "constrained": _l("Only the activity just before or just after the current one can be chosen now."),
    "prevent_activation": _l("This part can only be started from its first activity."),
}


class ChoiceRefused(Exception):
    """A choice request the control modes refuse; ``reason`` is a ``choice_refusal`` code."""

    def __init__(self, target: str, reason: str):
        super().__init__(reason)
        self.target = target
        self.reason = reason

    @property
    def message(self) -> str:
        return str(MESSAGES.get(self.reason, _l("This activity cannot be chosen now.")))


def refusal_message(reason: str | None):
    """The learner's explanation of a refusal code (a lazy string), or None."""
    return MESSAGES.get(reason) if reason else None


def choice_refusal(sequencer: "Sequencer", target_id: str, current_id: str | None = None) -> str | None:
    """Why choosing ``target_id`` is refused now by the control modes ("choice", "choice_exit",
    "constrained", "prevent_activation", "unknown"), or None when they allow it.

    ``current_id`` defaults to the sequencer's current activity; without one (a course attempt not
    started, or suspended) only ``choice`` and ``preventActivation`` can refuse.
    """
    target = sequencer.find(target_id)
    if target is None or target is sequencer.root:
        return "unknown"
    if target.parent is not None and not target.parent.control("choice", True):
        return "choice"
    current = sequencer.find(current_id or sequencer.current) if (current_id or sequencer.current) else None
    common = common_ancestor(current, target) if current is not None else sequencer.root
    node = current
    while node is not None and node is not common:
        if node.active and node.control("choiceExit", True) is False:
            return "choice_exit"
        node = node.parent
    if current is not None and not within_constraint(sequencer, current, target):
        return "constrained"
    node = target.parent
    while node is not None and node is not common:
        if (not node.active and node.sequencing.get("constrained", {}).get("preventActivation")
                and sequencer.first_in(node) != target.identifier):
            return "prevent_activation"
        node = node.parent
    return None


def is_choice_allowed(sequencer: "Sequencer", target_id: str, current_id: str | None = None) -> bool:
    """Whether a ``{target=ID}choice`` request (or a TOC click) for the SCO would be valid now:
    a launchable activity, not hidden from choice, not disabled, within its limits, and allowed by
    the control modes (``choice_refusal``). Usable for ``adl.nav.request_valid.choice``."""
    target = sequencer.find(target_id)
    if target is None or not target.launch:
        return False
    if sequencer.precondition(target, ("hiddenFromChoice", "disabled")) or not sequencer.deliverable(target):
        return False
    return choice_refusal(sequencer, target_id, current_id) is None


def check_choice(sequencer: "Sequencer", target_id: str, current_id: str | None = None,
                 reasons: tuple[str, ...] | None = None) -> None:
    """Raise ``ChoiceRefused`` when the control modes refuse the choice (only for ``reasons`` if given)."""
    reason = choice_refusal(sequencer, target_id, current_id)
    if reason is not None and reason != "unknown" and (reasons is None or reason in reasons):
        raise ChoiceRefused(target_id, reason)


def common_ancestor(one: "Activity", other: "Activity") -> "Activity":
    """The nearest activity both are in (the root at most); an activity counts as its own ancestor."""
    path = set()
    node = one
    while node is not None:
        path.add(id(node))
        node = node.parent
    node = other
    while node is not None and id(node) not in path:
        node = node.parent
    return node if node is not None else one


def within_constraint(sequencer: "Sequencer", current: "Activity", target: "Activity") -> bool:
    """constrainChoice: the target lies in K's subtree or in the activity just before/after K in flow."""
    constrained = current
    while constrained is not None and not constrained.sequencing.get("constrained", {}).get("constrainChoice"):
        constrained = constrained.parent
    if constrained is None:
        return True
    allowed = [constrained, neighbour(constrained, 1), neighbour(constrained, -1)]
    return any(inside(target, node) for node in allowed if node is not None)


def neighbour(activity: "Activity", step: int) -> "Activity | None":
    """The activity just after (step 1) or before (-1) in flow at this level or, at the end, an ancestor's."""
    node = activity
    while node.parent is not None:
        siblings = node.parent.children
        index = siblings.index(node) + step
        if 0 <= index < len(siblings):
            return siblings[index]
        node = node.parent
    return None


def inside(activity: "Activity", node: "Activity") -> bool:
    while activity is not None:
        if activity is node:
            return True
        activity = activity.parent
    return False
