"""The statements the LMS itself issues in cmi5 (launched, abandoned, waived, satisfied).

They are stored in the request's transaction with the portal as authority; the AU may never send
these verbs itself (see rules.py).
"""
from __future__ import annotations

import uuid

from lms.xapi.learners import learner_agent
from lms.xapi.portal_statements import PORTAL_CALLER

CMI5_VERBS = {
    "launched": "http://adlnet.gov/expapi/verbs/launched",
    "initialized": "http://adlnet.gov/expapi/verbs/initialized",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "abandoned": "https://w3id.org/xapi/adl/verbs/abandoned",
    "waived": "https://w3id.org/xapi/adl/verbs/waived",
    "terminated": "http://adlnet.gov/expapi/verbs/terminated",
    "satisfied": "https://w3id.org/xapi/adl/verbs/satisfied",
}
LMS_ONLY = {CMI5_VERBS[name] for name in ("launched", "abandoned", "waived", "satisfied")}
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
REASON_EXTENSION = "https://w3id.org/xapi/cmi5/result/extensions/reason"
BLOCK_TYPE = "https://w3id.org/xapi/cmi5/activitytype/block"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"


def _store(statement: dict) -> None:
    from lms.xapi.statements import store_statements

    store_statements([statement], PORTAL_CALLER)


def _statement(user, verb: str, object_id: str, registration: str, session_id: str | None,
               grouping: str | None = None, extensions: dict | None = None, result: dict | None = None,
               object_type: str | None = None) -> dict:
    categories = [{"id": CMI5_CATEGORY}]
    if result and ("success" in result or "completion" in result):
        categories.append({"id": MOVEON_CATEGORY})  # cmi5 9.6.2.2
    context = {"registration": registration, "contextActivities": {
        "category": categories}, "extensions": dict(extensions or {})}
    if grouping:
        context["contextActivities"]["grouping"] = [{"id": grouping}]
    if session_id:
        context["extensions"][SESSION_EXTENSION] = session_id
    if not context["extensions"]:
        del context["extensions"]
    statement = {"id": str(uuid.uuid4()), "actor": learner_agent(user),
                 "verb": {"id": CMI5_VERBS[verb], "display": {"en-US": verb}},
                 "object": {"objectType": "Activity", "id": object_id}, "context": context}
    if object_type:
        statement["object"]["definition"] = {"type": object_type}
    if result:
        statement["result"] = result
    return statement


def launched(user, unit, package, row, activity_id: str) -> None:
    _store(_statement(user, "launched", activity_id, row.registration, row.session_id, unit.identifier, {
        "https://w3id.org/xapi/cmi5/context/extensions/launchmode": "Normal",
        "https://w3id.org/xapi/cmi5/context/extensions/moveon": unit.move_on,
        "https://w3id.org/xapi/cmi5/context/extensions/launchurl": unit.launch}))


def abandoned(user, unit, package, row, activity_id: str) -> None:
    _store(_statement(user, "abandoned", activity_id, row.registration, row.session_id, unit.identifier,
                      result={"duration": "PT0S"}))


def waived(user, unit, registration: str, activity_id: str, session_id: str, reason: str = "Administrative") -> None:
    """cmi5 9.3.7: success and completion true, the reason as a result extension, a session id of its own."""
    _store(_statement(user, "waived", activity_id, registration, session_id, unit.identifier,
                      result={"success": True, "completion": True, "extensions": {REASON_EXTENSION: reason}}))


def satisfied(user, object_id: str, registration: str, session_id: str | None, *, object_type: str = COURSE_TYPE,
              publisher_id: str | None = None) -> None:
    """cmi5 9.3.9: about the LMS's own block or course object; the publisher id goes in the grouping."""
    _store(_statement(user, "satisfied", object_id, registration, session_id, publisher_id,
                      object_type=object_type))
