"""SSO tables: who a host portal's subject is here, which dealer its dealer id is, which token ids were used."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

# How a (issuer, sub) came to point at a user: the first sign-in created the user; an admin linked an
# existing account; or an issuer trusted with link_existing_accounts matched its e-mail.
IDENTITY_CREATED, IDENTITY_ADMIN, IDENTITY_EMAIL = "created", "admin", "email"


class SsoIdentity(db.Model):
    """A host portal's user (issuer + ``sub``) linked to our user; by e-mail only for an issuer trusted for it."""

    __tablename__ = "sso_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(64))
    sub: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    origin: Mapped[str] = mapped_column(sa.String(16), default=IDENTITY_CREATED, server_default=IDENTITY_CREATED)
    # The admin who linked an existing account (origin "admin"); None once that account is deleted.
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column()


class SsoDealerLink(db.Model):
    """A host portal's dealer id linked to our dealer, so renames on the host follow through."""

    __tablename__ = "sso_dealer_link"
    __table_args__ = (sa.UniqueConstraint("issuer", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(64))
    external_id: Mapped[str] = mapped_column(sa.String(255))
    dealer_id: Mapped[int] = mapped_column(sa.ForeignKey("dealer.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SsoUsedJti(db.Model):
    """A token id already used for sign-in: the unique key refuses replays across processes and restarts."""

    __tablename__ = "sso_used_jti"
    __table_args__ = (sa.UniqueConstraint("issuer", "jti"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(64))
    jti: Mapped[str] = mapped_column(sa.String(255))
    # Kept until the token could no longer pass the time checks anyway, then purged.
    expires_at: Mapped[datetime] = mapped_column(index=True)
