"""Request ids and log formatting: every log line of a request carries the request's id.

A request keeps a sane incoming ``X-Request-ID`` (a load balancer's or the host portal's, so one id
follows the request across systems) or gets a new one; the response sends it back in the same
header. ``LOG_FORMAT`` chooses one JSON object per line (for a log shipper) or plain text.

The handler sits on the ``lms`` logger (the app's logger, parent of every ``lms.*`` module
logger), not on the root logger: the portal formats its own lines and leaves other libraries'
logging and the server's (gunicorn's) configuration alone. It is per process, so the last app
built in a process decides the format (one app per process in production).
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import sys
import time

from flask import Flask, has_request_context, request
from flask.logging import default_handler

from lms.config import ConfigurationError

REQUEST_ID_HEADER = "X-Request-ID"
LOG_FORMATS = ("text", "json")
# Letters, digits and a few separators, at most 128: enough for UUIDs, hex ids and trace headers,
# never a line break or markup smuggled into the logs.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")
_ENVIRON_KEY = "lms.request_id"
_STARTED_KEY = "lms.request_started"
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def request_id() -> str | None:
    """The current request's id (taken from ``X-Request-ID`` or made up once); None outside a request."""
    if not has_request_context():
        return None
    return environ_request_id(request.environ)


def environ_request_id(environ: dict) -> str:
    """The request id of a WSGI environ, chosen once and kept in it (also for the WSGI fast paths)."""
    value = environ.get(_ENVIRON_KEY)
    if value is None:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        value = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()  # as uuid4().hex, cheaper
        environ[_ENVIRON_KEY] = value
    return value


def request_started() -> float | None:
    """``time.perf_counter()`` when the portal began the current request (None outside one)."""
    return request.environ.get(_STARTED_KEY) if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` (``-`` outside a request: start-up, the worker) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, and the request's
    method and path; an exception's traceback goes in ``exception``."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or "-",
        }
        if has_request_context():
            entry["method"] = request.method
            entry["path"] = request.path
        for key in ("endpoint", "status", "duration_ms"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PortalLogHandler(logging.StreamHandler):
    """Writes to the process's standard error as it is at the time of writing (a test's capture
    or the service manager's journal), with the request id filter attached."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def make_formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter()
    return logging.Formatter(TEXT_FORMAT)


def init_app(app: Flask) -> None:
    """Format the ``lms`` logger's lines, and give every request its id (sent back in the response)."""
    log_format = str(app.config.get("LOG_FORMAT") or "text").strip().lower()
    if log_format not in LOG_FORMATS:
        raise ConfigurationError(f"LMS_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    logger = app.logger
    for handler in list(logger.handlers):
        if handler is default_handler or isinstance(handler, PortalLogHandler):
            logger.removeHandler(handler)
    handler = PortalLogHandler()
    handler.setFormatter(make_formatter(log_format))
    logger.addHandler(handler)
    if not app.debug:
        level = str(app.config.get("LOG_LEVEL") or "INFO").upper()
        if level not in logging.getLevelNamesMapping():
            raise ConfigurationError(f"LMS_LOG_LEVEL is not a log level: {level!r} (use INFO, WARNING, …).")
        logger.setLevel(level)
    # First of all before-request functions: a request refused by a later check still has its id and start time.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)
    app.after_request(finish_request)


def start_request() -> None:
    request.environ[_STARTED_KEY] = time.perf_counter()
    request_id()


def finish_request(response):
    """Send the id back; with ``LOG_REQUESTS`` log one line per request (endpoint, status, duration)."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    from flask import current_app

    if current_app.config.get("LOG_REQUESTS"):
        started = request_started()
        duration_ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
        endpoint = request.url_rule.endpoint if request.url_rule is not None else None
        current_app.logger.info("%s %s %s", request.method, request.path, response.status_code,
                                extra={"endpoint": endpoint, "status": response.status_code,
                                       "duration_ms": duration_ms})
    return response
