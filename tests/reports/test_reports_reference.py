"""The course report's set-based SQL agrees with a plain Python computation over the same rows."""
from collections import defaultdict
from datetime import datetime

import pytest
import sqlalchemy as sa

from lms.auth.models import Dealer, User
from lms.courses.models import Course, CourseCompletionRecord, Lesson, LessonProgress
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz
from lms.reports.course_stats import LESSON_TIME_CAP, course_rows
from lms.reports.scope import STAFF_ROLES, Scope
from seed_reports import seed


def capped(later, earlier):
    if later is None:
        return 0.0
    return min(max((later - earlier).total_seconds(), 0.0), LESSON_TIME_CAP)


def reference(scope: Scope) -> dict:
    """{course id: measures} by the definitions in lms.reports.course_stats, one Python loop at a time."""
    dealers = {d.id: d for d in db.session.scalars(sa.select(Dealer))}

    def in_scope(person):
        place = dealers.get(person.dealer_id)
        return (person.active and person.role in STAFF_ROLES and place is not None and place.active
                and scope.dealer_id in (None, place.id) and scope.region in (None, place.region)
                and scope.tier in (None, place.tier))

    staff = {u.id for u in db.session.scalars(sa.select(User)) if in_scope(u)}
    course_of_lesson = dict(db.session.execute(sa.select(Lesson.id, Lesson.course_id)).all())
    course_of_quiz = dict(db.session.execute(sa.select(Quiz.id, Quiz.course_id)).all())
    enrolled, completed, seconds = defaultdict(set), defaultdict(set), defaultdict(float)
    graded, passed, scores = defaultdict(int), defaultdict(int), defaultdict(list)
    for row in db.session.scalars(sa.select(LessonProgress)):
        if row.user_id in staff:
            course = course_of_lesson[row.lesson_id]
            enrolled[course].add(row.user_id)
            seconds[course] += capped(row.completed_at, row.started_at)
    for row in db.session.scalars(sa.select(CourseCompletionRecord)):
        if row.user_id in staff:
            enrolled[row.course_id].add(row.user_id)
            completed[row.course_id].add(row.user_id)
    for row in db.session.scalars(sa.select(Attempt)):
        course = course_of_quiz[row.quiz_id]
        if row.user_id not in staff or course is None:
            continue
        seconds[course] += capped(row.finished_at, row.started_at)
        if row.state == "finished" and row.percent is not None:
            graded[course] += 1
            passed[course] += bool(row.passed)
            scores[course].append(float(row.percent))
    result = {}
    for course in db.session.scalars(sa.select(Course).where(Course.published.is_(True))):
        n = len(enrolled[course.id])
        result[course.id] = {
            "enrolled": n, "completed": len(completed[course.id]), "in_progress": n - len(completed[course.id]),
            "graded": graded[course.id], "passed": passed[course.id],
            "pass_rate": round(100 * passed[course.id] / graded[course.id], 1) if graded[course.id] else None,
            "avg_score": round(sum(scores[course.id]) / len(scores[course.id]), 1) if scores[course.id] else None,
            "avg_minutes": round(seconds[course.id] / 60 / n, 1) if n else None,
        }
    return result


@pytest.fixture
def seeded(app):
    with app.app_context():
        with db.engine.begin() as connection:
            seed(connection, dealers=6, users=90, courses=5, attempts=900, seed_value=11, now=datetime(2026, 1, 15))
        # Someone who completed a course without opening its lessons still counts as enrolled.
        course = db.session.scalar(sa.select(Course).order_by(Course.id).limit(1))
        db.session.execute(sa.update(Lesson).where(Lesson.course_id == course.id).values(required=False))
        learner = db.session.scalar(sa.select(User).where(User.role == "learner", User.active.is_(True),
                                                          ~User.id.in_(sa.select(LessonProgress.user_id)))
                                    .order_by(User.id).limit(1))
        if learner is None:  # every learner opened something: make one who did not
            learner = User(email="fresh@t.example.com", name="Новичок", dealer_id=course_dealer(), role="learner")
            db.session.add(learner)
            db.session.flush()
        db.session.add(CourseCompletionRecord(user_id=learner.id, course_id=course.id, course_version=1,
                                              completed_at=datetime(2026, 1, 10)))
        db.session.commit()
        return {"dealer": learner.dealer_id,
                "region": db.session.scalar(sa.select(Dealer.region).where(Dealer.id == learner.dealer_id))}


def course_dealer():
    return db.session.scalar(sa.select(Dealer.id).where(Dealer.active.is_(True)).order_by(Dealer.id).limit(1))


def test_course_report_matches_reference(app, seeded):
    with app.app_context():
        for scope in (Scope(), Scope(dealer_id=seeded["dealer"]), Scope(region=seeded["region"]), Scope(tier="gold")):
            expected = reference(scope)
            actual = {row["id"]: {key: row[key] for key in next(iter(expected.values()))}
                      for row in course_rows(scope)}
            # Minutes are sums of floats: the last digit may round either way with another order.
            assert {course: {**measures, "avg_minutes": pytest.approx(measures["avg_minutes"], abs=0.11)}
                    for course, measures in actual.items()} == expected, scope
            assert sum(row["enrolled"] for row in expected.values()) > 0 or scope.narrowed, scope
            one = next(iter(expected))
            assert course_rows(scope, one)[0]["enrolled"] == expected[one]["enrolled"]
