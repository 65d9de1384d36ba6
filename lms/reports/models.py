"""The reports domain's one table: snapshots of the all-dealer reports (see snapshots.py)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class ReportSnapshot(db.Model):
    """The last all-dealer result of one heavy report, recomputed by ``lms worker``."""

    __tablename__ = "report_snapshot"

    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    computed_at: Mapped[datetime] = mapped_column()
    payload: Mapped[list] = mapped_column(sa.JSON)
