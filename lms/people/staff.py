"""Who may manage whom, staff invitations and (de)activation. Services: never commit."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.auth import sessions
from lms.auth.models import Role, User
from lms.auth.services import create_user, set_password
from lms.extensions import db
from lms.notifications.service import queue_mail, recipient_locale
from lms.people.models import TokenPurpose
from lms.people.tokens import issue_token, live_token, use_token

DEALER_STAFF_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)


def can_manage(actor: User, target: User) -> bool:
    """Admins manage everyone but themselves; a dealer admin manages the staff of their own dealer only."""
    if actor.id == target.id:
        return False
    if actor.role == Role.ADMIN:
        return True
    return (actor.role == Role.DEALER_ADMIN and actor.dealer_id is not None and target.dealer_id == actor.dealer_id
            and target.role in DEALER_STAFF_ROLES)


def set_active(actor: User, target: User, active: bool) -> None:
    """(De)activate ``target``; a deactivated person's sessions end at once. Raises PermissionError."""
    if not can_manage(actor, target):
        raise PermissionError(target.id)
    target.active = active
    if not active:
        sessions.end_every_session(target.id)


def invite_staff(actor: User, *, email: str, name: str, invitation_url) -> User:
    """Create a learner of the actor's dealer without a password and e-mail them a single-use link.

    ``invitation_url(secret)`` builds the absolute link. Raises AccountError (e.g. the address has an account).
    """
    if actor.role != Role.DEALER_ADMIN or actor.dealer_id is None:
        raise PermissionError(actor.id)
    user = create_user(email=email, name=name, role=Role.LEARNER, dealer_id=actor.dealer_id, password=None,
                       source="invitation")
    db.session.flush()
    days = int(current_app.config["INVITATION_LINK_DAYS"])
    secret = issue_token(user.id, TokenPurpose.INVITATION, timedelta(days=days), created_by=actor.id)
    with force_locale(recipient_locale(user)):
        subject = _("%(name)s invites you to the dealer training portal", name=actor.name)
        body = _("Hello, %(name)s!\n\n%(inviter)s has invited you to the training portal of %(dealer)s. "
                 "Follow this link within %(days)d days to choose your password; it works once:\n\n%(url)s\n",
                 name=user.name, inviter=actor.name, dealer=actor.dealer.name if actor.dealer else "", days=days,
                 url=invitation_url(secret))
    queue_mail(user.email, subject, body, user_id=user.id)
    return user


def invitation_user(secret: str) -> User | None:
    token = live_token(secret, TokenPurpose.INVITATION)
    user = db.session.get(User, token.user_id) if token else None
    return user if user is not None and user.is_active else None


def accept_invitation(secret: str, *, name: str, password: str) -> User | None:
    """Set the invited person's name and password and use up the link; None if the link is dead."""
    token = live_token(secret, TokenPurpose.INVITATION)
    user = db.session.get(User, token.user_id) if token else None
    if user is None or not user.is_active:
        return None
    set_password(user, password, min_length=current_app.config["PASSWORD_MIN_LENGTH"])
    user.name = name.strip()[:200] or user.name
    return user if use_token(token) else None


def staff_query(actor: User) -> sa.Select:
    """The people a dealer admin sees on their staff page: their own dealer's."""
    return sa.select(User).where(User.dealer_id == actor.dealer_id)

