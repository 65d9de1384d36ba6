"""A WSGI fast path for signed certificate links: the bytes go out before Flask builds a request.

A stored certificate was 0.27× the throughput of a static file (issue 21): most of its time went to
the session, the account, the dealer and the certificate rows, the request hooks and the response
hooks. A valid signed link (``signed_links``) needs none of it, so this wrapper answers it straight
from storage (ETag/304 on the content hash, ranges, or the reverse proxy's X-Accel-Redirect /
X-Sendfile). Anything else — a bad, altered or expired link, a revoked certificate, a missing
file — falls through to the Flask view of the same path, which answers with a translated message.

Revocation must refuse a link at once, not when it expires: the one query a valid link costs is
the certificate's ``revoked_at`` by primary key (``signed_links.revoked_or_gone``), on a pooled
connection, still with no session, account or request hooks.
"""
from __future__ import annotations

from lms.certificates import signed_links


class SignedCertificateFiles:
    """Wrap ``app.wsgi_app``; only paths under ``signed_links.PREFIX`` are looked at."""

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        self._store = None
        self._engine = None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(signed_links.PREFIX) or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        try:
            certificate_id, serial, sha256 = signed_links.verify(
                self.app.config["SECRET_KEY"], path[len(signed_links.PREFIX):])
        except signed_links.LinkRefused:
            return self.wsgi_app(environ, start_response)  # the view explains, in the user's language
        if self._engine is None:
            from lms.extensions import db

            with self.app.app_context():
                self._engine = db.engine
        if signed_links.revoked_or_gone(self._engine, certificate_id):
            return self.wsgi_app(environ, start_response)  # the view answers 410 with a clear page
        response = self._response(environ, serial, sha256)
        if response is None:
            return self.wsgi_app(environ, start_response)
        return response(environ, start_response)

    def _response(self, environ, serial: str, sha256: str):
        from werkzeug.exceptions import NotFound

        from lms.certificates.storage import pdf_key
        from lms.storage.serving import key_response

        if self._store is None:
            from lms.storage import backend

            with self.app.app_context():
                self._store = backend()  # built once at start-up; the same object every request
        # No request context and no app context: no session, no account, no hooks, no database.
        try:
            return key_response(self._store, self.app.config, environ, pdf_key(sha256), mimetype="application/pdf",
                                etag=sha256, download_name=f"Certificate {serial}.pdf", as_attachment=True,
                                max_age=int(self.app.config["CERTIFICATE_LINK_SECONDS"]), immutable=True)
        except NotFound:
            return None


def install(app) -> None:
    app.wsgi_app = SignedCertificateFiles(app, app.wsgi_app)
