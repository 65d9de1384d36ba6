"""Public functions other domains and plugins may call (stable; see the cross-domain contracts)."""
from __future__ import annotations

import sqlalchemy as sa

from lms.certificates.models import Certificate
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow

# The domain's plugin name, as LMS_DISABLED_PLUGINS spells it.
PLUGIN_NAME = "lms.certificates.hooks"


def certificates_enabled() -> bool:
    """True when the current app loads the certificates domain (``LMS_DISABLED_PLUGINS`` may leave it
    out, and then its tables do not exist)."""
    return plugin_manager().get_plugin(PLUGIN_NAME) is not None


def _live(now):
    return sa.and_(Certificate.revoked_at.is_(None),
                   sa.or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def has_valid_certificate(user_id: int, *, course_slug: str | None = None, product_line: str | None = None) -> bool:
    """True when ``user_id`` holds a valid (not expired, not revoked) certificate, optionally for a
    course slug and/or any course of a product line; always False while the domain is disabled."""
    from lms.courses.models import Course

    if not certificates_enabled():
        return False

    query = sa.select(Certificate.id).where(Certificate.user_id == user_id, _live(utcnow()))
    if course_slug is not None or product_line is not None:
        query = query.join(Course, Course.id == Certificate.course_id)
        if course_slug is not None:
            query = query.where(Course.slug == course_slug)
        if product_line is not None:
            query = query.where(Course.product_line == product_line)
    return db.session.scalar(query.limit(1)) is not None


def user_certificates(user_id: int) -> list[dict]:
    """Every certificate of ``user_id``, newest first, as plain dicts with their current ``status``."""
    now = utcnow()
    rows = db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == user_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return [
        {
            "id": c.id, "serial": c.serial, "code": c.code, "course_id": c.course_id,
            "course_version": c.course_version, "course_title": c.course_title,
            "learner_name": c.learner_name, "dealer_id": c.dealer_id, "dealer_name": c.dealer_name,
            "score_percent": c.score_percent, "issued_at": c.issued_at, "expires_at": c.expires_at,
            "revoked_at": c.revoked_at, "revoke_reason": c.revoke_reason, "status": c.status_at(now),
        }
        for c in rows
    ]
