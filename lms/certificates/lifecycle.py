"""After issue: revoke, re-issue, recertification (older versions expire) and expiry reminders.

Never commits: the caller (a view, a hook, ``lms certificates remind``) owns the transaction.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from lms.certificates.issuing import CertificateError, IssueOutcome, certificate_info, issue_certificate
from lms.certificates.models import Certificate, CertificateReminder
from lms.events import emit
from lms.extensions import db
from lms.timeutil import utcnow


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
    emit("lms_certificate_revoked", certificate=certificate_info(certificate, base_url))
    return certificate


def reissue_certificate(certificate_id: int, base_url: str | None = None) -> Certificate:
    """Issue a fresh certificate (current name and dealer, new serial and code) and revoke the old one.

    Like any issue, it records no PDF: the caller commits, then attaches it (``pdf_pipeline.attach_pdf``).
    """
    old = db.session.get(Certificate, certificate_id)
    if old is None:
        raise CertificateError(_("Certificate not found."))
    if old.learning_path_id is not None:  # a learning path's own certificate (path_issuing)
        from lms.certificates.path_issuing import issue_path_certificate

        certificate_id, created = issue_path_certificate(old.user_id, old.learning_path_id, reissue=True)
        if not created:
            raise CertificateError(_("Unknown learner or course."))
        outcome = IssueOutcome(certificate_id, True)
    else:
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
    emit("lms_certificate_expiring", certificate=certificate_info(certificate, base_url), days_left=days_left)
    return True
