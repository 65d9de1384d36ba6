"""The portal's own events land in the LRS as statements, written in the event's own transaction."""
import json
from datetime import datetime
from urllib.parse import urlencode

import sqlalchemy as sa

from lms.auth.models import User
from lms.courses.models import CourseSection, Lesson
from lms.courses.progress import complete_lesson
from lms.events import commit, emit
from lms.extensions import db
from lms.quizzes.contracts import AttemptResult
from lms.testing import DEMO_EMAILS, add_published_course, complete_course
from xapi_kit import token_headers

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


def learner(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))


def statements_of(client, headers, user_id, base_url, **filters):
    agent = json.dumps({"account": {"homePage": base_url, "name": str(user_id)}})
    response = client.get("/xapi/statements?" + urlencode({"agent": agent, "ascending": "true", **filters}),
                          headers=headers)
    assert response.status_code == 200
    return response.json["statements"]


def test_lesson_quiz_course_and_certificate_become_statements(app, client, demo):
    user_id = learner(app)
    course_id = add_published_course(app, slug="xapi-course", title="Продажи")
    with app.app_context():
        section = CourseSection(course_id=course_id, title="Раздел", position=0)
        db.session.add(section)
        db.session.flush()
        lesson = Lesson(course_id=course_id, section_id=section.id, slug="intro", title="Введение")
        db.session.add(lesson)
        commit()
        complete_lesson(user_id, lesson.id)  # its only lesson: the course completes, a certificate follows
        commit()
        emit("lms_attempt_finished", attempt=AttemptResult(
            attempt_id=1, quiz_id=7, user_id=user_id, course_id=course_id, number=1, percent=80.0, passed=True,
            needs_grading=False, finished_at=datetime(2026, 12, 1, 10, 0)))
        commit()
    reader = token_headers(app, "xapi:read")
    with app.app_context():
        from lms.xapi.learners import portal_base_url

        base_url = portal_base_url()
    statements = statements_of(client, reader, user_id, base_url)
    by_kind = {(s["verb"]["id"].rsplit("/", 1)[1], s["object"]["definition"]["type"].rsplit("/", 1)[1]): s
               for s in statements}
    assert sorted(by_kind) == [("completed", "course"), ("completed", "lesson"), ("earned", "badge"),
                               ("passed", "assessment")] and len(statements) == 4
    lesson_statement = by_kind["completed", "lesson"]
    assert lesson_statement["object"]["definition"]["name"] == {"ru": "Введение"}
    assert lesson_statement["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/course/{course_id}")
    quiz = by_kind["passed", "assessment"]
    assert quiz["result"] == {"completion": True, "score": {"scaled": 0.8}, "success": True}
    assert quiz["timestamp"] == "2026-12-01T10:00:00.000Z"
    assert by_kind["earned", "badge"]["object"]["id"].startswith(base_url + "verify/")
    assert all(s["authority"]["name"] == "portal" for s in statements)


def count_statements(app) -> int:
    from lms.xapi.models import XapiStatement

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(XapiStatement))


def test_a_rolled_back_event_writes_no_statement(app, demo):
    course_id = add_published_course(app, slug="rolled-back", title="Rolled back")
    user_id = learner(app)
    with app.app_context():
        db.session.get(User, user_id)  # the transaction the event belongs to
        emit("lms_lesson_completed", user_id=user_id, lesson_id=1, course_id=course_id)
        db.session.rollback()
        commit()
    assert count_statements(app) == 0


def test_the_setting_switches_portal_statements_off(app_factory, demo):
    quiet = app_factory(XAPI_PORTAL_STATEMENTS=False)
    course_id = add_published_course(quiet, slug="quiet", title="Quiet")
    complete_course(quiet, learner(quiet), course_id)
    assert count_statements(quiet) == 0
