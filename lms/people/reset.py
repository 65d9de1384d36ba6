"""Password reset by e-mail: the same answer for every address, throttled, single-use expiring links.

Requests are counted per client address and per account (known or not, in the sign-in throttle's
table), so neither the answer nor the throttle tells whether an account exists.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.auth import sessions
from lms.auth.models import User
from lms.auth.services import normalize_email, set_password
from lms.auth.throttle import LoginFailure
from lms.extensions import db
from lms.notifications.service import queue_mail, recipient_locale
from lms.people.models import TokenPurpose
from lms.people.tokens import issue_token, live_token, use_token
from lms.timeutil import utcnow


def _recent(key: str, minutes: int) -> int:
    since = utcnow() - timedelta(minutes=minutes)
    return db.session.scalar(sa.select(sa.func.count(LoginFailure.id)).where(
        LoginFailure.key == key, LoginFailure.failed_at >= since)) or 0


def address_throttled(address: str | None) -> bool:
    """True once this client address asked for too many resets within the window."""
    config = current_app.config
    return _recent(f"reset-ip:{address or 'unknown'}", config["PASSWORD_RESET_WINDOW_MINUTES"]) >= \
        config["PASSWORD_RESET_MAX_PER_ADDRESS"]


def request_reset(email: str, address: str | None, reset_url) -> None:
    """Record the request and, for an active account under its limit, queue the link. The caller commits.

    ``reset_url(secret)`` builds the absolute link. Nothing observable differs for unknown addresses.
    """
    config = current_app.config
    try:
        email = normalize_email(email)
    except ValueError:
        email = (email or "").strip().lower()[:254]
    account_key = f"reset-account:{email}"
    allowed = _recent(account_key, config["PASSWORD_RESET_WINDOW_MINUTES"]) < config["PASSWORD_RESET_MAX_PER_ACCOUNT"]
    db.session.add(LoginFailure(key=f"reset-ip:{address or 'unknown'}"))
    db.session.add(LoginFailure(key=account_key))
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if not allowed or user is None or not user.is_active:
        return
    secret = issue_token(user.id, TokenPurpose.PASSWORD_RESET,
                         timedelta(minutes=config["PASSWORD_RESET_LINK_MINUTES"]))
    with force_locale(recipient_locale(user)):
        subject = _("Resetting your password")
        body = _("Hello, %(name)s!\n\nSomeone (we hope you) asked to reset the password of your account. "
                 "Follow this link within %(minutes)d minutes to choose a new one; it works once:\n\n%(url)s\n\n"
                 "If you did not ask, ignore this e-mail: your password stays as it is.",
                 name=user.name, minutes=config["PASSWORD_RESET_LINK_MINUTES"], url=reset_url(secret))
    queue_mail(user.email, subject, body, user_id=user.id)


def reset_link_user(secret: str) -> User | None:
    """The person a live reset link belongs to, or None."""
    token = live_token(secret, TokenPurpose.PASSWORD_RESET)
    return db.session.get(User, token.user_id) if token else None


def complete_reset(secret: str, password: str) -> User | None:
    """Set the new password, use up the link and end every session; None if the link is dead.

    Raises ``AccountError`` for a password the rules refuse (the link stays usable). The caller commits.
    """
    token = live_token(secret, TokenPurpose.PASSWORD_RESET)
    if token is None:
        return None
    user = db.session.get(User, token.user_id)
    if user is None or not user.is_active:
        return None
    set_password(user, password, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    if not use_token(token):
        return None
    sessions.end_every_session(user.id)
    return user
