"""Just-in-time accounts from verified SSO claims: create on first sign-in, refresh on later ones.

The link is (issuer, sub). A host portal that asserts someone's e-mail does not get that person's
account: a first sign-in whose e-mail belongs to an existing account is refused (409, the account
is left as it was) unless an admin linked the account to that (issuer, sub) (``lms sso link``), or
the issuer is trusted with ``link_existing_accounts`` and the account is dealer staff that no other
issuer or API integration manages. An issuer changes the e-mail of an account with a local password
only if its sign-in created the account. Without a claimed e-mail, the account gets a placeholder
address on the reserved ``.example`` domain, so ``user.email`` stays unique and nothing is mailed.
"""
from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.auth.models import Dealer, Role, User
from lms.auth.services import AccountError, create_user, normalize_email
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.sso.models import IDENTITY_CREATED, IDENTITY_EMAIL, SsoDealerLink, SsoIdentity
from lms.sso.tokens import SsoClaims
from lms.timeutil import utcnow

# The highest mapped role wins when a token carries several.
ROLE_PRECEDENCE = (Role.ADMIN, Role.MANAGER, Role.AUTHOR, Role.DEALER_ADMIN, Role.LEARNER)
DEALER_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)
PLACEHOLDER_EMAIL_DOMAIN = "sso.example"  # RFC 2606: never delivered anywhere
API_PLUGIN = "lms.api.hooks"


class ProvisioningError(Exception):
    """Sign-in is refused after the token was accepted; ``code`` is stable, ``message`` translated lazily."""

    def __init__(self, code: str, message, status: int = 403):
        self.code = code
        self.message = message
        self.status = status
        super().__init__(code)


def _account_exists() -> ProvisioningError:
    return ProvisioningError("account_exists", _l(
        "An account with your e-mail address already exists on the learning portal, and your portal is not "
        "allowed to sign in to it. Please ask the learning portal's administrator to link it to your "
        "portal's account."), status=409)


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
        email = normalize_email(claims.email)
    except AccountError:
        return None
    # No host owns the placeholder domain; claiming it could only aim at another issuer's account.
    return None if email.endswith("@" + PLACEHOLDER_EMAIL_DOMAIN) else email


def _managed_by_another_party(user_id: int, issuer: str) -> bool:
    """True when an SSO identity or another API integration already speaks for this account."""
    if db.session.scalar(sa.select(SsoIdentity.id).where(SsoIdentity.user_id == user_id).limit(1)) is not None:
        return True
    if not plugin_manager().has_plugin(API_PLUGIN):
        return False  # without the API domain its tables may not exist, and nothing links through it
    from lms.api.models import ApiUserLink

    # An API integration of the same name is the same host (tokens are issued "for an integration or issuer").
    return db.session.scalar(sa.select(ApiUserLink.id).where(
        ApiUserLink.user_id == user_id, ApiUserLink.integration != issuer).limit(1)) is not None


def _linkable_by_email(email: str | None, issuer: str) -> User | None:
    """The existing account a trusted issuer's first sign-in may link to, or None when no account has ``email``."""
    if email is None:
        return None
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        return None
    if user.role not in DEALER_ROLES or _managed_by_another_party(user.id, issuer):
        raise _account_exists()
    return user


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


def provision_user(claims: SsoClaims, *, languages=("ru", "en"), link_existing_accounts: bool = False) -> User:
    """The user for these verified claims, created or updated; raises ProvisioningError. Never commits.

    ``link_existing_accounts`` is the issuer's trust to verify e-mails (see the module docstring).
    """
    dealer = upsert_dealer(claims.issuer, claims.dealer) if claims.dealer else None
    role = pick_role(claims.roles)
    identity = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.issuer == claims.issuer,
                                                             SsoIdentity.sub == claims.sub))
    existing = None
    if identity is None:
        email = _claimed_email(claims)
        if link_existing_accounts:
            existing = _linkable_by_email(email, claims.issuer)
        elif email is not None and _email_owner(email) is not None:
            raise _account_exists()
    if identity is None and existing is None:
        user = _create(claims, dealer, role, languages)
        identity = SsoIdentity(issuer=claims.issuer, sub=claims.sub, user_id=user.id, origin=IDENTITY_CREATED)
        db.session.add(identity)
    else:
        if identity is None:
            identity = SsoIdentity(issuer=claims.issuer, sub=claims.sub, user_id=existing.id, origin=IDENTITY_EMAIL)
            db.session.add(identity)
        user = existing or db.session.get(User, identity.user_id)
        _update(user, claims, dealer, role, may_change_email=identity.origin == IDENTITY_CREATED)
    if not user.is_active:
        raise ProvisioningError("deactivated", _l("This account is deactivated. Contact your administrator."))
    identity.last_login_at = user.last_seen_at = utcnow()
    db.session.flush()
    return user


def _create(claims: SsoClaims, dealer: Dealer | None, role: str, languages) -> User:
    if role in DEALER_ROLES and dealer is None:
        raise _dealer_required()
    email = _claimed_email(claims) or placeholder_email(claims.issuer, claims.sub)
    name = claims.name or (claims.email or "").split("@")[0] or claims.sub
    try:
        return create_user(email=email, name=name[:200], role=role,
                           dealer_id=dealer.id if role in DEALER_ROLES else None,
                           locale=_locale(claims, languages), source="sso")
    except AccountError as error:
        raise ProvisioningError("bad_profile", error.message) from None


def _update(user: User, claims: SsoClaims, dealer: Dealer | None, role: str, *, may_change_email: bool) -> None:
    if claims.name:
        user.name = claims.name[:200]
    email = _claimed_email(claims)
    # A claimed address that another account holds is never taken over; and an issuer that did not
    # create a password account cannot move it to an address it controls (the password would follow).
    if (email and email != user.email and _email_owner(email) is None
            and (may_change_email or user.password_hash is None)):
        user.email = email
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
