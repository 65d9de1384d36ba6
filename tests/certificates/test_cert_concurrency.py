"""Idempotent issuing: concurrent completions of the same course give exactly one certificate."""
import threading

import sqlalchemy as sa
from cert_support import certificates, make_course, user_id
from lms.testing import DEMO_EMAILS

from lms.courses.contracts import CourseCompletion
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow


def run_concurrently(app, count, target):
    barrier = threading.Barrier(count)
    errors = []

    def worker():
        try:
            with app.app_context():
                barrier.wait()
                target()
                db.session.remove()
        except BaseException as error:  # reported below, so a thread's failure fails the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []


def test_concurrent_completions_give_one_certificate(app, demo):
    uid = user_id(app, DEMO_EMAILS["learner"])
    course_id = make_course(app)
    completion = CourseCompletion(user_id=uid, course_id=course_id, course_version=1, score_percent=87.5,
                                  completed_at=utcnow())

    run_concurrently(app, 4, lambda: plugin_manager().hook.lms_course_completed(completion=completion))

    (certificate,) = certificates(app, user_id=uid)
    assert certificate.serial.endswith("-000001") and certificate.score_percent == 87.5
    from lms.certificates.models import CertificateSerialCounter

    with app.app_context():
        # The losers' counter bumps were rolled back with their savepoints: no gaps in serials.
        assert db.session.scalar(sa.select(CertificateSerialCounter.last_number)) == 1


def test_concurrent_issues_for_different_learners_get_distinct_serials(app, demo):
    course_id = make_course(app)
    uids = [user_id(app, DEMO_EMAILS[role]) for role in ("learner", "learner2", "learner3")]
    remaining = list(uids)
    lock = threading.Lock()

    def complete_next():
        with lock:
            uid = remaining.pop()
        plugin_manager().hook.lms_course_completed(completion=CourseCompletion(
            user_id=uid, course_id=course_id, course_version=1, score_percent=None, completed_at=utcnow()))

    run_concurrently(app, 3, complete_next)
    serials = sorted(c.serial for c in certificates(app, course_id=course_id))
    assert [s[-6:] for s in serials] == ["000001", "000002", "000003"]
