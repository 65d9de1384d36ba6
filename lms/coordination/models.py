"""Tables shared by every process and node: rate-limit counters, worker heartbeats, named leases."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class RateLimitCounter(db.Model):
    """Hits of one client key in one fixed window (``window_start`` in seconds since the epoch)."""

    __tablename__ = "rate_limit_counter"
    __table_args__ = (sa.Index("ix_rate_limit_counter_window_start", "window_start"),)

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    hits: Mapped[int] = mapped_column(default=0)


class WorkerHeartbeat(db.Model):
    """One running ``lms worker`` process; ``seen_at`` moves on while it lives (a kill -9 leaves it to age)."""

    __tablename__ = "worker_heartbeat"

    worker_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    hostname: Mapped[str] = mapped_column(sa.String(100))
    pid: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class NamedLease(db.Model):
    """A job only one worker should run at a time (``reports.snapshots``): held until ``held_until``."""

    __tablename__ = "named_lease"

    name: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(64))
    held_until: Mapped[datetime] = mapped_column()
