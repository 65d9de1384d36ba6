"""Certificates the completing request never issued: the worker issues them late (``lms worker``).

A course completion is committed first, and the certificate is issued after the commit by the
``lms_course_completed`` hook. A node killed between the two (a kill -9, a power cut) leaves a
completion without its certificate, and a retried request finds the attempt already finished. The
worker looks for such completions now and then and issues them; issuing is idempotent, so racing
the completing request costs nothing but a wait on the serial counter.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from lms.certificates.issuing import issue_certificate
from lms.certificates.models import Certificate, CertificatePending
from lms.coordination import leases
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow

LOOK_BACK = dt.timedelta(days=2)  # older completions were swept long ago, or predate the workers
GRACE = dt.timedelta(seconds=5)  # the completing request is usually still issuing
SWEEP_EVERY_SECONDS = 10.0


def missed_completions(limit: int, now: dt.datetime | None = None) -> list[tuple]:
    """(user, course, version, score) of recent completions of certificate courses with no certificate."""
    from lms.courses.models import Course, CourseCompletionRecord as Completion

    now = now or utcnow()
    same = lambda model: sa.and_(model.user_id == Completion.user_id, model.course_id == Completion.course_id,  # noqa: E731
                                 model.course_version == Completion.course_version)
    return db.session.execute(
        sa.select(Completion.user_id, Completion.course_id, Completion.course_version, Completion.score_percent)
        .join(Course, Course.id == Completion.course_id)
        .where(Course.certificate_validity_months.is_not(None),
               Completion.completed_at >= now - LOOK_BACK, Completion.completed_at < now - GRACE,
               ~sa.exists().where(same(Certificate)), ~sa.exists().where(same(CertificatePending)))
        .order_by(Completion.completed_at).limit(limit)).all()


def issue_missed(limit: int, *, force: bool = False) -> int:
    """Issue the certificates of up to ``limit`` missed completions (every ``SWEEP_EVERY_SECONDS``). Commits."""
    if not leases.due_every("certificates.late_issue", SWEEP_EVERY_SECONDS) and not force:
        return 0
    from lms.certificates.runtime import public_base_url

    missed = missed_completions(limit)
    db.session.rollback()
    issued = 0
    for user_id, course_id, version, score in missed:
        try:
            outcome = issue_certificate(user_id, course_id, course_version=version, score_percent=score,
                                        base_url=public_base_url())
            commit()
            issued += outcome.created
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Issuing the missed certificate of user %s, course %s failed",
                                         user_id, course_id)
    return issued
