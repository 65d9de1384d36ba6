"""The portal's own events as xAPI statements, written in the transaction that records the event.

A ``before_commit`` listener (like the webhook outbox) turns the session's pending events — lesson
completed, course completed, quiz attempt finished or graded, certificate issued — into statements,
so the LRS holds the whole learning record and never misses an event that committed.
"""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from lms.events import pending_events
from lms.xapi.auth import Caller
from lms.xapi.errors import XapiError
from lms.xapi.formats import format_timestamp
from lms.xapi.learners import activity_iri, learner_agent, portal_base_url

APP_FLAG = "lms_xapi"
_SEEN = "lms_xapi_portal_statements"
PORTAL_CALLER = Caller(frozenset(), None, "portal")
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "earned": "http://id.tincanapi.com/verb/earned",
}
TYPES = {
    "course": "http://adlnet.gov/expapi/activities/course",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "certificate": "http://activitystrea.ms/schema/1.0/badge",
}
log = logging.getLogger(__name__)


def verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en": name}}


def activity(kind: str, activity_id: str, title: str) -> dict:
    return {"objectType": "Activity", "id": activity_id,
            "definition": {"type": TYPES[kind], "name": {_language(): title or activity_id}}}


def _language() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE") or "ru")


def _course(session, course_id):
    from lms.courses.models import Course

    course = session.get(Course, course_id) if course_id else None
    return activity("course", activity_iri("course", course_id), course.title if course else "") if course else None


def _statement(session, user_id, verb_name, target, *, parent=None, result=None, when=None) -> dict | None:
    from lms.auth.models import User

    user = session.get(User, user_id)
    if user is None:
        return None
    statement = {"actor": learner_agent(user), "verb": verb(verb_name), "object": target,
                 "context": {"platform": "lms", "language": _language()}}
    if parent is not None:
        statement["context"]["contextActivities"] = {"parent": [parent]}
    if result is not None:
        statement["result"] = result
    if when is not None:
        statement["timestamp"] = format_timestamp(when)
    return statement


def lesson_completed(session, user_id, lesson_id, course_id):
    from lms.courses.models import Lesson

    lesson = session.get(Lesson, lesson_id)
    target = activity("lesson", activity_iri("course", course_id, "lesson", lesson_id), lesson.title if lesson else "")
    return _statement(session, user_id, "completed", target, parent=_course(session, course_id),
                      result={"completion": True})


def course_completed(session, completion):
    result = {"completion": True}
    if completion.score_percent is not None:
        result["score"] = {"scaled": round(completion.score_percent / 100, 4)}
    target = _course(session, completion.course_id)
    return target and _statement(session, completion.user_id, "completed", target, result=result,
                                 when=completion.completed_at)


def attempt_done(session, attempt, *, graded: bool):
    from lms.quizzes.models import Quiz

    if graded and attempt.passed is None:
        return None  # another question still waits for a grader
    quiz = session.get(Quiz, attempt.quiz_id)
    target = activity("quiz", activity_iri("quiz", attempt.quiz_id), quiz.title if quiz else "")
    result = {"completion": True}
    if attempt.percent is not None:
        result["score"] = {"scaled": round(max(0.0, min(100.0, attempt.percent)) / 100, 4)}
    if attempt.passed is not None:
        result["success"] = bool(attempt.passed)
    verb_name = "completed" if attempt.passed is None else ("passed" if attempt.passed else "failed")
    return _statement(session, attempt.user_id, verb_name, target, parent=_course(session, attempt.course_id),
                      result=result, when=None if graded else attempt.finished_at)


def certificate_issued(session, certificate):
    target = activity("certificate", f"{portal_base_url()}verify/{certificate.code}", certificate.course_title)
    return _statement(session, certificate.user_id, "earned", target, parent=_course(session, certificate.course_id),
                      when=certificate.issued_at)


BUILDERS = {
    "lms_lesson_completed": lambda session, payload: lesson_completed(session, **payload),
    "lms_course_completed": lambda session, payload: course_completed(session, payload["completion"]),
    "lms_attempt_finished": lambda session, payload: attempt_done(session, payload["attempt"], graded=False),
    "lms_attempt_graded": lambda session, payload: attempt_done(session, payload["attempt"], graded=True),
    "lms_certificate_issued": lambda session, payload: certificate_issued(session, payload["certificate"]),
}


def build_statement(session, hook: str, payload: dict) -> dict | None:
    """The event's statement, or None (logged) when its payload is not the documented contract."""
    try:
        return BUILDERS[hook](session, payload)
    except (AttributeError, TypeError, KeyError, ValueError) as error:
        log.warning("no xAPI statement for %s: %s", hook, error)
        return None


def write_portal_statements(session: Session) -> None:
    """before_commit: the statements of this transaction's new portal events."""
    if not has_app_context() or not current_app.extensions.get(APP_FLAG) \
            or not current_app.config.get("XAPI_PORTAL_STATEMENTS"):
        return
    events = pending_events(session)
    seen = session.info.get(_SEEN, 0)
    session.info[_SEEN] = len(events)
    statements = [statement for hook, payload in events[seen:] if hook in BUILDERS
                  for statement in [build_statement(session, hook, payload)] if statement]
    if not statements:
        return
    from lms.xapi.statements import store_statements

    try:
        store_statements(statements, PORTAL_CALLER)
    except XapiError as error:  # a portal-made statement is valid; never fail the learner's request over it
        log.error("portal xAPI statements refused: %s", error.message)


def _forget(session: Session, *_args) -> None:
    session.info.pop(_SEEN, None)


def install() -> None:
    """Register the listeners once per process (every app shares SQLAlchemy's Session class)."""
    if not event.contains(Session, "before_commit", write_portal_statements):
        event.listen(Session, "before_commit", write_portal_statements)
        event.listen(Session, "after_commit", _forget)
        event.listen(Session, "after_soft_rollback", _forget)
