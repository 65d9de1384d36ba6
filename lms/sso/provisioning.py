"""Just-in-time accounts from verified SSO claims: create on first sign-in, refresh on later ones.

The link is (issuer, sub), never the email: a host portal that asserts someone's email must not
get that person's local account. When the claimed email already belongs to another account (or
no email is claimed), the SSO account gets a placeholder address on the reserved ``.example``
domain, so ``user.email`` stays unique and nothing is ever mailed to a stranger.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.auth.models import Dealer, Role, User
from lms.auth.services import AccountError, create_user, normalize_email
from lms.extensions import db
from lms.sso.models import SsoDealerLink, SsoIdentity
from lms.sso.tokens import SsoClaims
from lms.timeutil import utcnow

# The highest mapped role wins when a token carries several.
ROLE_PRECEDENCE = (Role.ADMIN, Role.MANAGER, Role.AUTHOR, Role.DEALER_ADMIN, Role.LEARNER)
DEALER_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)
PLACEHOLDER_EMAIL_DOMAIN = "sso.example"  # RFC 2606: never delivered anywhere



class ProvisioningError(Exception):
    """Sign-in is refused after the token was accepted; ``code`` is stable, ``message`` translated lazily."""

    def __init__(self, code: str, message):
        self.code = code
        self.message = message
        super().__init__(code)


def _dealer_required() -> ProvisioningError:
    return ProvisioningError("dealer_required", _l(
        "Your portal did not say which dealer you work for, so your account cannot be set up. "
        "Please contact your portal's administrator."))


def pick_role(mapped_roles: tuple[str, ...]) -> str:
    """Our single role from the token's mapped roles: the highest one, or learner."""
    for role in ROLE_PRECEDENCE:
        if role in mapped_roles:
            return role
    return Role.LEARNER


def placeholder_email(issuer: str, sub: str) -> str:
    """A stable, unique, undeliverable address for an SSO account without a usable email."""
    digest = hashlib.sha256(f"{issuer}\0{sub}".encode()).hexdigest()[:24]
    return f"sso-{digest}@{PLACEHOLDER_EMAIL_DOMAIN}"


def _email_owner(email: str) -> int | None:
    return db.session.scalar(sa.select(User.id).where(User.email == email))


def _claimed_email(claims: SsoClaims) -> str | None:
    if not claims.email:
        return None
    try:
        return normalize_email(claims.email)
    except AccountError:
        return None


def upsert_dealer(issuer: str, claim: dict) -> Dealer:
    """Our dealer for the host's dealer id: created on first sight, refreshed from the claim later."""
    link = db.session.scalar(sa.select(SsoDealerLink).where(SsoDealerLink.issuer == issuer,
                                                           SsoDealerLink.external_id == claim["id"]))
    if link is None:
        dealer = Dealer(name=claim.get("name") or claim["id"], tier=claim.get("tier") or "",
                        region=claim.get("region") or "")
        db.session.add(dealer)
        db.session.flush()
        db.session.add(SsoDealerLink(issuer=issuer, external_id=claim["id"], dealer_id=dealer.id))
        return dealer
    dealer = db.session.get(Dealer, link.dealer_id)
    for field in ("name", "tier", "region"):
        if claim.get(field):  # an absent value keeps ours; the host may send only the id
            setattr(dealer, field, claim[field])
    return dealer


def _locale(claims: SsoClaims, languages) -> str | None:
    if not claims.locale:
        return None
    language = claims.locale.replace("_", "-").split("-")[0].lower()
    return language if language in languages else None


def provision_user(claims: SsoClaims, *, languages=("ru", "en")) -> User:
    """The user for these verified claims, created or updated; raises ProvisioningError. Never commits."""
    dealer = upsert_dealer(claims.issuer, claims.dealer) if claims.dealer else None
    role = pick_role(claims.roles)
    identity = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.issuer == claims.issuer,
                                                             SsoIdentity.sub == claims.sub))
    if identity is None:
        user = _create(claims, dealer, role, languages)
        identity = SsoIdentity(issuer=claims.issuer, sub=claims.sub, user_id=user.id)
        db.session.add(identity)
    else:
        user = db.session.get(User, identity.user_id)
        _update(user, claims, dealer, role)
    if not user.is_active:
        raise ProvisioningError("deactivated", _l("This account is deactivated. Contact your administrator."))
    identity.last_login_at = user.last_seen_at = utcnow()
    db.session.flush()
    return user


def _create(claims: SsoClaims, dealer: Dealer | None, role: str, languages) -> User:
    if role in DEALER_ROLES and dealer is None:
        raise _dealer_required()
    email = _claimed_email(claims)
    if email is None or _email_owner(email) is not None:
        email = placeholder_email(claims.issuer, claims.sub)
    name = claims.name or (claims.email or "").split("@")[0] or claims.sub
    try:
        return create_user(email=email, name=name[:200], role=role,
                           dealer_id=dealer.id if role in DEALER_ROLES else None,
                           locale=_locale(claims, languages), source="sso")
    except AccountError as error:
        raise ProvisioningError("bad_profile", error.message) from None


def _update(user: User, claims: SsoClaims, dealer: Dealer | None, role: str) -> None:
    if claims.name:
        user.name = claims.name[:200]
    email = _claimed_email(claims)
    if email and email != user.email and _email_owner(email) is None:
        user.email = email  # a claimed address that another account holds is never taken over
    if role in DEALER_ROLES:
        if dealer is not None:
            user.dealer_id = dealer.id
        elif user.dealer_id is None:
            raise _dealer_required()
    else:
        user.dealer_id = None  # manufacturer staff belong to no dealer
    user.role = role
    db.session.flush()
    db.session.refresh(user, ["dealer"])
