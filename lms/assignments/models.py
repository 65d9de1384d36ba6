"""Assignments of a course or learning path to an audience, each person's copy of it, and calendar feeds."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

try:  # the FK targets; the courses domain defines them (loaded first as a core plugin)
    import lms.courses.models  # noqa: F401
except ImportError:  # pragma: no cover
    pass

AUDIENCE_KINDS = ("all", "tier", "region", "dealers", "roles", "people")
DUE_KINDS = ("fixed", "after_joining", "after_assignment")


class Assignment(db.Model):
    """A course or a learning path that an audience must complete by a due date.

    ``audience_values`` holds the tiers, regions, dealer ids, roles or user ids the kind names. An
    assignment made by a dealer admin carries their ``dealer_id``: it never reaches anyone else.
    ``renew_days_before`` set: recurring — the person's copy re-opens that many days before their
    certificate of the course expires.
    """

    __tablename__ = "assignment"
    __table_args__ = (
        sa.CheckConstraint("(course_id IS NULL) <> (path_id IS NULL)", name="one_target"),
        sa.CheckConstraint("audience_kind IN ('all', 'tier', 'region', 'dealers', 'roles', 'people')",
                           name="audience_kind_known"),
        sa.CheckConstraint("due_kind IN ('fixed', 'after_joining', 'after_assignment')", name="due_kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="CASCADE"), index=True)
    path_id: Mapped[int | None] = mapped_column(sa.ForeignKey("learning_path.id", ondelete="CASCADE"), index=True)
    audience_kind: Mapped[str] = mapped_column(sa.String(10))
    audience_values: Mapped[list] = mapped_column(sa.JSON, default=list)
    dealer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dealer.id", ondelete="CASCADE"), index=True)
    due_kind: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date | None] = mapped_column(sa.Date)
    due_days: Mapped[int | None] = mapped_column()
    renew_days_before: Mapped[int | None] = mapped_column()
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    people: Mapped[list[AssignmentPerson]] = relationship(back_populates="assignment", passive_deletes=True)


class AssignmentPerson(db.Model):
    """One person's copy of an assignment: their due date, completion, exemption and notices sent.

    ``counts_from`` None: any completion of the course counts; set when a recurring assignment
    re-opens (``cycle`` + 1), so only a completion after it does. The ``*_sent_at`` columns claim
    each notice of the current cycle once.
    """

    __tablename__ = "assignment_person"
    __table_args__ = (
        sa.UniqueConstraint("assignment_id", "user_id", name="uq_assignment_person_assignment_id_user_id"),
        sa.Index("ix_assignment_person_user_due", "user_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_on: Mapped[date] = mapped_column(sa.Date)
    cycle: Mapped[int] = mapped_column(default=1, server_default="1")
    counts_from: Mapped[datetime | None] = mapped_column()
    completed_at: Mapped[datetime | None] = mapped_column()
    exempt_reason: Mapped[str | None] = mapped_column(sa.String(500))
    exempted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    exempted_at: Mapped[datetime | None] = mapped_column()
    new_sent_at: Mapped[datetime | None] = mapped_column()
    due_soon_sent_at: Mapped[datetime | None] = mapped_column()
    overdue_sent_at: Mapped[datetime | None] = mapped_column()

    assignment: Mapped[Assignment] = relationship(back_populates="people")


class CalendarFeed(db.Model):
    """A learner's private iCalendar feed: only the SHA-256 of its secret is kept; revoking deletes the row."""

    __tablename__ = "assignment_calendar_feed"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    token_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
