"""A learning path's own certificate: issued when a learner has completed every course of a path
that has one (``LearningPath.certificate_validity_months`` not None; 0: never expires).

The row is a ``Certificate`` with ``learning_path_id`` set and ``course_id`` NULL, the path's title
as ``course_title`` and ``course_version`` 0, so verification, the PDF and the register treat it as
any certificate. Never commits: the caller owns the transaction.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.certificates.codes import format_serial, new_verification_code
from lms.certificates.issuing import add_months, next_serial_number
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.timeutil import utcnow


def completed_paths(user_id: int, course_id: int) -> list[int]:
    """Ids of the certifying paths holding ``course_id`` whose every course the learner has completed."""
    from lms.courses.models import CourseCompletionRecord, LearningPath, LearningPathCourse

    path_ids = db.session.scalars(
        sa.select(LearningPath.id).join(LearningPathCourse, LearningPathCourse.path_id == LearningPath.id)
        .where(LearningPathCourse.course_id == course_id, LearningPath.certificate_validity_months.is_not(None))).all()
    done = []
    for path_id in path_ids:
        missing = db.session.scalar(sa.select(sa.func.count()).select_from(LearningPathCourse).where(
            LearningPathCourse.path_id == path_id,
            ~sa.exists().where(CourseCompletionRecord.user_id == user_id,
                               CourseCompletionRecord.course_id == LearningPathCourse.course_id)))
        if missing == 0:
            done.append(path_id)
    return done


def path_slug(path_id: int) -> str | None:
    from lms.courses.models import LearningPath

    return db.session.scalar(sa.select(LearningPath.slug).where(LearningPath.id == path_id))


def path_certificate(user_id: int, path_id: int) -> Certificate | None:
    return db.session.scalar(sa.select(Certificate).where(
        Certificate.user_id == user_id, Certificate.learning_path_id == path_id)
        .order_by(Certificate.edition.desc()).limit(1))


def issue_path_certificate(user_id: int, path_id: int, issued_at: dt.datetime | None = None,
                           reissue: bool = False) -> tuple[int | None, bool]:
    """Record the path's certificate for the learner, or return the existing one: (id, created).
    ``reissue`` (a manager's re-issue) records the next edition even when one exists."""
    from lms.courses.models import LearningPath

    now = issued_at or utcnow()
    savepoint = db.session.begin_nested()
    try:
        number = next_serial_number(now.year)  # first: takes the write lock, as issue_certificate does
        path, user = db.session.get(LearningPath, path_id), db.session.get(User, user_id)
        existing = path_certificate(user_id, path_id)
        if path is None or user is None or (not reissue and (path.certificate_validity_months is None
                                                             or existing is not None)):
            savepoint.rollback()
            return (existing.id if existing else None), False
        locale = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
        months = path.certificate_validity_months
        certificate = Certificate(
            serial=format_serial(now.year, number), code=new_verification_code(), user_id=user.id, course_id=None,
            learning_path_id=path.id, course_version=0, edition=existing.edition + 1 if existing else 0, learner_name=user.name, dealer_id=user.dealer_id,
            dealer_name=user.dealer.name if user.dealer else None, course_title=path.title, score_percent=None,
            locale=locale, issued_at=now, expires_at=add_months(now, months) if months else None)
        db.session.add(certificate)
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()  # a concurrent completion issued it first
        existing = path_certificate(user_id, path_id)
        if existing is None:
            raise
        return existing.id, False
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    return certificate.id, True


def issue_completed_paths(user_id: int, course_id: int) -> list[int]:
    """After a course completion: the ids of path certificates newly issued."""
    issued = []
    for path_id in completed_paths(user_id, course_id):
        certificate_id, created = issue_path_certificate(user_id, path_id)
        if created:
            issued.append(certificate_id)
    return issued
