"""A node killed between a completion's commit and its certificate: the worker issues it late, once."""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from lms.certificates.models import Certificate
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course
from lms.timeutil import utcnow


def record_completion_only(app, email: str, course_id: int, minutes_ago: float) -> int:
    """What the dead node left: the completion committed, the ``lms_course_completed`` hook never run."""
    from lms.auth.models import User
    from lms.courses.models import CourseCompletionRecord

    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.email == email))
        db.session.add(CourseCompletionRecord(user_id=uid, course_id=course_id, course_version=1, score_percent=90.0,
                                              completed_at=utcnow() - dt.timedelta(minutes=minutes_ago)))
        commit()
        return uid


def test_the_worker_issues_a_missed_certificate_once_with_its_pdf(app_factory, demo):
    app = app_factory(CERTIFICATE_PDF_IN_WORKER=True, PUBLIC_BASE_URL="https://lms.example/")
    course_id = add_published_course(app, slug="late", title="Поздний")
    no_certificate = add_published_course(app, slug="no-cert", title="Без сертификата", validity_months=None)
    uid = record_completion_only(app, DEMO_EMAILS["learner"], course_id, minutes_ago=1)
    record_completion_only(app, DEMO_EMAILS["learner"], no_certificate, minutes_ago=1)
    record_completion_only(app, DEMO_EMAILS["learner2"], course_id, minutes_ago=0)  # its request may still issue

    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "certificates issued late: 1" in result.output and "certificate PDFs: 1" in result.output, result.output
    again = app_factory().test_cli_runner().invoke(args=["worker", "--once"])  # another worker, later
    assert "issued late" not in again.output, again.output
    with app.app_context():
        rows = db.session.execute(sa.select(Certificate.user_id, Certificate.course_id, Certificate.pdf_sha256)).all()
    assert [(u, c) for u, c, _ in rows] == [(uid, course_id)] and rows[0].pdf_sha256


def test_the_worker_completes_a_course_whose_passed_attempt_a_dead_node_never_completed(app_factory, demo):
    """The node died after committing the passed attempt, before the completion (and its certificate)."""
    from lms.auth.models import User
    from lms.courses.models import CourseCompletionRecord
    from lms.quizzes.models import Attempt, Quiz

    app = app_factory()
    course_id = add_published_course(app, slug="late-quiz", title="Экзамен")
    with app.app_context():
        uid = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
        quiz = Quiz(title="Итоговый тест", published=True, course_id=course_id)
        db.session.add(quiz)
        db.session.flush()
        db.session.add(Attempt(quiz_id=quiz.id, user_id=uid, number=1, state="finished", passed=True,
                               percent=100, started_at=utcnow() - dt.timedelta(minutes=5),
                               finished_at=utcnow() - dt.timedelta(minutes=1)))
        commit()

    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "courses completed late: 1" in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseCompletionRecord)) == 1
        (certificate,) = db.session.scalars(sa.select(Certificate)).all()
        assert certificate.user_id == uid and certificate.pdf_sha256
