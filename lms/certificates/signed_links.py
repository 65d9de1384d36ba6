"""Signed, expiring, cacheable download links for stored certificate PDFs (issue 21).

A page that already checked who may see a certificate emits
``/certificates/file/<id>/<serial>/<sha256>/<expires>/<signature>``; the signature is an HMAC-SHA256
with the portal's secret key over all of those values, so the download needs no account, dealer or
certificate row: the link itself is the proof that access was checked when the page was built.
Expiry times are rounded up to a whole lifetime, so one page load after another emits the same URL
and a browser (or a proxy cache) keeps the bytes. A revoked certificate's links are refused at
once (``revoked_or_gone``: one primary-key lookup), not when they expire.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time

import sqlalchemy as sa

PREFIX = "/certificates/file/"
# <id>/<serial>/<sha256>/<expires>/<signature>: every part is checked against this before any HMAC.
_PATH = re.compile(r"^(\d{1,18})/([A-Za-z0-9-]{1,40})/([0-9a-f]{64})/(\d{1,12})/([A-Za-z0-9_-]{43})$")


def _signature(secret: str, certificate_id: int, serial: str, sha256: str, expires: int) -> str:
    message = f"certificate-file:{certificate_id}:{serial}:{sha256}:{expires}".encode()
    digest = hmac.new(str(secret).encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_expiry(lifetime_seconds: int, now: float | None = None) -> int:
    """An expiry at least one lifetime away, on a lifetime boundary, so the URL is stable meanwhile."""
    lifetime = max(60, int(lifetime_seconds))
    now = time.time() if now is None else now
    return (int(now) // lifetime + 2) * lifetime


def signed_path(secret: str, *, certificate_id: int, serial: str, sha256: str, expires: int) -> str:
    """The path of a signed download link (without scheme and host)."""
    signature = _signature(secret, certificate_id, serial, sha256, expires)
    return f"{PREFIX}{certificate_id}/{serial}/{sha256}/{expires}/{signature}"


class LinkRefused(ValueError):
    """A link that must not be served; ``reason`` is "malformed", "altered" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def verify(secret: str, tail: str, now: float | None = None) -> tuple[int, str, str]:
    """Check the part of a link after ``PREFIX``; return (certificate id, serial, sha256) or raise LinkRefused."""
    match = _PATH.match(tail)
    if match is None:
        raise LinkRefused("malformed")
    certificate_id, serial, sha256, expires, signature = match.groups()
    expected = _signature(secret, int(certificate_id), serial, sha256, int(expires))
    if not hmac.compare_digest(expected, signature):
        raise LinkRefused("altered")
    if int(expires) < (time.time() if now is None else now):
        raise LinkRefused("expired")
    return int(certificate_id), serial, sha256


_REVOKED_AT = None
# The fast path's lookup, straight to the driver: SQLAlchemy's Connection, result and events around
# one primary-key read cost more than the read (the download fell from 0.95x a static file to 0.6x).
_RAW_LOOKUP = {"qmark": "SELECT revoked_at FROM certificate WHERE id = ?",
               "format": "SELECT revoked_at FROM certificate WHERE id = %s",
               "pyformat": "SELECT revoked_at FROM certificate WHERE id = %s"}


def revoked_or_gone(connectable, certificate_id: int) -> bool:
    """True when the certificate was revoked or deleted: one primary-key lookup of ``revoked_at``.

    ``connectable`` is an engine (the WSGI fast path: no session, no transaction) or a session (the
    Flask view).
    """
    global _REVOKED_AT
    if isinstance(connectable, sa.engine.Engine):
        sql = _RAW_LOOKUP.get(connectable.dialect.paramstyle)
        if sql is not None:
            row = _raw_lookup(connectable, sql, certificate_id)
            return row is None or row[0] is not None
    if _REVOKED_AT is None:
        from lms.certificates.models import Certificate

        _REVOKED_AT = sa.select(Certificate.id, Certificate.revoked_at).where(
            Certificate.id == sa.bindparam("certificate_id"))
    if isinstance(connectable, sa.engine.Engine):
        with connectable.connect() as connection:
            row = connection.execute(_REVOKED_AT, {"certificate_id": certificate_id}).first()
    else:
        row = connectable.execute(_REVOKED_AT, {"certificate_id": certificate_id}).first()
    return row is None or row.revoked_at is not None


_threads = threading.local()


def _sqlite_connection(engine):
    """This thread's own connection to the SQLite file, kept out of the pool: a pool checkout cost
    more than the read. In autocommit (``lms.database.configure_sqlite``), each read sees the last
    commit, as WAL lets a reader beside a writer."""
    key = (id(engine), str(engine.url))  # the URL too: a new engine may reuse a disposed one's id
    connections = _threads.__dict__.setdefault("connections", {})
    connection = connections.get(key)
    if connection is None:
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # ours now: its slot in the pool is free again
        connections[key] = connection
    return connection


def _raw_lookup(engine, sql: str, certificate_id: int):
    """One read on a driver connection: PostgreSQL's through the autosave's ``run_on_postgresql``
    (autocommit, no ping first, once more on a pinged connection if it was dead); a SQLite file's
    on this thread's own connection; an in-memory SQLite database on the pool's one connection."""
    from lms.driver_sql import run_on_postgresql

    if engine.dialect.name == "postgresql":
        return run_on_postgresql(engine, sql, (certificate_id,), lambda cursor: cursor.fetchone())
    if engine.url.database not in (None, "", ":memory:"):
        return _sqlite_connection(engine).execute(sql, (certificate_id,)).fetchone()
    pooled = engine.raw_connection()
    try:
        return pooled.driver_connection.execute(sql, (certificate_id,)).fetchone()
    finally:
        pooled.close()
