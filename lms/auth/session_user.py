"""Flask-Login wiring: load the signed-in user (with their dealer) and keep last-seen fresh."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from lms.auth.models import User
from lms.database import READ_ONLY_METHODS
from lms.extensions import db, login_manager
from lms.timeutil import utcnow

# Refreshing last-seen on every request would turn every page view into a write.
LAST_SEEN_RESOLUTION = timedelta(minutes=10)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(touch_last_seen)


def load_user(user_id: str) -> User | None:
    """One query for the user and their dealer; deactivated accounts are signed out."""
    if not user_id.isdigit():
        return None
    user = db.session.scalar(
        sa.select(User).options(joinedload(User.dealer)).where(User.id == int(user_id))
    )
    return user if user is not None and user.is_active else None


def touch_last_seen() -> None:
    """Update last-seen at most every few minutes.

    A page view writes it in its own short transaction. A write request already holds the
    write lock (SQLite: BEGIN IMMEDIATE), so a second connection would wait for it; there the
    change rides on the request's own transaction, which the view commits.
    """
    if not current_user.is_authenticated:
        return
    now = utcnow()
    if current_user.last_seen_at and now - current_user.last_seen_at < LAST_SEEN_RESOLUTION:
        return
    if request.method in READ_ONLY_METHODS:
        with db.engine.begin() as connection:
            connection.execute(sa.update(User).where(User.id == current_user.id).values(last_seen_at=now))
        db.session.expire(current_user._get_current_object(), ["last_seen_at"])
        return
    current_user.last_seen_at = now
