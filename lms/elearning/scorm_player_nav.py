"""The player's own navigation: which requests are valid now, for the buttons and ``adl.nav.request_valid``.

The player page shows Continue, Previous, Exit and Suspend buttons outside the content frame and
makes table-of-contents clicks choice requests; the SCO may ask ``adl.nav.request_valid.*``. Both
come from here, on the server's sequencing (``scorm_sequencing``), as "true", "false" or "unknown":
"unknown" where the answer depends on how the running SCO ends (forced sequential order: the next
activity opens once this one is completed, which the server learns only from the SCO's commit).
The wrapper asks ``scorm_nav`` again, after a commit, before it ends a SCO for a button, so a request
that is not valid leaves the SCO running. SCORM 1.2 has no sequencing: the buttons follow the
manifest order and the table of contents is free choice.
"""
from __future__ import annotations

from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningUnit
from lms.elearning.runtime import register_method
from lms.elearning.scorm_choice import is_choice_allowed
from lms.elearning.scorm_navigation import navigate, parse_request, resolve
from lms.elearning.scorm_sequencing import Sequencer
from lms.elearning.scorm_state import sequencer_for

BUTTONS = ("continue", "previous", "exit", "suspendAll")


def hidden_buttons(package: ElearningPackage, identifier: str | None) -> list[str]:
    """The item's ``adlnav:hideLMSUI`` values (the manifest keeps them per item)."""
    item = next((i for i in (package.manifest or {}).get("items", []) if i["identifier"] == identifier), None)
    return list((item or {}).get("hide_lms_ui") or [])


def word(value: bool | None) -> str:
    return "unknown" if value is None else ("true" if value else "false")


def continue_valid(sequencer: Sequencer, current: str | None) -> bool | None:
    activity = sequencer.find(current)
    if activity is None or activity.parent is None or not activity.parent.control("flow", True):
        return False
    if sequencer.next_after(current) is not None:
        return True
    leaves = [a.identifier for a in sequencer.leaves()]
    if current not in leaves or current == leaves[-1]:
        return False
    # Something follows but cannot be delivered now: the SCO still running may open it as it ends.
    return None if activity.active else False


def previous_valid(sequencer: Sequencer, current: str | None) -> bool:
    activity = sequencer.find(current)
    if activity is None or activity.parent is None:
        return False
    if not activity.parent.control("flow", True) or activity.parent.control("forwardOnly", False):
        return False
    return sequencer.previous_before(current) is not None


def state_2004(sequencer: Sequencer, package: ElearningPackage, current: str | None) -> dict:
    rows = [row for row in sequencer.table_of_contents() if row["launchable"]]
    # Choosable in the table of contents, and allowed from here (choiceExit, constrained choice).
    choice = {row["identifier"]: word(row["choosable"] and (row["identifier"] == current or is_choice_allowed(
                  sequencer, row["identifier"], current))) for row in rows}
    return {"continue": word(continue_valid(sequencer, current)),
            "previous": word(previous_valid(sequencer, current)),
            "exit": word(sequencer.find(current) is not None), "suspendAll": word(current is not None),
            "choice": choice, "hidden": hidden_buttons(package, current),
            # The table of contents follows as the SCOs end, without a reload: links and ticks.
            "done": [row["identifier"] for row in rows if row["completed"]]}


def manifest_order(package: ElearningPackage) -> list[str]:
    """SCORM 1.2's navigation order: the launchable items as the manifest lists them."""
    return [i["identifier"] for i in (package.manifest or {}).get("items", []) if i.get("launch")]


def state_12(package: ElearningPackage, current: str | None) -> dict:
    order = manifest_order(package)
    index = order.index(current) if current in order else -1
    return {"continue": word(0 <= index < len(order) - 1), "previous": word(index > 0),
            "exit": "false", "suspendAll": "false", "choice": {i: "true" for i in order},
            "hidden": ["exit", "suspendAll"]}


def nav_state(user_id: int, package: ElearningPackage, current: str | None) -> dict:
    """What the buttons and ``adl.nav.request_valid`` show while ``current`` is delivered."""
    if package.kind != "scorm2004":
        return state_12(package, current)
    return state_2004(sequencer_for(user_id, package), package, current)


def request_valid(state: dict, request: str, target: str | None) -> bool:
    """Whether a button or TOC request may end the SCO; "unknown" is tried (the server decides again)."""
    if request == "choice":
        return state["choice"].get(target or "") == "true"
    return state.get(request, "false") != "false" and request not in state["hidden"]


def would_deliver(sequencer: Sequencer, request: str, current: str | None) -> bool:
    """Whether continue/previous from ``current`` leads somewhere once the SCO ends with what it committed
    (its post-conditions included), judged on the stored state without changing it."""
    outcome = navigate(sequencer, request, current)
    return outcome.end_course or outcome.retry is not None or resolve(sequencer, outcome) is not None


def flow_12(package: ElearningPackage, request: str, current: str | None, target: str | None) -> str | None:
    """SCORM 1.2: continue/previous in manifest order, choice of any item; None at either end."""
    order = manifest_order(package)
    if request == "choice":
        return target if target in order else None
    index = order.index(current) if current in order else -1
    step = {"continue": 1, "previous": -1}.get(request)
    if step is None or index < 0 or not 0 <= index + step < len(order):
        return None
    return order[index + step]


def scorm_nav(row: ElearningLaunch, unit: ElearningUnit, package: ElearningPackage, data: dict) -> dict:
    """The navigation state of the item (``from``) and whether ``nav`` is valid now."""
    current = data.get("from") if isinstance(data.get("from"), str) else None
    state = nav_state(row.user_id, package, current)
    request, target = parse_request(data.get("nav"))
    valid = bool(request) and request_valid(state, request, target)
    if valid and package.kind == "scorm2004" and request in ("continue", "previous"):
        # The SCO's last commit is stored: "unknown" becomes a definite answer.
        valid = would_deliver(sequencer_for(row.user_id, package), request, current)
    return {"nav": state, "valid": valid}


for _kind in ("scorm12", "scorm2004"):
    register_method(_kind, "scorm_nav", scorm_nav)
