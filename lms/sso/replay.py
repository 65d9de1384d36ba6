"""The database replay store for SSO token ids: record atomically, refuse a second use, purge old rows."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from lms.extensions import db
from lms.sso.models import SsoUsedJti
from lms.sso.tokens import LEEWAY_SECONDS
from lms.timeutil import utcnow


def record_jti(issuer: str, jti: str, expires_at: datetime) -> bool:
    """Record ``jti`` for ``issuer``; False when it was recorded before (a replay). Never commits.

    The unique key decides, not a prior SELECT, so two processes racing with the same token
    cannot both win: the second insert fails (on PostgreSQL it waits for the first to commit).
    """
    try:
        with db.session.begin_nested():
            db.session.add(SsoUsedJti(issuer=issuer, jti=jti, expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def purge_expired_jti(now: datetime | None = None) -> int:
    """Delete ids whose tokens are past ``exp`` plus the leeway (they would be refused as expired anyway)."""
    cutoff = (now or utcnow()) - timedelta(seconds=LEEWAY_SECONDS)
    result = db.session.execute(sa.delete(SsoUsedJti).where(SsoUsedJti.expires_at < cutoff))
    return result.rowcount or 0
