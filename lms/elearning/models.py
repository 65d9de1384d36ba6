"""Packages (an unpacked zip in the file storage), their launchable units, and launches (sessions)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

PACKAGE_KINDS = ("scorm12", "scorm2004", "cmi5", "tincan")
MOVE_ON = ("Passed", "Completed", "CompletedAndPassed", "CompletedOrPassed", "NotApplicable")


class ElearningPackage(db.Model):
    """One uploaded package; its files are objects ``<sha256>/<path>`` in the storage area ``elearning``."""

    __tablename__ = "elearning_package"
    __table_args__ = (sa.CheckConstraint("kind IN ('scorm12', 'scorm2004', 'cmi5', 'tincan')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    kind: Mapped[str] = mapped_column(sa.String(12))
    title: Mapped[str] = mapped_column(sa.String(300))
    course_id: Mapped[int | None] = mapped_column(sa.ForeignKey("course.id", ondelete="SET NULL"), index=True)
    file_count: Mapped[int] = mapped_column(default=0)
    total_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # The parsed manifest the runtimes need (SCORM organisation, cmi5 course structure …), as JSON.
    manifest: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ElearningUnit(db.Model):
    """A launchable part of a package (a cmi5 AU, the Tin Can activity, a SCORM SCO), shown as one lesson."""

    __tablename__ = "elearning_unit"
    __table_args__ = (sa.UniqueConstraint("package_id", "position", name="uq_elearning_unit_package_id_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("elearning_package.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int | None] = mapped_column(sa.ForeignKey("lesson.id", ondelete="SET NULL"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    # The package's own identifier (cmi5 AU publisher id, Tin Can activity id, SCORM item identifier).
    identifier: Mapped[str] = mapped_column(sa.String(1000))
    # A path inside the package, or an absolute http(s) URL (cmi5 AUs may live elsewhere).
    launch: Mapped[str] = mapped_column(sa.String(2000))
    move_on: Mapped[str] = mapped_column(sa.String(20), default="Completed")
    mastery_score: Mapped[float | None] = mapped_column(sa.Float)
    launch_method: Mapped[str] = mapped_column(sa.String(20), default="AnyWindow")
    launch_parameters: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class ElearningLaunch(db.Model):
    """One launch of a unit by a learner: a cmi5 session (with its one-time fetch URL) or a plain launch."""

    __tablename__ = "elearning_launch"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("elearning_unit.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    registration: Mapped[str] = mapped_column(sa.String(36), index=True)
    session_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
    fetch_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    fetched_at: Mapped[datetime | None] = mapped_column()
    credential_key: Mapped[str | None] = mapped_column(sa.String(32))
    initialized_at: Mapped[datetime | None] = mapped_column()
    terminated_at: Mapped[datetime | None] = mapped_column()
    abandoned_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ElearningResult(db.Model):
    """What a learner achieved in a unit (per registration): the moveOn inputs and whether it is satisfied."""

    __tablename__ = "elearning_result"
    __table_args__ = (sa.UniqueConstraint("unit_id", "user_id", name="uq_elearning_result_unit_id_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("elearning_unit.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    registration: Mapped[str] = mapped_column(sa.String(36))
    completed: Mapped[bool] = mapped_column(default=False)
    passed: Mapped[bool] = mapped_column(default=False)
    failed: Mapped[bool] = mapped_column(default=False)
    score_scaled: Mapped[float | None] = mapped_column(sa.Float)
    satisfied_at: Mapped[datetime | None] = mapped_column()
    # Runtime state a player keeps between sessions (SCORM's cmi data model), as JSON.
    runtime: Mapped[dict] = mapped_column(sa.JSON, default=dict)
