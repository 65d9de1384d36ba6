"""CSRF protection: Flask-WTF's, remembering which signed header tokens it has already verified.

Every write request checks its token. A page sends the same signed token (in ``X-CSRFToken``) with
each of its requests, and verifying its signature (HMAC, base64, JSON) and parsing the request for
a form field was a tenth of an answer save's CPU. So once Flask-WTF has verified a header token,
each process remembers the raw token it carries. Later requests with that exact signed value only
compare the raw token with their session's, as Flask-WTF would after its signature check. Anything
else (form tokens, unknown or altered values, a time limit on tokens) goes through Flask-WTF as usual.
"""
from __future__ import annotations

import hmac

from flask import current_app, g, request, session
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin
from itsdangerous import BadData, URLSafeTimedSerializer

VERIFIED_LIMIT = 4096  # signed tokens remembered per process; the memo starts over past this


def _verified(app) -> dict[str, str]:
    """This app's memo (per app: each has its own secret key): signed header token -> raw token."""
    return app.extensions.setdefault("lms_csrf_verified", {})


def _remember(app, signed: str, raw: str) -> None:
    verified = _verified(app)
    if len(verified) >= VERIFIED_LIMIT:
        verified.clear()
    verified[signed] = raw


class PortalCSRFProtect(CSRFProtect):
    def protect(self, apply_exemptions=False):
        signed = self._header_token()
        if signed is not None and self._already_verified(signed):
            g.csrf_valid = True
            return
        super().protect(apply_exemptions)
        if signed is not None and g.get("csrf_valid") and self._remembering():
            _remember(current_app, signed, session[current_app.config["WTF_CSRF_FIELD_NAME"]])

    @staticmethod
    def _header_token() -> str | None:
        """The token of a JSON request (sent in a header; it has no form), else None."""
        if not request.is_json or request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return None
        for header in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header)
            if token:
                return token
        return None

    @staticmethod
    def _remembering() -> bool:
        return remembering(current_app.config)

    def _already_verified(self, signed: str) -> bool:
        return already_verified(current_app, signed, session, secure=request.is_secure,
                                referrer=request.referrer, host=request.host)


def remembering(config) -> bool:
    """Only tokens that never expire by time (WTF_CSRF_TIME_LIMIT None, this portal's setting)."""
    return config["WTF_CSRF_ENABLED"] and config.get("WTF_CSRF_TIME_LIMIT", 3600) is None


def already_verified(app, signed: str, session_data, *, secure: bool, referrer: str | None, host: str) -> bool:
    """The rest of Flask-WTF's check for a header token whose signature it verified before: the raw
    token it carries is the session's, and over HTTPS the Referer is this host (WTF_CSRF_SSL_STRICT).
    Plain values, so that the quiz autosave's fast path (lms.quizzes.fast_autosave) checks the same."""
    raw = _verified(app).get(signed)
    if raw is None or not remembering(app.config):
        return False
    return _raw_token_passes(app, raw, session_data, secure=secure, referrer=referrer, host=host)


def verify_header_token(app, signed: str, session_data, *, secure: bool, referrer: str | None, host: str) -> bool:
    """Flask-WTF's whole check of a header token from plain values, for the autosave's fast path
    (lms.quizzes.fast_autosave), which has no request context: what ``already_verified`` checks, and
    for a token not seen yet its signature first, as ``flask_wtf.csrf.validate_csrf`` checks it (the
    same serializer and salt; no time limit, the only setting under which tokens are remembered).
    A token verified here is remembered as PortalCSRFProtect remembers one."""
    if already_verified(app, signed, session_data, secure=secure, referrer=referrer, host=host):
        return True
    if not remembering(app.config):
        return False
    serializer = URLSafeTimedSerializer(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key, salt="wtf-csrf-token")
    try:
        raw = serializer.loads(signed, max_age=None)
    except BadData:
        return False
    if not _raw_token_passes(app, raw, session_data, secure=secure, referrer=referrer, host=host):
        return False
    _remember(app, signed, raw)
    return True


def _raw_token_passes(app, raw, session_data, *, secure: bool, referrer: str | None, host: str) -> bool:
    """Flask-WTF's checks after the signature: the token is the session's, and over HTTPS
    (WTF_CSRF_SSL_STRICT) the Referer is this host."""
    expected = session_data.get(app.config["WTF_CSRF_FIELD_NAME"])
    if not isinstance(expected, str) or not isinstance(raw, str) or not hmac.compare_digest(expected, raw):
        return False
    if secure and app.config["WTF_CSRF_SSL_STRICT"]:
        return bool(referrer) and same_origin(referrer, f"https://{host}/")
    return True
