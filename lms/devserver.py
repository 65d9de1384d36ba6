"""Werkzeug's development server as ``lms demo`` and the browser tests use it.

Werkzeug's server closes a response (and so the file behind ``send_file``) only after it has
drained the client's socket; when the client resets the connection (a browser that cancels a
stylesheet or a video range as it navigates away), that drain raises first and the file stays
open until the garbage collector finds it (``ResourceWarning: unclosed file``). Gunicorn closes
responses on every path, so only this server needs :func:`closing_responses`.
"""
from __future__ import annotations

from werkzeug.serving import make_server


def closing_responses(wsgi_app):
    """Wrap ``wsgi_app`` so every response's ``close()`` runs when the server is done with it,
    even when it drops the response after a connection reset: the generator's ``finally`` runs
    when it is closed or, dropped half-way, finalised."""

    def app(environ, start_response):
        response = wsgi_app(environ, start_response)
        try:
            yield from response
        finally:
            close = getattr(response, "close", None)
            if close is not None:
                close()

    return app


def make_dev_server(app, host: str = "127.0.0.1", port: int = 0):
    """A threaded Werkzeug server for ``app`` (port 0: any free port, see ``server_port``)."""
    return make_server(host, port, closing_responses(app), threaded=True)
