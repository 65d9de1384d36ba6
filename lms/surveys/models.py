"""Surveys, their audience, responses and who took part (kept apart from anonymous answers)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

STATUSES = ("draft", "published")
TARGET_KINDS = ("tier", "region", "dealer", "role")


class Survey(db.Model):
    """A survey: its questions (clean definitions, in display order), audience and open window."""

    __tablename__ = "survey"
    __table_args__ = (sa.CheckConstraint("status IN ('draft', 'published')", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    # The list returned by questions.validate_survey: order is display order.
    questions: Mapped[list] = mapped_column(sa.JSON, default=list)
    opens_at: Mapped[datetime | None] = mapped_column()
    closes_at: Mapped[datetime | None] = mapped_column()
    # Post-course feedback. A plain integer: the courses schema did not exist when this was written.
    course_id: Mapped[int | None] = mapped_column(index=True)
    # The plugin that created the survey (e.g. "lms_polls"); None for surveys made in the survey UI.
    owner: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column()
    # Set when published: the worker invites the audience (lms.surveys.invitations), then clears it.
    invitations_pending: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return (self.status == "published" and (self.opens_at is None or self.opens_at <= now)
                and (self.closes_at is None or now < self.closes_at))


class SurveyTarget(db.Model):
    """One audience criterion: kinds combine with AND, values of one kind with OR; none = everyone."""

    __tablename__ = "survey_target"

    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    # A tier, region or role name, or a dealer id written as text.
    value: Mapped[str] = mapped_column(sa.String(120), primary_key=True)


class SurveyResponse(db.Model):
    """One person's answers. Anonymous surveys store no user and only the day of submission."""

    __tablename__ = "survey_response"
    __table_args__ = (sa.UniqueConstraint("survey_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Group keys as they were at submission, so later dealer changes do not move old answers.
    dealer_name: Mapped[str | None] = mapped_column(sa.String(200))
    region: Mapped[str | None] = mapped_column(sa.String(120))
    tier: Mapped[str | None] = mapped_column(sa.String(40))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column()


class SurveyParticipation(db.Model):
    """Who has answered a survey: no id, no time, no link to the response, so anonymity holds."""

    __tablename__ = "survey_participation"

    survey_id: Mapped[int] = mapped_column(sa.ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), primary_key=True, index=True)
