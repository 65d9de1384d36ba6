"""Sign-in throttling per account and per client address, shared by all workers through the database."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class LoginFailure(db.Model):
    """One failed sign-in, recorded under two keys: ``account:<email>`` and ``ip:<address>``."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_key_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


def throttle_keys(email: str, address: str | None) -> tuple[str, str]:
    return f"account:{(email or '').strip().lower()[:254]}", f"ip:{address or 'unknown'}"


def retry_after_minutes(email: str, address: str | None, *, window_minutes: int, per_account: int,
                        per_address: int) -> int | None:
    """Minutes until sign-in may be tried again, or None when it is allowed now (one query)."""
    account_key, address_key = throttle_keys(email, address)
    since = utcnow() - timedelta(minutes=window_minutes)
    rows = db.session.execute(
        sa.select(LoginFailure.key, sa.func.count(), sa.func.min(LoginFailure.failed_at))
        .where(LoginFailure.key.in_((account_key, address_key)), LoginFailure.failed_at >= since)
        .group_by(LoginFailure.key)
    ).all()
    limits = {account_key: per_account, address_key: per_address}
    blocked_until = [
        oldest + timedelta(minutes=window_minutes) for key, count, oldest in rows if count >= limits[key]
    ]
    if not blocked_until:
        return None
    seconds = (max(blocked_until) - utcnow()).total_seconds()
    return max(1, int(seconds // 60) + 1)


def record_failure(email: str, address: str | None, *, window_minutes: int) -> None:
    """Remember a failed attempt and forget the ones that left the window."""
    now = utcnow()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at < now - timedelta(minutes=window_minutes)))
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in throttle_keys(email, address))


def clear_account_failures(email: str) -> None:
    """A successful sign-in wipes the account's failures (the address keeps its count)."""
    account_key, _ = throttle_keys(email, None)
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.key == account_key))
