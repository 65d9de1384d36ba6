"""SCORM run-time tracking: the CMI data a learner's SCO committed, per unit (SCO) and attempt."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class ScormAttempt(db.Model):
    """One attempt of a learner on one SCO; every commit overwrites ``cmi`` and the summary columns.

    The summary columns (status, score, time, location) are copied out of the CMI data so reports
    and progress read them without unpacking JSON; ``cmi`` keeps the whole model (objectives,
    interactions, suspend data) so a resume on another device restores exactly what was committed.
    """

    __tablename__ = "scorm_attempt"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "unit_id", "number", name="uq_scorm_attempt_user_id_unit_id_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("elearning_unit.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    completion_status: Mapped[str] = mapped_column(sa.String(20), default="not attempted")
    success_status: Mapped[str] = mapped_column(sa.String(20), default="unknown")
    score_raw: Mapped[float | None] = mapped_column(sa.Float)
    score_scaled: Mapped[float | None] = mapped_column(sa.Float)
    location: Mapped[str] = mapped_column(sa.String(1000), default="")
    total_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    # The current session's time as last committed (a session's later commits repeat it, grown).
    session_seconds: Mapped[float] = mapped_column(sa.Float, default=0.0)
    commits: Mapped[int] = mapped_column(default=0)
    cmi: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column()


class ScormLearnerState(db.Model):
    """A learner's SCORM 2004 sequencing state in one package, beside the per-SCO attempts.

    ``state`` holds what the attempts cannot tell: the SCO suspended by suspendAll (resumed on the
    next launch), whether the course attempt ended (exitAll), cluster attempt counts, and per SCO the
    last attempt number that belongs to an earlier attempt of a retried ancestor (``stale``).
    ``shared_data`` holds the package's shared data stores (``adl.data``, by targetID).
    """

    __tablename__ = "scorm_learner_state"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "package_id", name="uq_scorm_learner_state_user_id_package_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    package_id: Mapped[int] = mapped_column(sa.ForeignKey("elearning_package.id", ondelete="CASCADE"), index=True)
    state: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    shared_data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
