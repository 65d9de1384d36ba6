"""Refuse, once and before any view, text the database cannot store: NUL and lone surrogates.

PostgreSQL's text types cannot hold U+0000, and psycopg cannot encode a lone surrogate (U+D800 to
U+DFFF) to UTF-8; either one reaching a query was a 500, in any of dozens of fields, some of them
before sign-in. Werkzeug decodes paths, query strings and form fields with replacement, so there
only NUL (``%00``) gets through; JSON can carry both (``\\u0000``, ``\\ud800``). Text uploads are
scanned for NUL; other uploads (PDF, video, images) are binary and pass.

The quiz autosave is the hottest request, so a JSON body is only parsed here when its raw bytes
contain an escape that could decode to one of these characters.
"""
from __future__ import annotations

import os
import re

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _

from lms.bounds import UNSTORABLE, install_id_converter

# A JSON escape that may decode to NUL or a surrogate; a valid surrogate pair also matches and is
# then checked properly.
_SUSPICIOUS_JSON = re.compile(rb"\x00|\\u(?:0000|[dD][89abcdefABCDEF])")
# More brackets than this and the body is parsed here, so that nesting too deep for the JSON decoder
# is a 400 rather than a RecursionError in the view.
_JSON_NESTING_CHECKED_FROM = 64
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
TEXT_UPLOAD_EXTENSIONS = frozenset({".gift", ".txt", ".csv", ".tsv", ".md", ".markdown", ".json", ".toml",
                                    ".xml", ".html", ".htm", ".yaml", ".yml", ".svg"})
_SCAN_CHUNK = 64 * 1024


class UnstorableInput(ValueError):
    """The request holds a character the database cannot store; ``file_name`` names an upload."""

    def __init__(self, file_name: str | None = None):
        super().__init__(file_name or "request")
        self.file_name = file_name


def init_app(app: Flask) -> None:
    """Install the guard (first of the request checks) and the bounded ``<int:…>`` converter."""
    install_id_converter(app)
    app.before_request(refuse_unstorable_input)


def refuse_unstorable_input():
    """A before-request check: None lets the request through, else the 400 response."""
    try:
        check_request()
    except UnstorableInput as problem:
        return refusal(problem)
    return None


def check_request() -> None:
    if "\x00" in request.path:
        raise UnstorableInput()
    query = request.query_string
    if query and (b"%00" in query or b"\x00" in query):
        check_pairs(request.args)
    mimetype = request.mimetype
    if mimetype in FORM_MIMETYPES:
        check_pairs(request.form)
        check_uploads()
    elif request.is_json:
        check_json_body()


def check_pairs(pairs) -> None:
    """Keys and values of a MultiDict (query string or form)."""
    for key, values in pairs.lists():
        if UNSTORABLE.search(key) or any(UNSTORABLE.search(value) for value in values):
            raise UnstorableInput()


def check_json_body() -> None:
    body = request.get_data(cache=True)  # the view's get_json() reuses these bytes
    if not json_needs_checking(body):
        return
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise UnstorableInput() from None
    if data is not None and holds_unstorable(data):
        raise UnstorableInput()
    if b"\x00" in body:
        raise UnstorableInput()  # the JSON decoder refuses a raw NUL anyway; say why here


def json_needs_checking(body: bytes) -> bool:
    """Whether a JSON body may hold what the database cannot store, or nest too deep: only then is
    it parsed and checked (here, or by the fast path's fall-through to this guard)."""
    deep = body.count(b"[") + body.count(b"{") > _JSON_NESTING_CHECKED_FROM
    return deep or _SUSPICIOUS_JSON.search(body) is not None


def holds_unstorable(data) -> bool:
    """Any string (a key or a value) at any depth of decoded JSON holds NUL or a lone surrogate."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def check_uploads() -> None:
    for _field, upload in request.files.items(multi=True):
        name = upload.filename or ""
        if UNSTORABLE.search(name):
            raise UnstorableInput()
        if is_text_upload(name, upload.mimetype) and stream_holds_nul(upload.stream):
            raise UnstorableInput(file_name=name)


def is_text_upload(name: str, mimetype: str) -> bool:
    return os.path.splitext(name)[1].lower() in TEXT_UPLOAD_EXTENSIONS or mimetype.startswith("text/")


def stream_holds_nul(stream) -> bool:
    """Scan an uploaded file for a NUL byte, leaving it at its start for the view."""
    start = stream.tell()
    try:
        while chunk := stream.read(_SCAN_CHUNK):
            if b"\x00" in chunk:
                return True
        return False
    finally:
        stream.seek(start)


def refusal(problem: UnstorableInput):
    if problem.file_name:
        message = _("The file %(name)s contains a NUL character (a zero byte), so it is not text. "
                    "Save it again as UTF-8 text and upload it once more.", name=problem.file_name)
    else:
        message = _("What you sent contains a character that cannot be stored (a NUL character or a broken "
                    "Unicode character). Remove it and try again.")
    if request.is_json or wants_json():
        return jsonify({"error": {"code": "invalid_characters", "message": message}}), 400
    return render_template("errors/error.html", status=400, message=message), 400


def wants_json() -> bool:
    from lms.web import wants_json as page_wants_json

    return page_wants_json()
