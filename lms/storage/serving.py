"""One way to send a stored object as an HTTP response, whatever the backend (views check access first).

``STORAGE_SERVE_MODE=app`` streams the object in chunks through the portal and answers ``Range``
(206, a video seek fetches only its part, from S3 too) and ``If-None-Match`` (304). The proxy modes
answer the conditional request themselves and otherwise leave the bytes to the reverse proxy:
``x-accel-redirect`` names the key below ``STORAGE_ACCEL_PREFIX`` (an ``internal`` nginx location
whose root is the storage folder, or which proxies to the bucket), ``x-sendfile`` names the file.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Callable, Iterator
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, abort, current_app, request

from lms.storage.backends import CHUNK_SIZE, ObjectInfo

# The stored type is the one told from the content at upload: browsers must not guess another.
_SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff"}


def send_spooled(spool: BinaryIO, *, mimetype: str, download_name: str) -> Response:
    """Send a temporary file the view just wrote (an archive) as an attachment, in chunks; it is closed
    when the response ends, read or not."""
    size = spool.tell()
    spool.seek(0)
    response = Response(_chunks(lambda: spool, 0, size), mimetype=mimetype, direct_passthrough=True)
    response.content_length = size
    response.call_on_close(spool.close)
    _disposition(response, download_name, True)
    return response


def _disposition(response: Response, download_name: str | None, as_attachment: bool) -> None:
    if not download_name and not as_attachment:
        return
    kind = "attachment" if as_attachment else "inline"
    if not download_name:
        response.headers["Content-Disposition"] = kind
        return
    # As werkzeug's send_file: an ASCII fallback plus the UTF-8 name (RFC 5987) for Russian names.
    try:
        download_name.encode("ascii")
        names = {"filename": download_name}
    except UnicodeEncodeError:
        simple = unicodedata.normalize("NFKD", download_name).encode("ascii", "ignore").decode("ascii")
        names = {"filename": simple, "filename*": "UTF-8''" + quote(download_name, safe="!#$&+^`|~")}
    response.headers.set("Content-Disposition", kind, **names)


def _entity_tag(info: ObjectInfo, etag: str | None) -> str:
    # A content hash is the best tag; a named object changes in place, so size and time tell versions.
    return etag or hashlib.sha256(f"{info.key}:{info.size}:{info.modified}".encode()).hexdigest()[:32]


def _chunks(opener: Callable[[], BinaryIO], start: int, length: int) -> Iterator[bytes]:
    """``length`` bytes from ``start``, in chunks; opened on the first read and closed at the end, so a
    HEAD request or a client that goes away never leaves an object open."""
    with opener() as stream:
        if start:
            stream.seek(start)
        remaining = length
        while remaining > 0:
            chunk = stream.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk


def send_key(key: str, *, mimetype: str, etag: str | None, download_name: str | None = None,
             as_attachment: bool = False, max_age: int = 3600, immutable: bool = False) -> Response:
    """The response for the object ``key``; 404 when there is none."""
    from lms.storage import backend

    return key_response(backend(), current_app.config, request.environ, key, mimetype=mimetype, etag=etag,
                        download_name=download_name, as_attachment=as_attachment, max_age=max_age,
                        immutable=immutable)


def key_response(store, config, environ: dict, key: str, *, mimetype: str, etag: str | None,
                 download_name: str | None = None, as_attachment: bool = False, max_age: int = 3600,
                 immutable: bool = False) -> Response:
    """``send_key`` from plain values, for a WSGI fast path that answers before Flask builds a request
    or an app context (signed certificate links, issue 21); 404 (an HTTPException) when there is none."""
    info = store.info(key)
    if info is None:
        abort(404)
    mode = (config["STORAGE_SERVE_MODE"] or "app").lower()
    response = Response(mimetype=mimetype.partition(";")[0], direct_passthrough=True)
    response.headers.update(_SECURITY_HEADERS)
    response.set_etag(_entity_tag(info, etag))
    response.last_modified = int(info.modified)
    response.cache_control.private = True
    response.cache_control.max_age = max_age
    if immutable:
        response.cache_control.immutable = True
    _disposition(response, download_name, as_attachment)
    if mode == "app":
        response.response = []
        response.content_length = info.size
        # werkzeug decides 200, 206 (with its Content-Range), 304 or 416; only then is the object opened.
        response.make_conditional(environ, accept_ranges=True, complete_length=info.size)
        if response.status_code == 206:
            start, stop = response.content_range.start, response.content_range.stop
            response.response = _chunks(lambda: store.open(key), start, stop - start)
        elif response.status_code == 200:
            response.response = _chunks(lambda: store.open(key), 0, info.size)
        return response
    response.make_conditional(environ)
    if response.status_code == 304:
        return response
    if mode == "x-sendfile":
        response.headers["X-Sendfile"] = str(store.local_path(key))
    else:
        prefix = config["STORAGE_ACCEL_PREFIX"].rstrip("/")
        response.headers["X-Accel-Redirect"] = f"{prefix}/{quote(key)}"
    response.content_length = 0
    return response
