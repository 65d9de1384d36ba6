"""The content origin: package files are served only there, to a signed per-learner URL.

Untrusted package scripts run on another origin than the portal (another host name, so the
portal's host-only cookies are never sent to it and the browser's same-origin policy keeps the
package out of the portal's pages, cookies and API). One process may serve both: requests for the
content host reach only the package-file route, and the portal host never serves package files
(``lms.elearning.views.restrict_hosts``).
"""
from __future__ import annotations

import mimetypes
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from lms.xapi.learners import portal_base_url

SALT = "elearning-content"
CONTENT_ENDPOINT = "elearning_content.package_file"


def content_origin() -> str | None:
    """``scheme://host:port`` of the content origin, or None when none is configured."""
    origin = current_app.config.get("ELEARNING_CONTENT_ORIGIN")
    return origin.rstrip("/") if origin else None


def portal_origin() -> str:
    parts = urlsplit(portal_base_url())
    return f"{parts.scheme}://{parts.netloc}"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def content_token(user_id: int, sha256: str) -> str:
    return _serializer().dumps({"u": user_id, "s": sha256})


def read_token(token: str) -> dict | None:
    """The token's learner and package, or None when it is forged or older than its lifetime."""
    try:
        data = _serializer().loads(token, max_age=int(current_app.config["ELEARNING_CONTENT_TOKEN_SECONDS"]))
    except (SignatureExpired, BadSignature):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("s"), str) else None


def content_url(user_id: int, sha256: str, path: str) -> str:
    """The signed address of a package file on the content origin (``path`` may carry a query)."""
    return f"{content_origin()}/elearning-content/{content_token(user_id, sha256)}/{path}"


def mime_type(path: str) -> str:
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return guessed + ("; charset=utf-8" if guessed.startswith("text/") or guessed.endswith("javascript") else "")


def package_policy() -> str:
    """The CSP of package files: their own origin, the LRS, framed only by the portal, no form posts out."""
    portal = portal_origin()
    return ("default-src 'self' 'unsafe-inline' 'unsafe-eval' data: blob:; "
            f"connect-src 'self' {portal}/xapi/ {portal}/elearning/fetch/; "
            "img-src 'self' data: blob:; media-src 'self' data: blob:; object-src 'none'; "
            f"base-uri 'self'; form-action 'self'; frame-ancestors 'self' {portal}")
