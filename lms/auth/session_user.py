"""Flask-Login wiring: load the signed-in user (with their dealer) and keep last-seen fresh."""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
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


# Every signed-in request runs this; built once, it only binds the id (no statement building per request).
_USER_WITH_DEALER = sa.select(User).options(joinedload(User.dealer)).where(User.id == sa.bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """One query for the user and their dealer; deactivated accounts are signed out."""
    if not user_id.isdigit():
        return None
    user = db.session.scalar(_USER_WITH_DEALER, {"user_id": int(user_id)})
    return user if user is not None and user.is_active else None


def session_user_id() -> int | None:
    """The signed-in user's id, read from the signed session cookie without loading the account.

    Only for views that check the account themselves, in their own SQL (``session_login_required``).
    A session restored from the remember-me cookie has no id yet: Flask-Login loads it as usual.
    """
    raw = session.get("_user_id")
    if isinstance(raw, str) and raw.isdigit():
        return int(raw)
    return current_user.id if current_user.is_authenticated else None


def session_login_required(view):
    """``login_required`` for hot JSON endpoints (the quiz autosave) that save a query per request.

    The view gets the user id in ``g.lms_user_id`` and must itself check, in the same statement
    that loads its object, that the account and its dealer are active and own the object: it skips
    loading the account (and the last-seen refresh, which the page the request came from did).
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        user_id = session_user_id()
        if user_id is None:
            return current_app.login_manager.unauthorized()
        g.lms_user_id = user_id
        return view(*args, **kwargs)

    wrapped.lms_session_only = True
    return wrapped


def touch_last_seen() -> None:
    """Update last-seen at most every few minutes.

    A page view writes it in its own short transaction. A write request already holds the
    write lock (SQLite: BEGIN IMMEDIATE), so a second connection would wait for it; there the
    change rides on the request's own transaction, which the view commits.
    """
    if getattr(current_app.view_functions.get(request.endpoint), "lms_session_only", False):
        return
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
