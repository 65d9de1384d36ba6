"""Webhook subscriptions and the delivery outbox (one row per event and subscription)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

# Our hook name → the public event name receivers see.
EVENT_NAMES = {
    "lms_course_completed": "course.completed",
    "lms_certificate_issued": "certificate.issued",
    "lms_certificate_revoked": "certificate.revoked",
    "lms_certificate_expiring": "certificate.expiring",
}
EVENTS = tuple(EVENT_NAMES.values())


class DeliveryStatus:
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    ALL = (PENDING, DELIVERED, FAILED)


class WebhookSubscription(db.Model):
    """A receiver URL for some event types, with the secret its deliveries are signed with."""

    __tablename__ = "webhook_subscription"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(1000))
    # Kept readable: the worker needs it to sign; shown to the admin once, at creation.
    secret: Mapped[str] = mapped_column(sa.String(200))
    events: Mapped[str] = mapped_column(sa.String(255))  # space-separated event names
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Sent as the Authorization header of every delivery (an external LRS's Basic credential; see
    # lms.xapi.forwarding); kept readable like the secret, never shown again.
    auth_header: Mapped[str | None] = mapped_column(sa.String(600))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def event_list(self) -> list[str]:
        return self.events.split()


class WebhookDelivery(db.Model):
    """One event for one subscription: written with the event, sent by ``lms worker``, kept as the log."""

    __tablename__ = "webhook_delivery"
    __table_args__ = (
        sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name="status_known"),
        sa.Index("ix_webhook_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Sent as "id" in the body and the LMS-Delivery header: receivers deduplicate on it.
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    event_id: Mapped[str] = mapped_column(sa.String(36), index=True)  # the same for every subscription
    subscription_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_subscription.id", ondelete="CASCADE"),
                                                 index=True)
    event: Mapped[str] = mapped_column(sa.String(40))
    payload: Mapped[str] = mapped_column(sa.Text)  # the exact JSON body, so every retry is byte-identical
    status: Mapped[str] = mapped_column(sa.String(12), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A worker's claim: nobody else takes the row until the lease ends (a killed worker's lease runs out).
    locked_until: Mapped[datetime | None] = mapped_column()
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    last_status_code: Mapped[int | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column()

    subscription: Mapped[WebhookSubscription] = relationship()
