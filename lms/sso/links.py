"""Admin links of an existing account to a host portal's subject: the way an issuer gets an account it did not create.

Services: the caller commits.
"""
from __future__ import annotations

import sqlalchemy as sa

from lms.auth.models import User
from lms.auth.services import find_user
from lms.extensions import db
from lms.sso.models import IDENTITY_ADMIN, SsoIdentity

MAX_SUB = 255


class IdentityLinkError(ValueError):
    """A refused link request, in plain words for the shell."""


def link_identity(*, issuer: str, sub: str, user_reference: str, linked_by_id: int,
                  known_issuers) -> tuple[SsoIdentity, bool]:
    """Link (issuer, sub) to an existing user on an admin's word; returns (identity, changed)."""
    if issuer not in known_issuers:
        known = ", ".join(sorted(known_issuers)) or "none"
        raise IdentityLinkError(f"No SSO issuer is named {issuer!r} (known: {known}).")
    if not sub or len(sub) > MAX_SUB:
        raise IdentityLinkError(f"The subject (sub) must be 1–{MAX_SUB} characters.")
    user = find_user(user_reference)
    if user is None:
        raise IdentityLinkError(f"No user has the e-mail or id {user_reference!r}.")
    by_sub = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.sub == sub))
    if by_sub is not None:
        if by_sub.user_id == user.id:
            return by_sub, False
        other = db.session.get(User, by_sub.user_id)
        raise IdentityLinkError(f"{issuer} subject {sub!r} already signs in as {other.email}; unlink it first.")
    by_user = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.issuer == issuer,
                                                             SsoIdentity.user_id == user.id))
    if by_user is not None:
        raise IdentityLinkError(f"{user.email} already signs in through {issuer} as {by_user.sub!r}; unlink it first.")
    identity = SsoIdentity(issuer=issuer, sub=sub, user_id=user.id, origin=IDENTITY_ADMIN, linked_by_id=linked_by_id)
    db.session.add(identity)
    db.session.flush()
    return identity, True


def unlink_identity(issuer: str, sub: str) -> SsoIdentity | None:
    """Remove (issuer, sub)'s link; the account stays. None when there is no such link."""
    identity = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.issuer == issuer, SsoIdentity.sub == sub))
    if identity is not None:
        db.session.delete(identity)
        db.session.flush()
    return identity
