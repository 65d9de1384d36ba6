"""Issue and redeem single-use account links. Services: never commit."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from lms.extensions import db
from lms.people.models import AccountToken
from lms.timeutil import utcnow


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()


def issue_token(user_id: int, purpose: str, lifetime: timedelta, *, created_by: int | None = None) -> str:
    """A new link secret for ``user_id``; earlier unused links of the same purpose stop working."""
    now = utcnow()
    db.session.execute(sa.update(AccountToken).where(
        AccountToken.user_id == user_id, AccountToken.purpose == purpose, AccountToken.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    secret = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user_id, purpose=purpose, secret_hash=_hash(secret), created_by=created_by,
                                created_at=now, expires_at=now + lifetime))
    return secret


def live_token(secret: str, purpose: str) -> AccountToken | None:
    """The unused, unexpired link with this secret, or None (unknown, used, expired, other purpose)."""
    if not secret or len(secret) > 100:
        return None
    token = db.session.scalar(sa.select(AccountToken).where(AccountToken.secret_hash == _hash(secret)))
    if token is None or token.purpose != purpose or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def use_token(token: AccountToken) -> bool:
    """Mark the link used; False if another request used it first (the UPDATE is the single-use check)."""
    used = db.session.execute(sa.update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
                              .values(used_at=utcnow()).execution_options(synchronize_session=False))
    return used.rowcount == 1
