"""Strict validation of SSO JWTs from trusted issuers, turning a raw token into plain claims or a coded refusal.

The unverified header and payload are read for one purpose only: the payload's ``iss`` picks the
issuer (and so the key and algorithms), the header's ``alg`` and ``kid`` pick the key. Nothing
read before the signature check is trusted or returned (it may only cause an earlier refusal);
the claims come from the verified decode.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

import jwt
from jwt import exceptions as jwt_errors
from email_validator import EmailNotValidError, validate_email

from lms.bounds import UNSTORABLE
from lms.sso.issuers import Issuer, KeyAlgorithmMismatch, KeySetUnavailable, UnknownKeyId

MAX_TOKEN_BYTES = 8 * 1024
LEEWAY_SECONDS = 60
MAX_LIFETIME_SECONDS = 300
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")
DEALER_FIELDS = ("id", "name", "tier", "region")
MAX_ID_LENGTH = 255
MAX_TEXT_LENGTH = 200
_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_LOCALE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")

# code -> English msgid shown to the user (the view translates it); codes are stable for logs and JSON.
MESSAGES = {
    "token_too_large": "The sign-in token is too large.",
    "malformed": "The sign-in token is not a valid token.",
    "unknown_issuer": "The sign-in token comes from a portal we do not trust.",
    "algorithm_not_allowed": "The sign-in token is signed with an algorithm this portal may not use.",
    "unknown_kid": "The sign-in token is signed with a key we do not know.",
    "key_unavailable": "The signing keys of your portal cannot be fetched right now. Please try again later.",
    "bad_signature": "The sign-in token's signature is not valid.",
    "expired": "The sign-in token has expired. Please sign in again from your portal.",
    "not_yet_valid": "The sign-in token is not valid yet. Please check your device clock and try again.",
    "bad_audience": "The sign-in token is meant for another application.",
    "bad_issuer": "The sign-in token's issuer does not match its signing portal.",
    "lifetime_too_long": "The sign-in token is valid for too long; at most 5 minutes is accepted.",
    "missing_claim": "The sign-in token lacks the required claim %(claim)s.",
    "bad_claim": "The sign-in token's claim %(claim)s is not valid.",
    "replayed": "This sign-in token has already been used. Please sign in again from your portal.",
}

JtiIsNew = Callable[[str, str, datetime], bool]


class SsoError(Exception):
    """A refused token: a stable ``code``, an English ``message`` msgid and its ``params`` (never the token)."""

    def __init__(self, code: str, *, claim: str | None = None, issuer: str | None = None):
        self.code = code
        self.message = MESSAGES[code]
        self.params = {"claim": claim} if claim else {}
        self.issuer = issuer
        super().__init__(f"{code}: {self.message % self.params}")


@dataclass(frozen=True)
class SsoClaims:
    """What a verified token says about the user; ``exp`` is naive UTC like every stored datetime."""

    issuer: str
    iss: str
    sub: str
    jti: str
    exp: datetime
    email: str | None = None
    name: str | None = None
    locale: str | None = None
    roles: tuple[str, ...] = ()
    dealer: dict[str, str | None] | None = None


def _peek(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Unverified header and payload, used only to choose the issuer and key."""
    try:
        header = jwt.get_unverified_header(token)
        payload = jwt.decode(token, options={"verify_signature": False})
    except jwt_errors.PyJWTError:
        raise SsoError("malformed") from None
    return header, payload


def _issuer_for(payload: Mapping[str, Any], issuers: Mapping[str, Issuer]) -> Issuer:
    iss = payload.get("iss")
    if iss is None:
        raise SsoError("missing_claim", claim="iss")
    if not isinstance(iss, str):
        raise SsoError("bad_claim", claim="iss")
    for issuer in issuers.values():
        if issuer.iss == iss:
            return issuer
    raise SsoError("unknown_issuer")


def _verification_key(issuer: Issuer, header: Mapping[str, Any]) -> Any:
    algorithm = header.get("alg")
    if not isinstance(algorithm, str) or algorithm not in issuer.algorithms:
        raise SsoError("algorithm_not_allowed", issuer=issuer.name)
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise SsoError("malformed", issuer=issuer.name)
    try:
        return issuer.key_source.key_for(kid, algorithm)
    except UnknownKeyId:
        raise SsoError("unknown_kid", issuer=issuer.name) from None
    except KeyAlgorithmMismatch:
        raise SsoError("algorithm_not_allowed", issuer=issuer.name) from None
    except KeySetUnavailable:
        raise SsoError("key_unavailable", issuer=issuer.name) from None


def _verified_payload(token: str, issuer: Issuer, key: Any, *, check_time_here: bool) -> dict[str, Any]:
    """Decode with signature, audience, issuer and required-claim checks; map PyJWT's errors to our codes."""
    options: dict[str, Any] = {"require": list(REQUIRED_CLAIMS), "enforce_minimum_key_length": True}
    if not check_time_here:
        # An explicit ``now`` (tests, replays of a past moment) means PyJWT's wall clock must not
        # decide; _check_times applies the same rules against ``now`` right after.
        options.update(verify_exp=False, verify_nbf=False, verify_iat=False)
    try:
        return jwt.decode(token, key, algorithms=list(issuer.algorithms), audience=issuer.audience,
                          issuer=issuer.iss, leeway=LEEWAY_SECONDS, options=options)
    except jwt_errors.MissingRequiredClaimError as error:
        raise SsoError("missing_claim", claim=error.claim, issuer=issuer.name) from None
    except jwt_errors.InvalidSignatureError:
        raise SsoError("bad_signature", issuer=issuer.name) from None
    except jwt_errors.ExpiredSignatureError:
        raise SsoError("expired", issuer=issuer.name) from None
    except jwt_errors.ImmatureSignatureError:
        raise SsoError("not_yet_valid", issuer=issuer.name) from None
    except jwt_errors.InvalidAudienceError:
        raise SsoError("bad_audience", issuer=issuer.name) from None
    except jwt_errors.InvalidIssuerError:
        raise SsoError("bad_issuer", issuer=issuer.name) from None
    except jwt_errors.InvalidAlgorithmError:
        raise SsoError("algorithm_not_allowed", issuer=issuer.name) from None
    except jwt_errors.InvalidIssuedAtError:
        raise SsoError("bad_claim", claim="iat", issuer=issuer.name) from None
    except jwt_errors.InvalidSubjectError:
        raise SsoError("bad_claim", claim="sub", issuer=issuer.name) from None
    except jwt_errors.InvalidJTIError:
        raise SsoError("bad_claim", claim="jti", issuer=issuer.name) from None
    except jwt_errors.InvalidKeyError:
        raise SsoError("algorithm_not_allowed", issuer=issuer.name) from None
    except jwt_errors.PyJWTError:
        raise SsoError("malformed", issuer=issuer.name) from None


def _number(payload: Mapping[str, Any], claim: str, issuer: Issuer) -> float:
    value = payload[claim]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or abs(value) > 1e11 or value != value:
        raise SsoError("bad_claim", claim=claim, issuer=issuer.name)  # 1e11 s is year 5138: bounds JSON's huge ints
    return float(value)


def _check_times(payload: Mapping[str, Any], issuer: Issuer, now: float) -> None:
    issued_at, expires_at = _number(payload, "iat", issuer), _number(payload, "exp", issuer)
    if expires_at <= now - LEEWAY_SECONDS:
        raise SsoError("expired", issuer=issuer.name)
    if issued_at > now + LEEWAY_SECONDS:
        raise SsoError("not_yet_valid", issuer=issuer.name)
    if "nbf" in payload and _number(payload, "nbf", issuer) > now + LEEWAY_SECONDS:
        raise SsoError("not_yet_valid", issuer=issuer.name)
    if expires_at <= issued_at:
        raise SsoError("bad_claim", claim="exp", issuer=issuer.name)
    if expires_at - issued_at > MAX_LIFETIME_SECONDS:
        raise SsoError("lifetime_too_long", issuer=issuer.name)


def _identifier(payload: Mapping[str, Any], claim: str, issuer: Issuer) -> str:
    value = payload[claim]
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_ID_LENGTH or UNSTORABLE.search(value):
        raise SsoError("bad_claim", claim=claim, issuer=issuer.name)
    return value


def _optional_text(payload: Mapping[str, Any], claim: str, issuer: Issuer, *, label: str | None = None) -> str | None:
    value = payload.get(claim)
    if value is None:
        return None
    if (not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH or any(ord(ch) < 32 for ch in value)
            or UNSTORABLE.search(value)):  # a lone surrogate cannot be stored
        raise SsoError("bad_claim", claim=label or claim, issuer=issuer.name)
    return value.strip() or None


def _email(payload: Mapping[str, Any], issuer: Issuer) -> str | None:
    value = _optional_text(payload, "email", issuer)
    if value is None:
        return None
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise SsoError("bad_claim", claim="email", issuer=issuer.name) from None


def _locale(payload: Mapping[str, Any], issuer: Issuer) -> str | None:
    value = _optional_text(payload, "locale", issuer)
    if value is not None and not _LOCALE.fullmatch(value):
        raise SsoError("bad_claim", claim="locale", issuer=issuer.name)
    return value


def _roles(payload: Mapping[str, Any], issuer: Issuer) -> tuple[str, ...]:
    """Claim roles mapped through the issuer's table; roles it does not map are ignored, not refused."""
    value = payload.get("roles")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(role, str) for role in value):
        raise SsoError("bad_claim", claim="roles", issuer=issuer.name)
    return tuple(dict.fromkeys(issuer.roles[role] for role in value if role in issuer.roles))


def _dealer(payload: Mapping[str, Any], issuer: Issuer) -> dict[str, str | None] | None:
    value = payload.get("dealer")
    if value is None:
        return None
    if not isinstance(value, dict):
        raise SsoError("bad_claim", claim="dealer", issuer=issuer.name)
    dealer = {key: _optional_text(value, key, issuer, label=f"dealer.{key}") for key in DEALER_FIELDS}
    if dealer["id"] is None:
        raise SsoError("bad_claim", claim="dealer.id", issuer=issuer.name)
    return dealer


def _as_timestamp(now: datetime | None) -> float:
    if now is None:
        return datetime.now(timezone.utc).timestamp()
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)  # the project's naive datetimes are UTC
    return now.timestamp()


def validate_sso_token(raw_token: Any, issuers: Mapping[str, Issuer], *, now: datetime | None = None,
                       jti_is_new: JtiIsNew) -> SsoClaims:
    """Verify ``raw_token`` against the trusted ``issuers`` and return its claims, or raise SsoError.

    ``jti_is_new(issuer_name, jti, exp)`` is called last, only for an otherwise valid token; it must
    record the jti atomically and return False when it was already recorded (a replay).
    """
    if not isinstance(raw_token, str) or not raw_token:
        raise SsoError("malformed")
    if len(raw_token) > MAX_TOKEN_BYTES or len(raw_token.encode("utf-8", "surrogatepass")) > MAX_TOKEN_BYTES:
        raise SsoError("token_too_large")
    token = raw_token.strip()
    if not _COMPACT_JWS.fullmatch(token):
        raise SsoError("malformed")
    header, unverified = _peek(token)
    issuer = _issuer_for(unverified, issuers)
    for claim in ("exp", "iat", "nbf"):
        if unverified.get(claim) is not None:
            _number(unverified, claim, issuer)  # PyJWT would call a non-number "malformed"; name the claim instead
    key = _verification_key(issuer, header)
    payload = _verified_payload(token, issuer, key, check_time_here=now is None)
    _check_times(payload, issuer, _as_timestamp(now))
    claims = SsoClaims(
        issuer=issuer.name,
        iss=issuer.iss,
        sub=_identifier(payload, "sub", issuer),
        jti=_identifier(payload, "jti", issuer),
        exp=datetime.fromtimestamp(_number(payload, "exp", issuer), timezone.utc).replace(tzinfo=None),
        email=_email(payload, issuer),
        name=_optional_text(payload, "name", issuer),
        locale=_locale(payload, issuer),
        roles=_roles(payload, issuer),
        dealer=_dealer(payload, issuer),
    )
    if not jti_is_new(issuer.name, claims.jti, claims.exp):
        raise SsoError("replayed", issuer=issuer.name)
    return claims
