"""API tokens (hashed, scoped) and the external ids host systems use for our users."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db
from lms.timeutil import utcnow

# read:dealers and read:users are ours on top of the three: listing people and dealers is
# personal/commercial data a progress-only integration should not get implicitly.
# xapi:read / xapi:write are the LRS's (/xapi/, HTTP Basic): reading every learner's statements and
# documents, and writing statements and documents; neither implies the other (docs/xapi.md).
SCOPES = ("read:dealers", "read:users", "write:users", "read:progress", "read:certificates",
          "xapi:read", "xapi:write")

# How an external id came to point at a user. Only "created" and "admin" let the integration update
# the user; "adopted" marks links made by e-mail before that was refused, until an admin confirms them.
LINK_CREATED, LINK_ADMIN, LINK_ADOPTED = "created", "admin", "adopted"
MANAGING_LINKS = (LINK_CREATED, LINK_ADMIN)


class ApiToken(db.Model):
    """A bearer token of one integration; only a lookup prefix and the SHA-256 of the value are kept."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The issuer or integration the token belongs to; external user ids are namespaced by it.
    integration: Mapped[str] = mapped_column(sa.String(120), index=True)
    prefix: Mapped[str] = mapped_column(sa.String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    scopes: Mapped[str] = mapped_column(sa.String(255))  # space-separated, as in OAuth
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ApiUserLink(db.Model):
    """Maps an integration's own id for a person to our user: one it created, or one an admin linked to it."""

    __tablename__ = "api_user_link"
    __table_args__ = (sa.UniqueConstraint("integration", "external_id", name="uq_api_user_link_integration_external"),
                      sa.UniqueConstraint("integration", "user_id", name="uq_api_user_link_integration_user"))

    id: Mapped[int] = mapped_column(primary_key=True)
    integration: Mapped[str] = mapped_column(sa.String(120))
    external_id: Mapped[str] = mapped_column(sa.String(200))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    origin: Mapped[str] = mapped_column(sa.String(16), default=LINK_CREATED, server_default=LINK_CREATED)
    # The admin who linked an existing user (origin "admin"); kept as None if that account is deleted.
    linked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
