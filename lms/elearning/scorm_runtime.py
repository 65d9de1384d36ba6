"""SCORM's run-time calls on the cross-frame bridge (``lms.elearning.runtime``).

The wrapper frame on the content origin holds the scorm-again API object the SCO talks to; it asks
the portal, through the lesson page, for an item's CMI data (``scorm_init``) and sends each commit
(``scorm_commit``). One launch row covers a learner's whole visit of a package: the item is named
in each call and must belong to the launch's package.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningUnit
from lms.elearning.runtime import register_method
from lms.elearning.scorm_choice import ChoiceRefused, check_choice
from lms.elearning.scorm_navigation import navigate, parse_request, resolve
from lms.elearning.scorm_player_nav import flow_12, nav_state
from lms.elearning.scorm_state import (apply_outcome, learner_state, remember_current, sequencer_for,
                                       shared_data_values, write_shared_data)
from lms.elearning.scorm_tracking import CmiRefused, clean_cmi, current_attempt, launch, record_commit
from lms.extensions import db

SCORM_KINDS = ("scorm12", "scorm2004")


def version_of(package: ElearningPackage) -> str:
    return (package.manifest or {}).get("version", "1.2" if package.kind == "scorm12" else "2004 3rd")


def item_unit(package: ElearningPackage, identifier) -> ElearningUnit | None:
    if not isinstance(identifier, str) or not identifier:
        return None
    return db.session.scalar(sa.select(ElearningUnit).where(ElearningUnit.package_id == package.id,
                                                            ElearningUnit.identifier == identifier[:1000]))


def choose_item(row: ElearningLaunch, unit: ElearningUnit, package: ElearningPackage, data: dict) -> str | None:
    """The item to deliver: a navigation request resolved by sequencing, else the named or launched item.

    ``nav`` is the SCO's ``adl.nav.request`` as it ended (``from``); requests that end the session
    (exitAll, suspendAll, abandon …) or flow past the end deliver nothing (None). A choice the control
    modes refuse raises ``ChoiceRefused`` before anything changes (the request is not valid); an item
    named without a request (a TOC click) is refused only for leaving a ``choiceExit="false"``
    cluster or a ``constrainChoice`` range — the start and resume items come this way too.
    """
    request, target = parse_request(data.get("nav"))
    current = data.get("from") if isinstance(data.get("from"), str) else None
    if request and package.kind == "scorm2004":
        sequencer = sequencer_for(row.user_id, package)
        if request == "choice":
            check_choice(sequencer, target or data.get("item") or "", current)
        outcome = navigate(sequencer, request, current, target or data.get("item"))
        apply_outcome(row.user_id, package, outcome)
        delivered = resolve(sequencer_for(row.user_id, package), outcome)
        if delivered is None and outcome.flow in ("continue", "previous"):
            remember_current(row.user_id, package, None)  # flow left the course: no activity stays active
        return delivered
    if request:  # SCORM 1.2: the player's buttons and table of contents
        return flow_12(package, request, current, target)
    item = data.get("item") if isinstance(data.get("item"), str) else unit.identifier
    if package.kind == "scorm2004":
        sequencer = sequencer_for(row.user_id, package)
        if item != sequencer.current:
            check_choice(sequencer, item, reasons=("choice_exit", "constrained"))
    return item


def is_stale(user_id: int, package: ElearningPackage, target: ElearningUnit) -> bool:
    """Whether the SCO's latest attempt belongs to an earlier attempt of a retried ancestor."""
    row = learner_state(user_id, package.id)
    attempt = current_attempt(user_id, target.id)
    stale = ((row.state or {}).get("stale", {}) if row else {}).get(target.identifier, 0)
    return attempt is not None and attempt.number <= stale


def scorm_init(row: ElearningLaunch, unit: ElearningUnit, package: ElearningPackage, data: dict) -> dict:
    """The CMI data, mode and launch path of the item the wrapper frame opens now."""
    try:
        identifier = choose_item(row, unit, package, data)
    except ChoiceRefused as refused:
        return {"error": "refused", "item": refused.target, "message": refused.message}
    if identifier is None:
        return {"end": True}
    target = item_unit(package, identifier)
    if target is None:
        return {"error": "unknown item"}
    if package.kind == "scorm2004":
        rows = {r["identifier"]: r for r in sequencer_for(row.user_id, package).table_of_contents()}
        if rows.get(identifier, {}).get("disabled"):
            return {"error": "disabled", "item": identifier}
        remember_current(row.user_id, package, identifier)
    version = version_of(package)
    attempt, cmi, mode = launch(row.user_id, target, version, fresh=is_stale(row.user_id, package, target))
    if package.kind == "scorm2004":
        cmi.update(shared_data_values(row.user_id, package, identifier))
    return {"item": identifier, "version": "1.2" if version == "1.2" else "2004", "launch": target.launch,
            "cmi": cmi, "mode": mode, "attempt": attempt.number, "title": target.title,
            "asset": (target.details or {}).get("scorm_type") == "asset",
            "nav": nav_state(row.user_id, package, identifier)}


def scorm_commit(row: ElearningLaunch, unit: ElearningUnit, package: ElearningPackage, data: dict) -> dict:
    """Store one commit of the CMI data (``finished`` on LMSFinish/Terminate)."""
    target = unit if data.get("item") == unit.identifier else item_unit(package, data.get("item"))
    if target is None:
        return {"result": False, "error": "unknown item"}
    try:
        cmi = clean_cmi(data.get("cmi"))
    except CmiRefused as refused:
        return {"result": False, "error": str(refused)}
    if package.kind == "scorm2004":
        write_shared_data(row.user_id, package, target.identifier, cmi)
    attempt = record_commit(row.user_id, target, cmi, version_of(package), finished=data.get("finished") is True)
    answer = {"result": True, "completion_status": attempt.completion_status,
              "success_status": attempt.success_status}
    if package.kind == "scorm2004":
        # A commit that reaches this path moved a status or ended the SCO: what is valid may have changed.
        answer["nav"] = nav_state(row.user_id, package, target.identifier)
    return answer


for _kind in SCORM_KINDS:
    register_method(_kind, "scorm_init", scorm_init)
    register_method(_kind, "scorm_commit", scorm_commit)
