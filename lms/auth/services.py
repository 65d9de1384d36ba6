"""Account services: create users and dealers, check credentials. Callers own the transaction."""
from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from lms.auth import sessions
from lms.auth.models import Dealer, Role, User
from lms.auth.passwords import hash_password, verify_password
from lms.bounds import parse_id
from lms.events import emit
from lms.extensions import db
from lms.timeutil import utcnow


class AccountError(ValueError):
    """A user-facing refusal; ``message`` is a translatable text."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class WrongPasswordError(AccountError):
    """The password given to confirm an action is wrong: a guess, which the throttle counts."""


def normalize_email(raw: str) -> str:
    """Lower-cased, syntax-checked email; raises AccountError with a readable reason."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError(_l("Enter a valid email address.")) from None


def create_user(
    *,
    email: str,
    name: str,
    role: str,
    dealer_id: int | None = None,
    password: str | None = None,
    locale: str | None = None,
    source: str = "admin",
    min_password_length: int = 8,
) -> User:
    """Add a user and record ``lms_user_provisioned``; refuses duplicates and bad values."""
    email = normalize_email(email)
    name = (name or "").strip()
    if not name:
        raise AccountError(_l("Enter the person's name."))
    if role not in Role.ALL:
        raise AccountError(_l("Unknown role."))
    if role in (Role.LEARNER, Role.DEALER_ADMIN) and dealer_id is None:
        raise AccountError(_l("Learners and dealer admins must belong to a dealer."))
    if dealer_id is not None and db.session.get(Dealer, dealer_id) is None:
        raise AccountError(_l("Unknown dealer."))
    if password is not None and len(password) < min_password_length:
        raise AccountError(_l("The password must be at least %(n)d characters long.", n=min_password_length))
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise AccountError(_l("A user with this email already exists."))
    user = User(
        email=email,
        name=name,
        role=role,
        dealer_id=dealer_id,
        locale=locale,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    emit("lms_user_provisioned", user_id=user.id, source=source)
    return user


def set_password(user: User, password: str, *, min_length: int = 8) -> None:
    if len(password) < min_length:
        raise AccountError(_l("The password must be at least %(n)d characters long.", n=min_length))
    user.password_hash = hash_password(password)


def change_password(user: User, current_password: str, new_password: str, *, keep_session: str | None,
                    min_length: int = 8) -> int:
    """The owner's own password change: checks the current one, then ends every other session of
    the account (a thief's included) and keeps ``keep_session``; returns how many ended."""
    if not user.password_hash:
        raise AccountError(_l("Your account signs in through your company's portal: it has no password here."))
    if not verify_password(user.password_hash, current_password or ""):
        raise WrongPasswordError(_l("The current password is wrong."))
    set_password(user, new_password, min_length=min_length)
    return sessions.end_other_sessions(user.id, keep_session)


def authenticate(email: str, password: str) -> User:
    """The user for these credentials; raises AccountError saying why sign-in is refused."""
    try:
        email = normalize_email(email)
    except AccountError:
        email = ""
    user = db.session.scalar(
        sa.select(User).where(User.email == email).options(sa.orm.joinedload(User.dealer))
    ) if email else None
    if not verify_password(user.password_hash if user else None, password or ""):
        raise AccountError(_l("Wrong email or password."))
    if not user.is_active:
        raise AccountError(_l("This account is deactivated. Contact your administrator."))
    user.last_seen_at = utcnow()
    return user


def find_dealer(ref: str) -> Dealer | None:
    """A dealer by id, tax id or exact name (for the CLI)."""
    ref = (ref or "").strip()
    if (dealer_id := parse_id(ref)) is not None:
        dealer = db.session.get(Dealer, dealer_id)
        if dealer:
            return dealer
    return db.session.scalar(sa.select(Dealer).where(sa.or_(Dealer.tax_id == ref, Dealer.name == ref)))


def find_user(reference: str) -> User | None:
    """A user by id or e-mail, as an admin types it (the API's and SSO's link commands and pages)."""
    reference = (reference or "").strip()
    if (user_id := parse_id(reference)) is not None:
        return db.session.get(User, user_id)
    try:
        email = normalize_email(reference)
    except AccountError:
        return None
    return db.session.scalar(sa.select(User).where(User.email == email))
