"""In-app notifications, each person's delivery choice per kind, and the outgoing mail outbox."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class Notification(db.Model):
    """One thing a person is told; ``delivery`` is how it was routed when it was created."""

    __tablename__ = "notification"
    __table_args__ = (
        # The same dedupe key for the same person is recorded once: a job that runs twice tells nobody twice.
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_dedupe"),
        sa.Index("ix_notification_user_unread", "user_id", "read_at"),
        sa.Index("ix_notification_digest_due", "delivery", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    params: Mapped[str] = mapped_column(sa.Text, default="{}")  # JSON of the params given to notify()
    link: Mapped[str | None] = mapped_column(sa.String(1000))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    delivery: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column()
    # When its e-mail (immediate or the digest) was queued in the outbox.
    mailed_at: Mapped[datetime | None] = mapped_column()


class NotificationPreference(db.Model):
    """A person's choice for one kind; without a row the kind's default applies."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.UniqueConstraint("user_id", "kind", name="uq_notification_preference_user_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    delivery: Mapped[str] = mapped_column(sa.String(12))


class MailStatus:
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutgoingMail(db.Model):
    """One e-mail, rendered when queued, sent by ``lms worker``; claims are leases a killed worker loses."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status_known"),
        sa.Index("ix_mail_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(12), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
