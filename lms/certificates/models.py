"""Certificate records: a frozen snapshot of who passed what, the stored signed PDF, and its lifecycle."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

try:  # the FK target; the courses domain defines it (loaded first as a core plugin)
    import lms.courses.models  # noqa: F401
except ImportError:  # pragma: no cover - only while the courses domain is being built
    pass

STATUS_VALID = "valid"
STATUS_EXPIRED = "expired"
STATUS_REVOKED = "revoked"
STATUSES = (STATUS_VALID, STATUS_EXPIRED, STATUS_REVOKED)


class Certificate(db.Model):
    """One issued certificate; names and titles are copied at issue so later edits never change it."""

    __tablename__ = "certificate"
    __table_args__ = (
        # Two concurrent completions race here: exactly one insert wins (``edition`` counts re-issues).
        sa.UniqueConstraint("user_id", "course_id", "course_version", "edition", name="uq_certificate_issue"),
        sa.UniqueConstraint("user_id", "learning_path_id", "edition", name="uq_certificate_path_issue"),
        sa.Index("ix_certificate_course_user", "course_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(sa.String(20), unique=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    # A course's certificate has course_id; a learning path's has learning_path_id (course_id NULL,
    # course_version 0, course_title the path's title): see lms.certificates.path_issuing.
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id"))
    learning_path_id: Mapped[int | None] = mapped_column(sa.ForeignKey("learning_path.id"))
    course_version: Mapped[int] = mapped_column()
    edition: Mapped[int] = mapped_column(default=0, server_default="0")
    learner_name: Mapped[str] = mapped_column(sa.String(200))
    dealer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dealer.id"), index=True)
    dealer_name: Mapped[str | None] = mapped_column(sa.String(200))
    course_title: Mapped[str] = mapped_column(sa.String(300))
    score_percent: Mapped[float | None] = mapped_column()
    locale: Mapped[str] = mapped_column(sa.String(8), default="ru")
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None] = mapped_column()
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # NULL until attach_pdf renders the PDF, outside the issuing transaction (see pdf_pipeline).
    pdf_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_size: Mapped[int | None] = mapped_column()
    # Whoever renders the PDF holds a lease on it (pdf_pipeline): no PDF is rendered twice, and a
    # killed worker's render is taken over once ``pdf_locked_until`` has passed.
    pdf_claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    pdf_locked_until: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def status_at(self, now: datetime) -> str:
        """valid, expired or revoked at ``now`` (revocation wins over expiry)."""
        if self.revoked_at is not None:
            return STATUS_REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return STATUS_EXPIRED
        return STATUS_VALID

    @property
    def status(self) -> str:
        return self.status_at(utcnow())

    def __repr__(self) -> str:
        return f"<Certificate {self.serial} user={self.user_id} course={self.course_id}>"


class CertificateSerialCounter(db.Model):
    """The last serial number handed out per year; bumped by one atomic upsert per issue."""

    __tablename__ = "certificate_serial_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class CertificatePending(db.Model):
    """A completion whose certificate a plugin vetoed; the reasons are shown to the learner."""

    __tablename__ = "certificate_pending"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "course_id", "course_version", name="uq_certificate_pending_completion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"))
    course_version: Mapped[int] = mapped_column()
    score_percent: Mapped[float | None] = mapped_column()
    reasons: Mapped[list] = mapped_column(sa.JSON, default=list)
    checked_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CertificateReminder(db.Model):
    """A sent expiry reminder; the unique pair keeps ``lms certificates remind`` from repeating one."""

    __tablename__ = "certificate_reminder"
    __table_args__ = (
        sa.UniqueConstraint("certificate_id", "threshold_days", name="uq_certificate_reminder_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(sa.ForeignKey("certificate.id", ondelete="CASCADE"))
    threshold_days: Mapped[int] = mapped_column()
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    emailed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
