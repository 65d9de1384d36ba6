"""Open Badges 3.0 export: an OpenBadgeCredential (VC data model 2.0) signed as a VC-JWT, plus issuer JWKS."""

import base64
import datetime
import hashlib
import json
import secrets

import jwt
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from cryptography.hazmat.primitives.asymmetric import ec, rsa

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
# The 1EdTech Revocation List Status Method: the status URL serves the list of revoked credential ids.
REVOCATION_LIST_TYPE = "1EdTechRevocationList"
REQUIRED_JWT_CLAIMS = ("vc", "iss", "nbf", "jti", "sub")


class BadgeVerificationError(ValueError):
    """A VC-JWT that does not verify; ``message`` is an English msgid for the view to translate."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


def _timestamp(value: datetime.date | datetime.datetime) -> datetime.datetime:
    """An aware UTC datetime; dates mean midnight UTC and naive datetimes are UTC (the portal's convention)."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time.min)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def _xsd_datetime(value: datetime.date | datetime.datetime) -> str:
    """Format as the xsd:dateTimeStamp VC 2.0 asks for, e.g. ``2026-03-15T09:30:00Z``."""
    return _timestamp(value).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def hashed_identity(value: str, *, identity_type: str = "emailAddress", salt: str | None = None) -> dict:
    """An OB 3.0 IdentityObject with a salted SHA-256 hash, so the badge proves an e-mail without showing it."""
    if identity_type == "emailAddress":
        value = value.strip().lower()
    salt = salt if salt is not None else secrets.token_hex(16)
    digest = hashlib.sha256((value + salt).encode("utf-8")).hexdigest()
    return {
        "type": "IdentityObject",
        "identityHash": f"sha256${digest}",
        "identityType": identity_type,
        "hashed": True,
        "salt": salt,
    }


def issuer_profile(*, issuer_id: str, name: str, url: str | None = None, email: str | None = None) -> dict:
    """The issuer Profile, embedded in every credential and also published at ``issuer_id``."""
    profile = {"id": issuer_id, "type": ["Profile"], "name": name}
    if url:
        profile["url"] = url
    if email:
        profile["email"] = email
    return profile


def build_open_badge_credential(
    *,
    credential_id: str,
    issuer: dict,
    achievement_id: str,
    achievement_name: str,
    achievement_description: str,
    criteria: str,
    subject_id: str,
    valid_from: datetime.date | datetime.datetime,
    valid_until: datetime.date | datetime.datetime | None = None,
    status_url: str | None = None,
    recipient_identifiers: list[dict] | tuple[dict, ...] = (),
    credential_name: str | None = None,
) -> dict:
    """Assemble an OpenBadgeCredential from plain values; ``criteria`` is a URL or a narrative text."""
    criteria_obj = {"id": criteria} if criteria.startswith(("https://", "http://")) else {"narrative": criteria}
    subject = {
        "id": subject_id,
        "type": ["AchievementSubject"],
        "achievement": {
            "id": achievement_id,
            "type": ["Achievement"],
            "achievementType": "Certificate",
            "name": achievement_name,
            "description": achievement_description,
            "criteria": criteria_obj,
        },
    }
    if recipient_identifiers:
        subject["identifier"] = list(recipient_identifiers)
    credential = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": dict(issuer),
        "validFrom": _xsd_datetime(valid_from),
        "name": credential_name or achievement_name,
        "credentialSubject": subject,
        "credentialSchema": [{"id": OB_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
    }
    if valid_until is not None:
        credential["validUntil"] = _xsd_datetime(valid_until)
    if status_url:
        credential["credentialStatus"] = {"id": status_url, "type": REVOCATION_LIST_TYPE}
    return credential


def revocation_list(list_url: str, revoked: list[tuple[str, str | None]]) -> dict:
    """The document served at a credential's ``credentialStatus.id``: ids of revoked credentials with reasons."""
    entries = []
    for credential_id, reason in revoked:
        entry = {"id": credential_id}
        if reason:
            entry["revocationReason"] = reason
        entries.append(entry)
    return {"id": list_url, "revokedCredentials": entries}


def _algorithm_for(key) -> str:
    """ES256/384/512 for EC keys by curve, RS256 for RSA: the VC-JWT algorithms OB 3.0 verifiers accept."""
    if isinstance(key, (rsa.RSAPrivateKey, rsa.RSAPublicKey)):
        return "RS256"
    if isinstance(key, (ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey)):
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[key.curve.name]
    raise TypeError(f"unsupported badge signing key: {type(key).__name__}")


def public_jwk(public_key) -> dict:
    """The public key as a JWK dict (no ``kid``)."""
    if isinstance(public_key, rsa.RSAPublicKey):
        return RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return ECAlgorithm.to_jwk(public_key, as_dict=True)


def jwk_thumbprint(public_key) -> str:
    """RFC 7638 thumbprint: a stable ``kid`` that changes exactly when the key changes."""
    jwk = public_jwk(public_key)
    members = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({m: jwk[m] for m in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issuer_jwks(public_key, kid: str | None = None) -> dict:
    """The JWKS published at a stable URL so verifiers can check our badges offline."""
    jwk = public_jwk(public_key)
    jwk.update({"kid": kid or jwk_thumbprint(public_key), "use": "sig", "alg": _algorithm_for(public_key)})
    return {"keys": [jwk]}


def sign_badge_jwt(credential: dict, private_key, kid: str | None = None) -> str:
    """Sign ``credential`` as a VC-JWT (claims vc, iss, nbf, jti, sub, exp) with ES256 or RS256."""
    claims = {
        "vc": credential,
        "iss": credential["issuer"]["id"],
        "nbf": int(datetime.datetime.fromisoformat(credential["validFrom"]).timestamp()),
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
    }
    if "validUntil" in credential:
        claims["exp"] = int(datetime.datetime.fromisoformat(credential["validUntil"]).timestamp())
    headers = {"kid": kid or jwk_thumbprint(private_key.public_key()), "typ": "JWT"}
    return jwt.encode(claims, private_key, algorithm=_algorithm_for(private_key), headers=headers)


def verify_badge_jwt(token: str, jwks: dict, *, leeway: int = 0, check_times: bool = True) -> dict:
    """Verify a VC-JWT against a JWKS and its claims against the embedded credential; return the claims."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise BadgeVerificationError("Not a valid badge token") from error
    matches = [key for key in jwks.get("keys", []) if key.get("kid") == header.get("kid")]
    if len(matches) != 1:
        raise BadgeVerificationError("Unknown badge signing key %(kid)s", kid=str(header.get("kid")))
    jwk = jwt.PyJWK(matches[0])
    try:
        claims = jwt.decode(
            token,
            jwk.key,
            algorithms=[jwk.algorithm_name],
            leeway=leeway,
            options={"require": list(REQUIRED_JWT_CLAIMS), "verify_exp": check_times, "verify_nbf": check_times},
        )
    except jwt.ExpiredSignatureError as error:
        raise BadgeVerificationError("The badge has expired") from error
    except jwt.PyJWTError as error:
        raise BadgeVerificationError("The badge signature is not valid: %(error)s", error=str(error)) from error
    credential = claims["vc"]
    consistent = (
        claims["iss"] == credential.get("issuer", {}).get("id")
        and claims["jti"] == credential.get("id")
        and claims["sub"] == credential.get("credentialSubject", {}).get("id")
    )
    if not consistent:
        raise BadgeVerificationError("The badge claims do not match its credential")
    return claims
