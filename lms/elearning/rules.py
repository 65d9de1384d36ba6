"""What the learner's package sends to the LRS, read as progress — and for cmi5, checked first.

Registered in ``lms.xapi.statements.STATEMENT_RULES``: for a launch credential minted by a launch
here, the new statements of a batch are checked in order against the cmi5 session rules (nothing
of the batch is stored when one breaks them: 403 with the reason) and then recorded: completed,
passed, failed and the score; when the unit's moveOn criterion is met the lesson is completed (and
with it, perhaps, the course and its certificate). Tin Can counts completed/passed on its activity.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import User
from lms.courses.progress import complete_lesson
from lms.elearning import satisfaction
from lms.elearning.launching import unit_activity_id
from lms.elearning.lms_statements import CMI5_CATEGORY, CMI5_VERBS, LMS_ONLY, SESSION_EXTENSION
from lms.elearning.models import ElearningLaunch, ElearningPackage, ElearningResult, ElearningUnit
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.errors import XapiError

DEFINED = {CMI5_VERBS[name] for name in ("initialized", "completed", "passed", "failed", "terminated")}


def find_launch(caller) -> tuple[ElearningLaunch, ElearningUnit, ElearningPackage] | None:
    """The current launch behind a launch credential (cmi5: the session that fetched it)."""
    if not caller.is_launch or caller.registration is None:
        return None
    rows = db.session.execute(
        sa.select(ElearningLaunch, ElearningUnit, ElearningPackage)
        .join(ElearningUnit, ElearningUnit.id == ElearningLaunch.unit_id)
        .join(ElearningPackage, ElearningPackage.id == ElearningUnit.package_id)
        .where(ElearningLaunch.user_id == caller.learner_user_id,
               ElearningLaunch.registration == caller.registration)
        .order_by(ElearningLaunch.id.desc())).all()
    for launch, unit, package in rows:
        if unit_activity_id(unit, package) == caller.activity_id:
            return launch, unit, package
    return None


def result_for(unit: ElearningUnit, user_id: int, registration: str) -> ElearningResult:
    row = db.session.scalar(sa.select(ElearningResult).where(
        ElearningResult.unit_id == unit.id, ElearningResult.user_id == user_id))
    if row is None:
        row = ElearningResult(unit_id=unit.id, user_id=user_id, registration=registration, completed=False,
                              passed=False, failed=False, runtime={})
        db.session.add(row)
    return row


def refuse(message: str):
    raise XapiError(403, "cmi5: " + message)


def apply_rules(caller, statements: list) -> None:
    found = find_launch(caller)
    if found is None:
        return
    launch, unit, package = found
    result = result_for(unit, launch.user_id, launch.registration)
    activity_id = unit_activity_id(unit, package)
    for statement in statements:
        if package.kind == "cmi5":
            check_cmi5(statement, launch, unit, result, activity_id)
        else:
            record_tincan(statement, result, activity_id)
    if not result.satisfied_at and move_on_met(unit.move_on, result):
        result.satisfied_at = utcnow()
        db.session.flush()
        user = db.session.get(User, launch.user_id)
        if package.kind == "cmi5":
            satisfaction.unit_satisfied(user, unit, package, launch.registration, launch.session_id)
        if unit.lesson_id is not None:
            complete_lesson(launch.user_id, unit.lesson_id)


def cmi5_session_statement(caller, statement: dict) -> bool:
    """cmi5 AUs may send statements about other activities (a video, a page) within their session."""
    found = find_launch(caller)
    if found is None or found[2].kind != "cmi5":
        return False
    session = ((statement.get("context") or {}).get("extensions") or {}).get(SESSION_EXTENSION)
    return session == found[0].session_id and statement["verb"]["id"] not in LMS_ONLY


def check_cmi5(statement: dict, launch, unit, result, activity_id: str) -> None:
    verb = statement["verb"]["id"]
    context = statement.get("context") or {}
    if verb in LMS_ONLY:
        refuse("only the LMS issues launched, satisfied, waived and abandoned statements")
    if (context.get("extensions") or {}).get(SESSION_EXTENSION) != launch.session_id:
        refuse("the statement does not carry the current session id (context extension sessionid)")
    if launch.terminated_at or launch.abandoned_at:
        refuse("the session is terminated; launch the AU again")
    # A video's "initialized" is not the AU's: cmi5-defined statements are those about the AU itself.
    if verb not in DEFINED or statement["object"].get("id") != activity_id:
        if launch.initialized_at is None:
            refuse("the AU must send initialized first")
        return
    categories = {item.get("id") for item in (context.get("contextActivities") or {}).get("category", [])}
    if CMI5_CATEGORY not in categories:
        refuse("a cmi5-defined statement must carry the cmi5 category")
    if verb == CMI5_VERBS["initialized"]:
        if launch.initialized_at is not None:
            refuse("the session is already initialized")
        launch.initialized_at = utcnow()
        return
    if launch.initialized_at is None:
        refuse("the AU must send initialized first")
    outcome = statement.get("result") or {}
    scaled = (outcome.get("score") or {}).get("scaled")
    if verb == CMI5_VERBS["terminated"]:
        launch.terminated_at = utcnow()
    elif verb == CMI5_VERBS["completed"]:
        if result.completed:
            refuse("the AU was already completed in this registration")
        result.completed = True
    elif verb == CMI5_VERBS["passed"]:
        if result.passed:
            refuse("the AU was already passed in this registration")
        if unit.mastery_score is not None and (scaled is None or scaled < unit.mastery_score):
            refuse("passed needs a scaled score at or above the mastery score")
        result.passed, result.score_scaled = True, scaled
    elif verb == CMI5_VERBS["failed"]:
        if result.passed:
            refuse("the AU was already passed in this registration")
        if unit.mastery_score is not None and scaled is not None and scaled >= unit.mastery_score:
            refuse("failed needs a scaled score below the mastery score")
        result.failed, result.score_scaled = True, scaled


def record_tincan(statement: dict, result, activity_id: str) -> None:
    """Tin Can: completed or passed about the package's activity itself count."""
    if statement["object"].get("id") != activity_id:
        return
    verb = statement["verb"]["id"]
    outcome = statement.get("result") or {}
    if verb == CMI5_VERBS["completed"] or outcome.get("completion") is True:
        result.completed = True
    if verb == CMI5_VERBS["passed"] or (verb == CMI5_VERBS["completed"] and outcome.get("success") is True):
        result.passed = True
    if verb == CMI5_VERBS["failed"]:
        result.failed = True
    scaled = (outcome.get("score") or {}).get("scaled")
    if isinstance(scaled, (int, float)):
        result.score_scaled = scaled


def move_on_met(move_on: str, result) -> bool:
    return {"Passed": result.passed, "Completed": result.completed,
            "CompletedAndPassed": result.completed and result.passed,
            "CompletedOrPassed": result.completed or result.passed,
            "NotApplicable": True}.get(move_on, False)

