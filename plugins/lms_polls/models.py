"""The plugin's own tables: which surveys are polls, and the reminders sent about them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class Poll(db.Model):
    """A quick poll: a survey of the core engine, published to dealer staff from the «Опросы» tab."""

    __tablename__ = "lms_polls_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), unique=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reminder(db.Model):
    """A reminder a manager sent about a poll, to one dealer's staff or to everyone who has not answered."""

    __tablename__ = "lms_polls_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_polls_poll.id", ondelete="CASCADE"), index=True)
    dealer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dealer.id"))
    sent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(default=0)
