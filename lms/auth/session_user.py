"""Flask-Login wiring: load the signed-in user (with their dealer) and keep last-seen fresh.

A cookie signs a user in only while its server-side session lives (``lms.auth.sessions``): every
check below is part of a statement the request runs anyway, so ending sessions costs no query.
"""
from __future__ import annotations

from datetime import timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from lms.auth import sessions
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
    # login_user stores what this method returns: the account's id and its server-side session.
    login_manager.id_attribute = "cookie_id"
    login_manager.user_loader(load_user)
    app.before_request(touch_last_seen)


# Every signed-in request runs this; built once, it only binds values (no statement building per request).
_USER_WITH_DEALER = (
    sa.select(User).options(joinedload(User.dealer))
    .where(User.id == sa.bindparam("user_id"),
           sessions.live_session(User.id, sa.bindparam("token"), sa.bindparam("now", type_=sa.DateTime())))
)


def load_user(cookie_user_id: str) -> User | None:
    """One query for the user, their dealer and their session; deactivated accounts and ended or
    expired sessions are signed out."""
    identity = sessions.parse_cookie_user_id(cookie_user_id)
    if identity is None:
        return None
    user_id, token = identity
    user = db.session.scalar(_USER_WITH_DEALER, {"user_id": user_id, "token": token, "now": utcnow()})
    if user is None or not user.is_active:
        return None
    user.session_token = token
    return user


def session_identity() -> tuple[int, str] | None:
    """(user id, session token) from the signed session cookie, without loading the account.

    Only for views that check the account and the session themselves, in their own SQL
    (``session_login_required``). A session restored from the remember-me cookie has no id yet:
    Flask-Login loads it as usual.
    """
    identity = sessions.parse_cookie_user_id(session.get("_user_id"))
    if identity is not None:
        return identity
    return (current_user.id, current_user.session_token) if current_user.is_authenticated else None


def session_login_required(view):
    """``login_required`` for hot JSON endpoints (the quiz autosave) that save a query per request.

    The view gets the user id in ``g.lms_user_id`` and the session token in ``g.lms_session_token``
    and must itself check, in the same statement that loads its object, that the account and its
    dealer are active, that the session lives (``sessions.live_session``) and that the account owns
    the object: it skips loading the account (and the last-seen refresh, which the page the request
    came from did). A 404 for an ended session is answered as for a signed-out visitor.
    """

    @wraps(view)
    def wrapped(*args, **kwargs):
        identity = session_identity()
        if identity is None:
            return current_app.login_manager.unauthorized()
        g.lms_user_id, g.lms_session_token = identity
        response = current_app.make_response(view(*args, **kwargs))
        # Only a refusal pays for this query: the view's own statement found nothing.
        if response.status_code == 404 and not sessions.is_live(*identity):
            return current_app.login_manager.unauthorized()
        return response

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
