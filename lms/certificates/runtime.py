"""Per-app certificate machinery built once at start-up: signing identity, PDF signer, badge keys, public URL."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app

from lms.certificates.keys import SigningIdentity, SigningKeyError, signing_identity_from_config
from lms.certificates.openbadges import issuer_jwks, jwk_thumbprint
from lms.certificates.render import font_subsetting_backend
from lms.certificates.signing import build_pdf_signer
from lms.coordination.ratelimit import SharedLimiter, parse_limit

log = logging.getLogger(__name__)
EXTENSION_KEY = "lms_certificates"


@dataclass(frozen=True)
class CertificateRuntime:
    """What every issue and badge needs, built once per app (loading keys per request is slow)."""

    identity: SigningIdentity
    pdf_signer: object
    kid: str
    jwks: dict
    font_backend: str
    verify_limiter: SharedLimiter
    public_base_url: str


def base_url_from_config(config) -> str:
    """``PUBLIC_BASE_URL``, else one derived from ``SERVER_NAME`` and ``PREFERRED_URL_SCHEME`` (the address
    ``lms demo`` serves on by default in demo mode); always ends with ``/``. Never the request's host: a
    PDF rendered by the worker and one rendered in a request must point to the same address."""
    configured = config.get("PUBLIC_BASE_URL")
    if configured:
        return str(configured).rstrip("/") + "/"
    scheme = config.get("PREFERRED_URL_SCHEME") or "http"
    server = config.get("SERVER_NAME") or ("127.0.0.1:5000" if config.get("DEMO") else "localhost")
    return f"{scheme}://{server}/"


def init_app(app) -> CertificateRuntime:
    """Load the signing identity (or the instance's dev pair), fix the public address, log the font backend."""
    from lms.config import ConfigurationError

    try:
        identity = signing_identity_from_config(app.config, app.instance_path)
    except SigningKeyError as error:
        raise ConfigurationError(f"Certificate signing: {error}") from error
    try:
        limit, window = parse_limit(app.config["VERIFY_RATE_LIMIT"])
    except ValueError as error:
        raise ConfigurationError(f"LMS_VERIFY_RATE_LIMIT: {error}") from error
    if identity.is_development:
        log.warning("Certificates are signed with a development key from the instance folder; "
                    "set LMS_CERT_SIGNING_KEY and LMS_CERT_SIGNING_CERT for production")
    if not (app.config.get("PUBLIC_BASE_URL") or app.config.get("SERVER_NAME") or app.debug or app.testing
            or app.config.get("DEMO")):
        log.warning("LMS_PUBLIC_BASE_URL is not set: certificates and badges point to %s; set it to the "
                    "portal's public address", base_url_from_config(app.config))
    public_key = identity.private_key.public_key()
    runtime = CertificateRuntime(
        identity=identity,
        pdf_signer=build_pdf_signer(identity, signer_name=app.config.get("PORTAL_NAME")),
        kid=jwk_thumbprint(public_key),
        jwks=issuer_jwks(public_key),
        font_backend=font_subsetting_backend(),  # logs once per process, warning on the slow fallback
        verify_limiter=SharedLimiter("verify", limit, window, redis_url=app.config.get("REDIS_URL")),
        public_base_url=base_url_from_config(app.config),
    )
    app.extensions[EXTENSION_KEY] = runtime
    return runtime


def runtime(app=None) -> CertificateRuntime:
    """The current app's certificate runtime."""
    return (app or current_app).extensions[EXTENSION_KEY]


def public_base_url(app=None) -> str:
    """The absolute address the verify URLs, QR codes and badges use, fixed at start-up; ends with ``/``."""
    return runtime(app).public_base_url


def verify_url(code: str, base_url: str | None = None) -> str:
    return f"{base_url or public_base_url()}verify/{code}"
