"""Single-use, expiring account links (password reset, staff invitation); only a hash of the secret is kept."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class TokenPurpose:
    PASSWORD_RESET = "reset"
    INVITATION = "invite"


class AccountToken(db.Model):
    """A link's secret for one person and one purpose; used once, dead after ``expires_at``."""

    __tablename__ = "account_token"
    __table_args__ = (sa.CheckConstraint("purpose IN ('reset', 'invite')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(12))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # sha256 hex of the link's secret
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
