"""Issuing: record a certificate for a completion (serial, code, expiry), or keep a plugin's veto as pending.

Never commits: the caller (a view, a hook, ``pdf_pipeline``) owns the transaction. The PDF is
attached afterwards, outside the issuing transaction (``lms.certificates.pdf_pipeline``).
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.certificates.codes import format_serial, new_verification_code
from lms.certificates.contracts import CertificateInfo
from lms.certificates.models import Certificate, CertificatePending, CertificateSerialCounter
from lms.certificates.runtime import verify_url
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow


class CertificateError(ValueError):
    """A user-facing refusal; ``message`` is already translated."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class IssueOutcome:
    """``certificate_id`` is the new or already existing certificate; ``reasons`` are a plugin's veto."""

    certificate_id: int | None
    created: bool
    reasons: tuple[str, ...] = field(default=())


def add_months(moment: dt.datetime, months: int) -> dt.datetime:
    """``moment`` plus whole calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def next_serial_number(year: int) -> int:
    """Bump and return the year's counter in one atomic upsert (also the issue's first write, see below)."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(CertificateSerialCounter)
        .values(year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[CertificateSerialCounter.year],
            set_={"last_number": CertificateSerialCounter.last_number + 1},
        )
        .returning(CertificateSerialCounter.last_number)
    )
    return db.session.execute(statement).scalar_one()


def course_dict(course) -> dict:
    """The plain course values plugins and templates see."""
    return {
        "id": course.id,
        "slug": course.slug,
        "title": course.title,
        "version": course.version,
        "language": course.language,
        "product_line": course.product_line,
        "certificate_validity_months": course.certificate_validity_months,
        "certificate_template": course.certificate_template,
    }


def user_dict(user: User) -> dict:
    """The plain learner values plugins see (the e-mail stays inside the portal)."""
    return {
        "id": user.id,
        "name": user.name,
        "role": user.role,
        "dealer_id": user.dealer_id,
        "dealer_name": user.dealer.name if user.dealer else None,
        "locale": user.locale,
    }


def certificate_blockers(user: User, course) -> list[str]:
    """Every reason a plugin gives (``lms_certificate_blockers``) not to issue yet, flattened."""
    reasons = []
    for result in plugin_manager().hook.lms_certificate_blockers(user=user_dict(user), course=course_dict(course)):
        if not result:
            continue
        reasons.extend([result] if isinstance(result, str) else [str(item) for item in result if item])
    return reasons


def certificate_info(certificate: Certificate, base_url: str | None = None) -> CertificateInfo:
    """The frozen values the certificate event hooks receive."""
    return CertificateInfo.from_model(certificate, verify_url(certificate.code, base_url))


def latest_certificate(user_id: int, course_id: int, version: int) -> Certificate | None:
    """The newest edition of the learner's certificate for that course version, if any."""
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id,
               Certificate.course_version == version)
        .order_by(Certificate.edition.desc())
        .limit(1)
    )


def issue_certificate(
    user_id: int,
    course_id: int,
    *,
    course_version: int | None = None,
    score_percent: float | None = None,
    issued_at: dt.datetime | None = None,
    base_url: str | None = None,
    reissue: bool = False,
) -> IssueOutcome:
    """Record the certificate for a completion, or return the one that exists (idempotent).

    The row gets its serial and code but no PDF yet: rendering and signing take 50–500 ms, and
    they must not run while this transaction holds the serial counter (the SQLite write lock, or
    PostgreSQL's row lock), or every other write of the portal waits behind them. The caller
    commits, then calls ``pdf_pipeline.attach_pdf`` outside any transaction;
    ``pdf_pipeline.issue_and_attach`` does both.

    The serial counter bump is deliberately the first statement: it takes the write lock before
    anything is read, so concurrent issues queue (SQLite) or wait for the row (PostgreSQL) and
    then see the winner's certificate. Everything runs in a savepoint, so a duplicate leaves no trace.
    """
    from lms.courses.models import Course

    now = issued_at or utcnow()
    savepoint = db.session.begin_nested()
    try:
        number = next_serial_number(now.year)
        course = db.session.get(Course, course_id)
        user = db.session.get(User, user_id)
        if course is None or user is None:
            raise CertificateError(_("Unknown learner or course."))
        if course.certificate_validity_months is None and not reissue:
            savepoint.rollback()  # the course grants no certificate
            return IssueOutcome(None, False)
        version = course.version if course_version is None else course_version
        existing = latest_certificate(user_id, course_id, version)
        if existing is not None and not reissue:
            savepoint.rollback()
            return IssueOutcome(existing.id, False)
        reasons = certificate_blockers(user, course)
        if reasons:
            savepoint.rollback()
            record_pending(user_id, course_id, version, score_percent, reasons)
            return IssueOutcome(None, False, tuple(reasons))
        if reissue and existing is not None and score_percent is None:
            score_percent = existing.score_percent
        locale = user.locale if user.locale in current_app.config["LANGUAGES"] else current_app.config["BABEL_DEFAULT_LOCALE"]
        code = new_verification_code()
        serial = format_serial(now.year, number)
        months = course.certificate_validity_months
        expires_at = add_months(now, months) if months else None
        certificate = Certificate(
            serial=serial, code=code, user_id=user.id, course_id=course.id, course_version=version,
            edition=(existing.edition + 1) if existing is not None else 0,
            learner_name=user.name, dealer_id=user.dealer_id, dealer_name=user.dealer.name if user.dealer else None,
            course_title=course.title, score_percent=score_percent, locale=locale,
            issued_at=now, expires_at=expires_at,
        )
        db.session.add(certificate)
        db.session.flush()
    except IntegrityError:
        # Another transaction issued the same certificate between our checks: it wins.
        savepoint.rollback()
        existing = latest_certificate(user_id, course_id, course_version if course_version is not None else version)
        if existing is None:
            raise
        return IssueOutcome(existing.id, False)
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    db.session.execute(sa.delete(CertificatePending).where(
        CertificatePending.user_id == user_id, CertificatePending.course_id == course_id,
        CertificatePending.course_version == version))
    return IssueOutcome(certificate.id, True)


def record_pending(user_id: int, course_id: int, version: int, score_percent: float | None,
                   reasons: list[str]) -> None:
    """Keep a vetoed completion (with the plugins' reasons) so the learner can ask again later."""
    pending = db.session.scalar(sa.select(CertificatePending).where(
        CertificatePending.user_id == user_id, CertificatePending.course_id == course_id,
        CertificatePending.course_version == version))
    if pending is None:
        db.session.add(CertificatePending(user_id=user_id, course_id=course_id, course_version=version,
                                          score_percent=score_percent, reasons=list(reasons)))
    else:
        pending.reasons = list(reasons)
        pending.checked_at = utcnow()
        if score_percent is not None:
            pending.score_percent = score_percent


def retry_pending(pending_id: int, user_id: int, base_url: str | None = None) -> IssueOutcome:
    """Ask the plugins again for a vetoed completion of ``user_id``; issues when nothing blocks any more."""
    pending = db.session.get(CertificatePending, pending_id)
    if pending is None or pending.user_id != user_id:
        raise CertificateError(_("There is no such pending certificate."))
    return issue_certificate(user_id, pending.course_id, course_version=pending.course_version,
                             score_percent=pending.score_percent, base_url=base_url)
