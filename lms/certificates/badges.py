"""Open Badges 3.0 for stored certificates: credential, VC-JWT, issuer profile and status documents."""
from __future__ import annotations

import uuid

from flask import current_app

from lms.certificates.models import Certificate
from lms.certificates.openbadges import (
    build_open_badge_credential,
    hashed_identity,
    issuer_profile,
    revocation_list,
    sign_badge_jwt,
)
from lms.certificates.runtime import runtime, verify_url


def issuer_id(base_url: str) -> str:
    return f"{base_url}badges/issuer.json"


def status_url(code: str, base_url: str) -> str:
    return f"{base_url}badges/status/{code}"


def issuer(base_url: str) -> dict:
    """The issuer Profile, published at its own id."""
    return issuer_profile(issuer_id=issuer_id(base_url), name=current_app.config.get("PORTAL_NAME") or "LMS",
                          url=base_url)


def certificate_credential(certificate: Certificate, *, email: str, course_slug: str, base_url: str) -> dict:
    """The OpenBadgeCredential of ``certificate``: id = its verify URL, validity = issue/expiry dates."""
    credential_id = verify_url(certificate.code, base_url)
    course_url = f"{base_url}courses/{course_slug}"
    return build_open_badge_credential(
        credential_id=credential_id,
        issuer=issuer(base_url),
        achievement_id=course_url,
        achievement_name=f"{certificate.course_title} (v{certificate.course_version})",
        achievement_description=certificate.course_title,
        criteria=course_url,
        # A stable subject id that reveals nothing; the hashed e-mail lets the holder prove it is theirs.
        subject_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, credential_id)}",
        valid_from=certificate.issued_at,
        valid_until=certificate.expires_at,
        status_url=status_url(certificate.code, base_url),
        recipient_identifiers=[hashed_identity(email, salt=certificate.code)],
        credential_name=certificate.course_title,
    )


def certificate_badge_jwt(certificate: Certificate, *, email: str, course_slug: str, base_url: str) -> str:
    state = runtime()
    credential = certificate_credential(certificate, email=email, course_slug=course_slug, base_url=base_url)
    return sign_badge_jwt(credential, state.identity.private_key, kid=state.kid)


def status_document(certificate: Certificate, base_url: str) -> dict:
    """A one-credential 1EdTech revocation list: empty while the certificate is not revoked."""
    revoked = []
    if certificate.revoked_at is not None:
        revoked.append((verify_url(certificate.code, base_url), certificate.revoke_reason))
    return revocation_list(status_url(certificate.code, base_url), revoked)
