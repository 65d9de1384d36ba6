"""Issue, check and revoke API tokens. Services: the caller commits."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from lms.api.models import SCOPES, ApiToken
from lms.extensions import db
from lms.timeutil import utcnow

TOKEN_PREFIX = "lms_"
# lms_<8 lookup chars>_<43 secret chars>; the lookup part is stored, the whole value only hashed.
_TOKEN_RE = re.compile(r"lms_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{20,100})")
LAST_USED_RESOLUTION = timedelta(minutes=1)
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class TokenError(ValueError):
    """A refused token request; ``message`` is translatable."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def hash_token(value: str) -> str:
    # A 256-bit random secret needs no slow hash: SHA-256 is enough and keeps every request cheap.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def create_token(*, name: str, integration: str, scopes, created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """A new token and its value (shown once; only its hash is stored)."""
    name = (name or "").strip()
    integration = (integration or "").strip()
    scopes = sorted(set(scopes or ()))
    if not name or len(name) > 120:
        raise TokenError(_l("Enter a token name of at most 120 characters."))
    if not integration or len(integration) > 120:
        raise TokenError(_l("Enter the integration (issuer) name, at most 120 characters."))
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise TokenError(_l("Choose at least one scope among: %(scopes)s.", scopes=", ".join(SCOPES)))
    while True:
        prefix = "".join(secrets.choice(_ALNUM) for _ in range(8))
        if db.session.scalar(sa.select(ApiToken.id).where(ApiToken.prefix == prefix)) is None:
            break
    value = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken(name=name, integration=integration, prefix=prefix, token_hash=hash_token(value),
                     scopes=" ".join(scopes), created_by_id=created_by_id)
    db.session.add(token)
    db.session.flush()
    return token, value


def find_token(value: str) -> ApiToken | None:
    """The active token with this value, or None (malformed, unknown, wrong secret or revoked)."""
    match = _TOKEN_RE.fullmatch(value or "")
    if not match:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == match.group(1)))
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.token_hash, hash_token(value)):
        return None
    return token


def needs_last_used_update(token: ApiToken) -> bool:
    """Record use at most once a minute, so reads stay reads."""
    return token.last_used_at is None or utcnow() - token.last_used_at >= LAST_USED_RESOLUTION


def revoke_token(token_id: int) -> ApiToken | None:
    token = db.session.get(ApiToken, token_id)
    if token is not None and token.revoked_at is None:
        token.revoked_at = utcnow()
    return token
