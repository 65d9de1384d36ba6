"""Certificate services: issue (render, sign, store), revoke, re-issue, recertification and reminders.

Services never commit; callers (hooks, views, CLI) do, through ``lms.events.commit``.
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
from lms.certificates import storage
from lms.certificates.codes import format_serial, new_verification_code
from lms.certificates.contracts import CertificateInfo
from lms.certificates.models import (
    Certificate,
    CertificatePending,
    CertificateReminder,
    CertificateSerialCounter,
)
from lms.certificates.render import certificate_context, default_labels, default_template_source, render_certificate
from lms.certificates.runtime import runtime, verify_url
from lms.certificates.signing import sign_pdf
from lms.events import emit
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


def info(certificate: Certificate, base_url: str | None = None) -> CertificateInfo:
    return CertificateInfo.from_model(certificate, verify_url(certificate.code, base_url))


def _existing(user_id: int, course_id: int, version: int) -> Certificate | None:
    return db.session.scalar(
        sa.select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.course_id == course_id,
               Certificate.course_version == version)
        .order_by(Certificate.edition.desc())
        .limit(1)
    )


def render_signed_pdf(*, course: dict, values: dict) -> bytes:
    """Render the course's template (a plugin's or the default) with plain values and sign it."""
    template = plugin_manager().hook.lms_certificate_template(course=course) or default_template_source()
    context = certificate_context(labels=default_labels(values["locale"]), **values)
    return sign_pdf(render_certificate(template, context), runtime().pdf_signer)


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
    commits, then calls ``attach_pdf`` outside any transaction; ``issue_and_attach`` does both.

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
        existing = _existing(user_id, course_id, version)
        if existing is not None and not reissue:
            savepoint.rollback()
            return IssueOutcome(existing.id, False)
        reasons = certificate_blockers(user, course)
        if reasons:
            savepoint.rollback()
            _record_pending(user_id, course_id, version, score_percent, reasons)
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
        existing = _existing(user_id, course_id, course_version if course_version is not None else version)
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


def attach_pdf(certificate_id: int, base_url: str | None = None) -> bool:
    """Render, sign and store the PDF of a certificate recorded without one; False if it has one.

    Call it with no changes pending: it reads what it needs and ends that read transaction, so no
    lock is held while the PDF renders, then writes the digest in a new transaction for the caller
    to commit. ``lms_certificate_issued`` is emitted here, once the PDF exists. Of two concurrent
    calls for one certificate (the issuing request and a download), the first writer wins and the
    other's file is removed.
    """
    from lms.courses.models import Course
    from lms.database import begin_write

    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("attach_pdf needs a session with nothing pending: commit first")
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.pdf_sha256 is not None:
        db.session.rollback()
        return False
    course = course_dict(db.session.get(Course, certificate.course_id))
    values = dict(
        learner_name=certificate.learner_name,
        dealer_name=certificate.dealer_name or "",
        course_title=certificate.course_title,
        course_version=str(certificate.course_version),
        issued_at=certificate.issued_at.date(),
        expires_at=certificate.expires_at.date() if certificate.expires_at else None,
        score=round(certificate.score_percent, 1) if certificate.score_percent is not None else None,
        serial=certificate.serial,
        verify_url=verify_url(certificate.code, base_url),
        issuer_name=current_app.config.get("PORTAL_NAME") or "",
        locale=certificate.locale,
    )
    db.session.rollback()  # end the read: nothing is locked while the PDF renders
    pdf = render_signed_pdf(course=course, values=values)
    digest = storage.store_pdf(current_app.instance_path, pdf)
    begin_write()  # a page view (a download) writes too: take the next transaction for writing
    won = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate_id, Certificate.pdf_sha256.is_(None))
        .values(pdf_sha256=digest, pdf_size=len(pdf), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not won:
        winner = db.session.scalar(sa.select(Certificate.pdf_sha256).where(Certificate.id == certificate_id))
        if winner != digest:
            storage.remove_pdf(current_app.instance_path, digest)
        return False
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    emit("lms_certificate_issued", certificate=info(certificate, base_url))
    return True


def issue_and_attach(user_id: int, course_id: int, **options) -> IssueOutcome:
    """Issue (``issue_certificate``), commit, then attach the PDF and commit again.

    For callers that own no transaction of their own: the completion hook, the retry and
    re-issue views. Commits through ``lms.events.commit`` so the hooks run after each commit.
    With ``CERTIFICATE_PDF_IN_WORKER`` the PDF is left to ``lms worker`` (``render_pending``).
    """
    from lms.events import commit

    outcome = issue_certificate(user_id, course_id, **options)
    commit()
    if outcome.created and not current_app.config.get("CERTIFICATE_PDF_IN_WORKER"):
        attach_pdf(outcome.certificate_id, options.get("base_url"))
        commit()
    return outcome


def render_pending(limit: int) -> int:
    """Attach the PDFs of up to ``limit`` certificates recorded without one, oldest first (``lms worker``).

    Each is committed on its own, so a killed worker loses at most the one in hand, which the
    next run picks up again. Two workers may render the same certificate; ``attach_pdf`` keeps one.
    """
    from lms.events import commit

    now = utcnow()
    for certificate_id, until in list(_render_failed.items()):
        if until <= now:
            del _render_failed[certificate_id]
    query = sa.select(Certificate.id).where(Certificate.pdf_sha256.is_(None))
    if _render_failed:
        query = query.where(Certificate.id.not_in(list(_render_failed)))
    ids = list(db.session.scalars(query.order_by(Certificate.id).limit(limit)))
    db.session.rollback()
    done = 0
    for certificate_id in ids:
        try:
            done += attach_pdf(certificate_id)
            commit()
        except Exception:
            # A broken template or key must not stop the worker's other work, nor be retried every second.
            db.session.rollback()
            _render_failed[certificate_id] = utcnow() + RENDER_RETRY_AFTER
            current_app.logger.exception("Rendering the PDF of certificate %s failed; retrying in %s",
                                         certificate_id, RENDER_RETRY_AFTER)
    return done


# Certificates whose rendering failed in this worker process, and when to try them again.
RENDER_RETRY_AFTER = dt.timedelta(minutes=10)
_render_failed: dict[int, dt.datetime] = {}


def pdf_overdue(certificate: Certificate, now: dt.datetime | None = None) -> bool:
    """A certificate without its PDF that the worker should have rendered by now."""
    wait = dt.timedelta(seconds=float(current_app.config.get("CERTIFICATE_PDF_WAIT_SECONDS", 60)))
    return certificate.pdf_sha256 is None and (
        not current_app.config.get("CERTIFICATE_PDF_IN_WORKER") or (now or utcnow()) - certificate.issued_at >= wait)


def _record_pending(user_id, course_id, version, score_percent, reasons) -> None:
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


def revoke_certificate(certificate_id: int, reason: str, base_url: str | None = None) -> Certificate:
    """Revoke with a reason; the public page, the JSON and the badge status all show it from now on."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        raise CertificateError(_("Certificate not found."))
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Enter the reason for revocation."))
    if certificate.revoked_at is not None:
        raise CertificateError(_("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoke_reason = reason[:500]
    db.session.flush()
    emit("lms_certificate_revoked", certificate=info(certificate, base_url))
    return certificate


def reissue_certificate(certificate_id: int, base_url: str | None = None) -> Certificate:
    """Issue a fresh certificate (current name and dealer, new serial and code) and revoke the old one."""
    old = db.session.get(Certificate, certificate_id)
    if old is None:
        raise CertificateError(_("Certificate not found."))
    outcome = issue_certificate(old.user_id, old.course_id, course_version=old.course_version,
                                score_percent=old.score_percent, base_url=base_url, reissue=True)
    if not outcome.created:
        raise CertificateError(_("The certificate cannot be re-issued: %(reasons)s",
                                 reasons="; ".join(outcome.reasons)))
    new = db.session.get(Certificate, outcome.certificate_id)
    if old.revoked_at is None:
        revoke_certificate(old.id, _("Re-issued as %(serial)s", serial=new.serial), base_url)
    return new


def expire_older_versions(course_id: int, version: int, grace_days: int, now: dt.datetime | None = None) -> int:
    """Recertification: older versions' certificates expire after ``grace_days`` (earlier expiries stay)."""
    deadline = (now or utcnow()) + dt.timedelta(days=grace_days)
    result = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.course_id == course_id, Certificate.course_version < version,
               Certificate.revoked_at.is_(None),
               sa.or_(Certificate.expires_at.is_(None), Certificate.expires_at > deadline))
        .values(expires_at=deadline, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def due_reminders(days: int, now: dt.datetime | None = None) -> list[Certificate]:
    """Live certificates expiring within ``days`` that were not yet reminded for this threshold."""
    now = now or utcnow()
    reminded = sa.select(CertificateReminder.id).where(
        CertificateReminder.certificate_id == Certificate.id, CertificateReminder.threshold_days == days)
    return list(db.session.scalars(
        sa.select(Certificate)
        .where(Certificate.revoked_at.is_(None), Certificate.expires_at > now,
               Certificate.expires_at <= now + dt.timedelta(days=days), ~reminded.exists())
        .order_by(Certificate.expires_at, Certificate.id)
    ))


def record_reminder(certificate: Certificate, days: int, base_url: str | None = None,
                    now: dt.datetime | None = None) -> bool:
    """Claim the (certificate, threshold) reminder and fire ``lms_certificate_expiring``; False if taken."""
    savepoint = db.session.begin_nested()
    try:
        db.session.add(CertificateReminder(certificate_id=certificate.id, threshold_days=days))
        db.session.flush()
    except IntegrityError:
        savepoint.rollback()
        return False
    savepoint.commit()
    days_left = max(0, (certificate.expires_at - (now or utcnow())).days)
    emit("lms_certificate_expiring", certificate=info(certificate, base_url), days_left=days_left)
    return True
