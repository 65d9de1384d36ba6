"""Dealers (partner organisations) and the users who belong to them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth import sessions
from lms.extensions import db
from lms.timeutil import utcnow


class Role:
    """The five roles. A user has exactly one."""

    LEARNER = "learner"
    DEALER_ADMIN = "dealer_admin"
    AUTHOR = "author"
    MANAGER = "manager"
    ADMIN = "admin"
    ALL = (LEARNER, DEALER_ADMIN, AUTHOR, MANAGER, ADMIN)


ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.DEALER_ADMIN: _l("Dealer admin"),
    Role.AUTHOR: _l("Author"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}

# Dealer tiers are codes the operator types (audiences match them exactly); the usual ones are
# shown translated, any other code as typed.
TIER_LABELS = {
    "platinum": _l("Platinum"),
    "gold": _l("Gold"),
    "silver": _l("Silver"),
    "bronze": _l("Bronze"),
}


def tier_label(tier: str | None) -> str:
    """A dealer tier as people read it: «Золото» for ``gold``, an unknown code unchanged."""
    return str(TIER_LABELS.get(tier, tier or ""))


class Dealer(db.Model):
    """A partner organisation; its staff are users, its tier and region drive targeting."""

    __tablename__ = "dealer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    tax_id: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    tier: Mapped[str] = mapped_column(sa.String(40), index=True)
    region: Mapped[str] = mapped_column(sa.String(120), index=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="dealer")

    def __repr__(self) -> str:
        return f"<Dealer {self.id} {self.name!r}>"


class User(UserMixin, db.Model):
    """A person: dealer staff (learner, dealer admin) or manufacturer staff (author, manager, admin)."""

    __tablename__ = "user"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('learner', 'dealer_admin', 'author', 'manager', 'admin')", name="role_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # SSO users have no password: they can only come in through their host portal.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    dealer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dealer.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(20), default=Role.LEARNER)
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    # An IANA zone name; None follows the portal's BABEL_DEFAULT_TIMEZONE (lms.auth.timezones).
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column()

    dealer: Mapped[Dealer | None] = relationship(back_populates="users")

    # The server-side session (lms.auth.sessions) this object was loaded for or signed in with.
    session_token = None  # str, set by load_user or at sign-in; never mapped

    def cookie_id(self) -> str:
        """The id Flask-Login keeps in the cookies (its ``id_attribute``): the account and its session.

        A sign-in that started no session first (SSO calls ``login_user`` directly) gets one as long
        as the session cookie's own lifetime; the caller's commit keeps it.
        """
        if self.session_token is None:
            self.session_token = sessions.start_session(
                self.id, lifetime=current_app.permanent_session_lifetime)
        return sessions.cookie_user_id(self.id, self.session_token)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users at sign-in and on load
        return bool(self.active) and (self.dealer is None or bool(self.dealer.active))

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email!r} {self.role}>"
