"""Sign-in throttling, shared by all workers through the database (OWASP's advice on lock-outs).

A failure is recorded under three keys: the account at that address (``pair:``), the address
(``ip:``) and the account (``account:``). The first two have hard limits: an address that guesses
one account's password, or many accounts', is refused for a while. The account alone never is,
since whoever knows an e-mail address could then lock its owner out: past its own (much higher)
limit, the account is under attack from many addresses, and each address gets one try at it per
window instead of the pair's usual allowance. The owner, from an address of their own, can still
sign in.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow


class LoginFailure(db.Model):
    """One failed sign-in under one of its keys (see ``ThrottleKeys``)."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_key_at", "key", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Limits:
    """Failures allowed within ``window_minutes``; ``per_account`` is the soft one."""

    window_minutes: int
    per_account_and_address: int
    per_address: int
    per_account: int


@dataclass(frozen=True)
class ThrottleKeys:
    pair: str
    address: str
    account: str


def throttle_keys(email: str, address: str | None) -> ThrottleKeys:
    account = (email or "").strip().lower()[:254]
    address = address or "unknown"
    # Hashed: an e-mail address and an IPv6 address together may not fit the key column.
    pair = hashlib.sha256(f"{account}\n{address}".encode()).hexdigest()
    return ThrottleKeys(pair=f"pair:{pair}", address=f"ip:{address}", account=f"account:{account}")


def retry_after_minutes(email: str, address: str | None, limits: Limits) -> int | None:
    """Minutes until this address may try this account again, or None when it may now (one query)."""
    keys = throttle_keys(email, address)
    since = utcnow() - timedelta(minutes=limits.window_minutes)
    rows = db.session.execute(
        sa.select(LoginFailure.key, sa.func.count(), sa.func.min(LoginFailure.failed_at))
        .where(LoginFailure.key.in_((keys.pair, keys.address, keys.account)), LoginFailure.failed_at >= since)
        .group_by(LoginFailure.key)
    ).all()
    counts = {key: (count, oldest) for key, count, oldest in rows}
    under_attack = counts.get(keys.account, (0, None))[0] >= limits.per_account
    hard_limits = {keys.pair: 1 if under_attack else limits.per_account_and_address,
                   keys.address: limits.per_address}
    blocked_until = [
        oldest + timedelta(minutes=limits.window_minutes)
        for key, (count, oldest) in counts.items() if key in hard_limits and count >= hard_limits[key]
    ]
    if not blocked_until:
        return None
    seconds = (max(blocked_until) - utcnow()).total_seconds()
    return max(1, int(seconds // 60) + 1)


def record_failure(email: str, address: str | None, *, window_minutes: int) -> None:
    """Remember a failed attempt and forget the ones that left the window."""
    now = utcnow()
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.failed_at < now - timedelta(minutes=window_minutes)))
    keys = throttle_keys(email, address)
    db.session.add_all(LoginFailure(key=key, failed_at=now) for key in (keys.pair, keys.address, keys.account))


def clear_pair_failures(email: str, address: str | None) -> None:
    """A successful sign-in wipes this address's failures at this account. The address keeps its
    count (it may be guessing other accounts), and so does the account (an attack from elsewhere
    goes on whatever its owner does)."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.key == throttle_keys(email, address).pair))
