"""A WSGI fast path for the quiz autosave: the common case answered before Flask builds a request.

The autosave is the exam's hottest request, and its one statement (``quick_save``) was the smaller
part of its cost: building the request context, the session and CSRF checks through werkzeug's
locals, seven before- and after-request functions and the response object took twice the Python
time of the statement itself. So this wrapper answers a save that needs none of Flask's decisions,
doing each request function's part itself, with plain values:

- the request id and the latency metrics (``lms.observability``), and the security headers
  (``lms.web``), embedded sessions' frame-ancestors included (``lms.sso.embed``);
- the session cookie through the session interface's memo of verified cookies (``lms.web``), and
  the CSRF header token as Flask-WTF checks it, remembered as ``lms.csrf`` remembers it, with the
  Referer check over HTTPS;
- the input guard: a body that may hold NUL or a lone surrogate, or nests deep, is not answered here.

Everything else falls through to Flask with the body intact, and the view decides and explains as
before: a refused CSRF token or session cookie, a query string, a body that does not
parse, no question version, a content-host request, a session with a pending remember-me cookie
or a permanent one, request logging on, and every save the statement refused (the view then skips
the statement it knows refused, ``QUICK_SAVE_REFUSED``). If the app has request functions this path
does not know (a plugin's), it never answers: it cannot stand in for code it has not read.
"""
from __future__ import annotations

import io
import logging
import re
import time
from contextlib import nullcontext
from urllib.parse import urlsplit

from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from lms.auth.sessions import parse_cookie_user_id
from lms.bounds import parse_id
from lms.csrf import remembering, verify_header_token
from lms.input_guard import json_needs_checking
from lms.observability.logs import REQUEST_ID_HEADER, environ_request_id
from lms.observability.metrics import AUTOSAVE_ENDPOINT
from lms.quizzes.present import fields_from_json, response_from_fields
from lms.quizzes.qtypes import ResponseError
from lms.quizzes.quick_save import needs_app_context, save_answer_quickly
from lms.sso.embed import session_frame_ancestors, with_frame_ancestors
from lms.web import HSTS, SECURITY_HEADERS

log = logging.getLogger(__name__)

# An answer is a few hundred bytes; a larger body takes the full path (and its size limits).
MAX_BODY = 16 * 1024
# No quiz has this many questions; a larger position would not fit the database's INTEGER either.
MAX_POSITION = 100_000
# quizzes.js counts each slot's saves in JavaScript numbers, exact up to 2**53 - 1.
MAX_SAVE_SEQ = 2**53 - 1
# Set in the environ when the fast path ran the statement and it saved nothing: the view goes
# straight to save_answers, which explains why.
QUICK_SAVE_REFUSED = "lms.quick_save_refused"

# The request functions Flask runs around the autosave view, each done here for a save that succeeds.
STANDS_IN_FOR = frozenset({
    "lms.observability.logs.start_request",  # the request id, sent back; the start time, for metrics
    "lms.input_guard.refuse_unstorable_input",  # suspicious or deep bodies and query strings fall through
    "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect",  # lms.csrf.verify_header_token
    "lms.auth.session_user.touch_last_seen",  # skipped by the autosave (session_login_required) anyway
    "lms.elearning.views.restrict_hosts",  # the content host falls through
    "lms.observability.logs.finish_request",  # X-Request-ID; with LOG_REQUESTS on, everything falls through
    "lms.observability.metrics.observe_request",  # the same two histograms (_observe_saved)
    "lms.web.mark_cookies_secure",  # no cookie is set here
    "flask_login.login_manager.LoginManager._update_remember_cookie",  # a pending _remember falls through
    "lms.web.set_security_headers",  # SECURITY_HEADERS, HSTS
    "lms.elearning.views.strip_cookies",  # the content host falls through
    "lms.sso.embed.set_embed_headers",  # session_frame_ancestors
    "flask_sqlalchemy.extension.SQLAlchemy._teardown_session",  # the app context pushed here runs it
})


def whole_number(value, high: int, *, digits: bool = False) -> int | None:
    """``value`` if it is a whole number from 1 to ``high``, else None; ``digits``: also as a form's digits."""
    if digits and isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= len(str(high)):
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= high:
        return value
    return None


def autosave_numbers(data) -> tuple[int, int | None] | None:
    """(position, seq) of an autosave's JSON; None when either cannot be read (the view's 400)."""
    if not isinstance(data, dict):
        return None
    position = whole_number(data.get("position"), MAX_POSITION)
    seq = whole_number(data.get("seq"), MAX_SAVE_SEQ)
    if position is None or (seq is None and data.get("seq") is not None):
        return None
    return position, seq


class FastAutosave:
    """Wrap ``app.wsgi_app``; only ``POST …/autosave`` is looked at. ``answered`` counts this
    process's saves answered here (the tests read it)."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self.answered = 0
        self._path: re.Pattern | None = None
        self._ready: bool | None = None
        self._needs_app_context = True
        self._saved_histograms = None

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") != "POST" or not environ.get("PATH_INFO", "").endswith("/autosave"):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        answer = self._answer(environ, started) if self._usable() else None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _usable(self) -> bool:
        """Decided at the first autosave, once every blueprint and plugin has registered."""
        if self._ready is None:
            app = self.app
            rules = [rule.rule for rule in app.url_map.iter_rules(AUTOSAVE_ENDPOINT)]
            unknown = sorted(request_functions(app) - STANDS_IN_FOR)
            if unknown:
                log.warning("The autosave fast path is off: it does not know these request functions: %s",
                            ", ".join(unknown))
            if rules == ["/quizzes/attempts/<int:attempt_id>/autosave"] and not unknown:
                self._path = re.compile(r"/quizzes/attempts/([0-9]{1,10})/autosave")
                with app.app_context():
                    self._needs_app_context = needs_app_context(app)
            self._ready = self._path is not None
        config = self.app.config
        return self._ready and remembering(config) and not config.get("LOG_REQUESTS")

    def _answer(self, environ, started: float):
        """(status, headers, body) of a save made here, or None to let Flask answer."""
        app = self.app
        match = self._path.fullmatch(environ.get("PATH_INFO", ""))
        attempt_id = parse_id(match[1]) if match else None
        content_type = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        if attempt_id is None or environ.get("QUERY_STRING") or content_type != "application/json":
            return None
        body = _read_body(environ)
        if body is None or json_needs_checking(body):
            return None
        try:
            host = get_host(environ, app.config.get("TRUSTED_HOSTS"))
        except SecurityError:
            return None
        content_origin = app.config.get("ELEARNING_CONTENT_ORIGIN")
        if content_origin and host.lower() == urlsplit(content_origin).netloc.lower():  # as is_content_request
            return None
        session = self._session(environ)
        if session is None or not self._csrf_passes(environ, session, host):
            return None
        identity = parse_cookie_user_id(session.get("_user_id"))
        try:
            data = app.json.loads(body)
            numbers = autosave_numbers(data)
            fields = fields_from_json(data) if numbers else None
        except (ValueError, ResponseError, RecursionError):
            return None
        if identity is None or numbers is None:
            return None
        position, seq = numbers
        try:
            with app.app_context() if self._needs_app_context else nullcontext():
                saved = save_answer_quickly(attempt_id, identity[0], position, data.get("version"), fields,
                                            parse=response_from_fields, seq=seq, session_token=identity[1], app=app)
        except Exception:  # noqa: BLE001 - Flask's path runs it again, and logs and answers any error
            return None
        if not saved:
            environ[QUICK_SAVE_REFUSED] = True
            return None
        self.answered += 1
        payload = self._saved_body(position)
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload))),
                   *self._security_headers(environ, session),
                   (REQUEST_ID_HEADER, environ_request_id(environ)), ("Vary", "Cookie")]
        self._observe_saved(time.perf_counter() - started)
        return "200 OK", headers, payload

    def _observe_saved(self, elapsed: float) -> None:
        """``metrics.observe`` for a 200 of the autosave, with the two histograms' children looked up once."""
        if self._saved_histograms is None:
            metrics = self.app.extensions["lms_metrics"]
            self._saved_histograms = (metrics.request_seconds.labels(AUTOSAVE_ENDPOINT, "POST", "200"),
                                      metrics.autosave_seconds.labels("200"))
        for histogram in self._saved_histograms:
            histogram.observe(elapsed)

    def _saved_body(self, position: int) -> bytes:
        """``jsonify({"saved": True, "position": position})``'s bytes: sorted keys, compact outside debug."""
        if self.app.debug:
            with self.app.app_context():
                return self.app.json.response({"saved": True, "position": position}).get_data()
        return b'{"position":%d,"saved":true}\n' % position

    def _session(self, environ) -> dict | None:
        """The session cookie's data, if it is valid and nothing in it asks Flask to send a cookie back."""
        app = self.app
        value = _cookie(environ.get("HTTP_COOKIE", ""), app.config["SESSION_COOKIE_NAME"])
        verified = getattr(app.session_interface, "verified_data", None)
        if not value or verified is None:
            return None
        data = verified(app, value)
        if data is None or "_remember" in data or (data.get("_permanent")
                                                   and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return None
        return data

    def _csrf_passes(self, environ, session: dict, host: str) -> bool:
        config = self.app.config
        for header in config["WTF_CSRF_HEADERS"]:
            signed = environ.get("HTTP_" + header.upper().replace("-", "_"))
            if signed:
                return verify_header_token(self.app, signed, session, secure=_is_secure(environ),
                                           referrer=environ.get("HTTP_REFERER"), host=host)
        return False

    def _security_headers(self, environ, session: dict) -> list[tuple[str, str]]:
        headers = list(SECURITY_HEADERS)
        origins = session_frame_ancestors(self.app, session, environ.get("HTTP_SEC_FETCH_DEST"))
        if origins is not None:
            headers = [(name, with_frame_ancestors(value, origins) if name == "Content-Security-Policy" else value)
                       for name, value in headers]
        if _is_secure(environ):
            headers.append(HSTS)
        return headers


def _cookie(header: str, name: str) -> str | None:
    """The value of cookie ``name`` in a Cookie header, if it is sent once, unquoted: a signed session
    cookie never needs quotes. Anything else is None, and Flask (werkzeug's parser) decides."""
    found = None
    for pair in header.split(";"):
        key, sep, value = pair.strip().partition("=")
        if sep and key == name:
            if found is not None or value.startswith('"'):
                return None
            found = value
    return found


def _is_secure(environ) -> bool:
    return environ.get("wsgi.url_scheme") in ("https", "wss")


def _read_body(environ) -> bytes | None:
    """The body, read whole and put back as a fresh stream for Flask; None past MAX_BODY or unsized."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    body = environ["wsgi.input"].read(length)
    environ["wsgi.input"] = io.BytesIO(body)  # a short body stays short: Flask answers it as before
    return body if len(body) == length else None


def request_functions(app) -> set[str]:
    """Every request function Flask would run around the autosave view (app-wide and the quiz blueprint's)."""
    names = set()
    for registry in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                     app.url_value_preprocessors):
        for key in (None, "quizzes"):
            names.update(f"{f.__module__}.{f.__qualname__}" for f in registry.get(key, ()))
    names.update(f"{f.__module__}.{f.__qualname__}" for f in app.teardown_appcontext_funcs)
    return names


def install(app) -> None:
    app.wsgi_app = FastAutosave(app, app.wsgi_app)
