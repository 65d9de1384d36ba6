"""Request-wide behaviour: error pages, security headers, template globals, the current user."""
from __future__ import annotations

import copy
import time

from flask import Flask, has_request_context, jsonify, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from itsdangerous import BadSignature
from werkzeug.exceptions import HTTPException

from lms.auth.models import ROLE_LABELS, tier_label
from lms.plugins import call_slot

ERROR_MESSAGES = {
    400: _l("The request could not be understood. Please check what you entered and try again."),
    401: _l("Please sign in to continue."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist or was removed."),
    405: _l("This action is not allowed here."),
    413: _l("The file or form is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. The team has been notified."),
}
CSRF_MESSAGE = _l("Your session has expired or the form is outdated. Reload the page and try again.")


class PortalSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, ``Secure`` whenever the request came over HTTPS.

    Checking the cookie's signature and decoding it (two HMACs, zlib, JSON) was a tenth of an
    answer save's CPU, and a visit sends the same cookie with every request. So each process
    remembers the cookies it has verified, keyed by the whole signed value: a forged or altered
    cookie never matches one, and the remembered signing time still expires the session.
    """

    VERIFIED_LIMIT = 4096  # cookies remembered per process; the memo starts over past this

    def __init__(self):
        self._verified: dict[str, tuple[dict, float]] = {}

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)

    def open_session(self, app, request):
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not app.secret_key:
            return super().open_session(app, request)
        data = self.verified_data(app, value)
        if data is None:
            return self.session_class()
        flat = all(isinstance(v, (str, int, float, bool, type(None))) for v in data.values())
        return self.session_class(dict(data) if flat else copy.deepcopy(data))

    def verified_data(self, app, value: str) -> dict | None:
        """The data of session cookie ``value`` if its signature holds and it has not expired, else
        None. The dict is this process's remembered copy: read it, never change it."""
        max_age = app.permanent_session_lifetime.total_seconds()
        known = self._verified.get(value)
        if known is None:
            try:
                data, signed_at = self.get_signing_serializer(app).loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return None
            if len(self._verified) >= self.VERIFIED_LIMIT:
                self._verified.clear()
            self._verified[value] = known = (data, signed_at.timestamp())
        data, signed_at = known
        if not 0 <= time.time() - signed_at <= max_age:  # itsdangerous's own expiry rule
            self._verified.pop(value, None)
            return None
        return data


def init_app(app: Flask) -> None:
    """Install error handlers, security headers, the session cookie policy and template globals."""
    from lms.auth import session_user

    session_user.init_app(app)
    app.session_interface = PortalSessionInterface()
    app.jinja_env.globals["call_slot"] = call_slot
    app.jinja_env.globals["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    app.jinja_env.globals["tier_label"] = tier_label
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.after_request(set_security_headers)


def wants_json() -> bool:
    """API clients and ``.json`` URLs get JSON errors; browsers get pages."""
    return (
        request.path.startswith("/api/")
        or request.path.endswith(".json")
        or request.accept_mimetypes.best == "application/json"
    )


def error_response(status: int, message, code: str | None = None):
    """One place that renders an error as JSON or as a page in the user's language."""
    code = code or f"http_{status}"
    if wants_json():
        return jsonify({"error": {"code": code, "message": str(message)}}), status
    return render_template("errors/error.html", status=status, message=message), status


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    message = ERROR_MESSAGES.get(error.code) or error.description
    # Handlers that abort with a specific, user-facing description keep it.
    if error.description and error.description != type(error).description:
        message = error.description
    return error_response(error.code, message)


def handle_csrf_error(error: CSRFError):
    return error_response(400, CSRF_MESSAGE, code="csrf_failed")


# Every response's defaults (the quiz autosave's fast path, lms.quizzes.fast_autosave, sends the same).
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; media-src 'self'; object-src 'none'; "
     "frame-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")  # over HTTPS only


def set_security_headers(response):
    """Safe defaults on every response; embedding (SSO issue) widens frame-ancestors per issuer."""
    for name, value in SECURITY_HEADERS:
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault(*HSTS)
    return response


def mark_cookies_secure(response):
    """Over HTTPS every cookie set in after-request functions (Flask-Login's remember-me) is ``Secure``.

    Registered before the extensions' own after-request functions, so it runs after them (Flask
    runs them in reverse order). The session cookie is saved later still, by PortalSessionInterface.
    """
    cookies = response.headers.getlist("Set-Cookie")
    if not request.is_secure or not cookies or all("; secure" in cookie.lower() for cookie in cookies):
        return response
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        response.headers.add("Set-Cookie", cookie if "; secure" in cookie.lower() else cookie + "; Secure")
    return response
