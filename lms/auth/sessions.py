"""Server-side sign-in sessions: what lets sign-out end a cookie on every worker and node.

The session cookie is signed, not stored, so a copy of it would stay valid until it expires. Each
sign-in therefore adds a row here, and the cookies name it: Flask-Login keeps ``"<user id>:<token>"``
as the user id of both the session and the remember-me cookie. A request is signed in only while
the row exists and has not expired; the check rides on the statement that loads the account (or, for
the autosave, on the statement that saves). Ending a session deletes its row. Callers own the
transaction.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

class UserSession(db.Model):
    """One signed-in browser: the token its cookies carry, until sign-out or ``expires_at``."""

    __tablename__ = "user_session"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


_sessions = UserSession.__table__


def live_session(user_id, token, now) -> sa.Exists:
    """The SQL condition that ``token`` is a live session of ``user_id`` (values, bound parameters
    or columns), for the statement that already loads the account or the object it owns."""
    return sa.exists().where(_sessions.c.token == token, _sessions.c.user_id == user_id,
                             _sessions.c.expires_at > now)


def cookie_user_id(user_id: int, token: str) -> str:
    """What Flask-Login stores as the user id in the session and remember-me cookies."""
    return f"{user_id}:{token}"


def parse_cookie_user_id(raw) -> tuple[int, str] | None:
    """(user id, session token) from a cookie's user id; None for anything else, such as the bare
    ids of cookies issued before sessions were kept on the server."""
    if not isinstance(raw, str):
        return None
    user_id, _, token = raw.partition(":")
    if not user_id.isdigit() or not token or len(token) > 64:
        return None
    return int(user_id), token


def start_session(user_id: int, *, lifetime: timedelta, now: datetime | None = None) -> str:
    """Record a new session of ``user_id`` and return its token; forgets every expired session."""
    now = now or utcnow()
    db.session.execute(sa.delete(UserSession).where(UserSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token=token, user_id=user_id, created_at=now, expires_at=now + lifetime))
    return token


def is_live(user_id: int, token: str | None, now: datetime | None = None) -> bool:
    if not token:
        return False
    return bool(db.session.scalar(sa.select(live_session(user_id, token, now or utcnow()))))


def count_live(user_id: int, now: datetime | None = None) -> int:
    """How many browsers are signed in to the account (shown on the account page)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == user_id, UserSession.expires_at > (now or utcnow())))


def end_session(user_id: int, token: str | None) -> None:
    """Sign-out: this session's cookies stop working everywhere."""
    if token:
        db.session.execute(sa.delete(UserSession).where(UserSession.token == token,
                                                        UserSession.user_id == user_id))


def end_other_sessions(user_id: int, keep_token: str | None) -> int:
    """Every session of ``user_id`` but ``keep_token`` ends (after a password change); returns how many."""
    condition = UserSession.user_id == user_id
    if keep_token:
        condition = sa.and_(condition, UserSession.token != keep_token)
    return db.session.execute(sa.delete(UserSession).where(condition)).rowcount


def end_every_session(user_id: int) -> int:
    """"Sign out everywhere": every browser of ``user_id``, this one included; returns how many."""
    return end_other_sessions(user_id, None)
