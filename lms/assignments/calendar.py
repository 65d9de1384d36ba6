"""The learner's private iCalendar feed of deadlines, at a secret URL they can revoke or regenerate.

Only the SHA-256 of the secret is stored: the full URL is shown once, when it is made; a new one
replaces the old, and revoking deletes it, so an old URL answers 404.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta, timezone

import sqlalchemy as sa
from flask_babel import gettext as _
from icalendar import Calendar, Event

from lms.assignments.models import CalendarFeed
from lms.assignments.queries import my_assignments
from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user_id: int) -> str:
    """A new secret for the user's feed (replacing any earlier one); returns it to show once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = db.session.get(CalendarFeed, user_id)
    if feed is None:
        db.session.add(CalendarFeed(user_id=user_id, token_sha256=_digest(token), created_at=utcnow()))
    else:
        feed.token_sha256 = _digest(token)
        feed.created_at = utcnow()
    db.session.flush()
    return token


def revoke_feed(user_id: int) -> bool:
    """Delete the user's feed; True when there was one."""
    return bool(db.session.execute(sa.delete(CalendarFeed).where(CalendarFeed.user_id == user_id)).rowcount)


def feed_of(user_id: int) -> CalendarFeed | None:
    return db.session.get(CalendarFeed, user_id)


def feed_owner(token: str) -> User | None:
    """The active user whose feed has this secret, or None (unknown, revoked, or an inactive account)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    user = db.session.scalar(sa.select(User).join(CalendarFeed, CalendarFeed.user_id == User.id)
                             .where(CalendarFeed.token_sha256 == _digest(token)))
    return user if user is not None and user.is_active else None


def feed_ics(user: User, portal_name: str, host: str) -> bytes:
    """The user's open assignments as all-day events on their due dates."""
    calendar = Calendar()
    calendar.add("prodid", "-//lms//assignments//")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("%(portal)s: deadlines", portal=portal_name))
    stamp = utcnow()
    for item in my_assignments(user.id, stamp.date()):
        event = Event()
        event.add("uid", f"assignment-{item.person_id}-{item.cycle}@{host}")
        event.add("dtstamp", stamp.replace(tzinfo=timezone.utc))
        event.add("summary", _("Due: %(title)s", title=item.title))
        event.add("dtstart", item.due_on)
        event.add("dtend", item.due_on + timedelta(days=1))
        calendar.add_component(event)
    return calendar.to_ical()
