"""File storage, a core service used by courses, certificates, e-learning packages and plugins (public surface).

Every file the portal keeps lives in one storage, chosen by ``STORAGE_URL``: a local folder (the
instance folder by default; it may be a shared mount) or S3-compatible object storage. A file is an
object under a key. Checked uploads are content-addressed by SHA-256 (``uploads/<area>/ab/cd/<sha256>``),
so the same content is kept once; see docs/storage.md for the layout.

A plugin stores an upload with ``save_file`` and keeps the returned hash and MIME type in its own
table; ``send_stored_file`` serves it again (range requests, ETag, proxy offload) and ``open_file``
reads it. Each plugin uses an ``area`` of its own (a short name such as ``marketing``), so plugins
never see each other's files. Many files under names of one's choosing (an unpacked package) go in
with ``put_object`` and come back with ``open_object`` or ``send_object``.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import Response, current_app

from lms.courses.uploads import IMAGE_KINDS, UploadCheck, UploadError, check_upload, storage_path
from lms.storage.backends import Backend, LocalBackend, ObjectInfo, StorageError, StorageUnavailable, check_key

__all__ = ["IMAGE_KINDS", "ObjectInfo", "StorageError", "StorageUnavailable", "StoredFile", "UploadError",
           "delete_object", "file_path", "object_info", "object_names", "open_file", "open_object", "ping",
           "put_object", "save_file", "send_object", "send_stored_file"]

# Lower case and at least three characters, so an area can never be one of the core's ``ab/`` folders.
_AREA_RE = re.compile(r"[a-z][a-z0-9_]{2,39}")
_EXTENSION = "lms_storage"
UPLOADS = "uploads"  # checked uploads by hash: the courses' at uploads/ab/cd/…, an area's at uploads/<area>/…
NAMED = "files"  # objects stored under a name of the caller's choosing: files/<area>/<name>


@dataclass(frozen=True)
class StoredFile:
    """A stored file: its content hash, kind (``png``, ``pdf`` …), MIME type, size and the checked client name."""

    sha256: str
    kind: str
    mime_type: str
    size: int
    display_name: str


def init_app(app) -> None:
    """Build the configured backend once (a bad ``STORAGE_URL`` stops start-up with a clear message)."""
    from lms.storage.configured import backend_from_config

    app.extensions[_EXTENSION] = backend_from_config(app.config, app.instance_path)


def backend() -> Backend:
    """The current app's storage backend (for the core; plugins use the functions below)."""
    app = current_app._get_current_object()
    if _EXTENSION not in app.extensions:
        init_app(app)
    return app.extensions[_EXTENSION]


def ping() -> None:
    """Check the storage is reachable and writable (a probe is written, read back and deleted).

    Raises ``StorageUnavailable`` (a ``StorageError``) naming the storage and the cause; readiness
    checks call this.
    """
    backend().ping()


def _area(area: str) -> str:
    if not isinstance(area, str) or not _AREA_RE.fullmatch(area):
        raise ValueError(f"not a storage area name: {area!r}")
    return area


def blob_key(sha256: str, area: str | None = None) -> str:
    """The key of a checked upload by hash: ``uploads/ab/cd/<sha>`` (courses) or ``uploads/<area>/ab/cd/<sha>``."""
    folder = UPLOADS if area is None else f"{UPLOADS}/{_area(area)}"
    return f"{folder}/{storage_path(sha256)}"


def staging_dir(prefix: str) -> Path:
    """Where an upload waits while it is checked: beside the files on a local folder (so the final
    step is a rename), in the instance folder for object storage (never in a RAM-backed /tmp)."""
    store = backend()
    if isinstance(store, LocalBackend):
        folder = store.root / check_key(prefix) / ".incoming"
    else:
        folder = Path(current_app.instance_path) / ".incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_checked(check: UploadCheck, key: str) -> None:
    """Keep a checked upload under ``key`` (its hash key; the same content already there is kept once)."""
    store = backend()
    try:
        if store.info(key) is None:
            if isinstance(store, LocalBackend):
                store.move_file(key, check.temp_path)
            else:
                store.put_file(key, check.temp_path, content_type=check.mime_type)
    finally:
        check.discard()


def save_file(stream: BinaryIO, filename: str, *, area: str, kinds: Collection[str], max_bytes: int) -> StoredFile:
    """Check an upload by its content and store it in ``area``; raise ``UploadError`` on refusal.

    ``kinds`` are the accepted kinds (e.g. ``IMAGE_KINDS``), told from the bytes, never from the
    name, which only has to agree with them; ``max_bytes`` bounds the size. A refused upload leaves
    nothing behind; the same content saved twice is stored once. ``UploadError`` carries an English
    ``message`` to translate with its ``params``: ``_(error.message, **error.params)``.
    """
    incoming = staging_dir(f"{UPLOADS}/{_area(area)}")
    checked = check_upload(stream, declared_name=filename, allowed_kinds=kinds,
                           size_limits={kind: max_bytes for kind in kinds}, temp_dir=incoming)
    store_checked(checked, blob_key(checked.sha256, area))
    return StoredFile(checked.sha256, checked.kind, checked.mime_type, checked.size, checked.display_name)


def open_file(area: str, sha256: str) -> BinaryIO:
    """A seekable binary stream of a file ``save_file`` stored; ``FileNotFoundError`` when there is none."""
    return backend().open(blob_key(sha256, area))


def send_stored_file(area: str, sha256: str, *, mime_type: str, download_name: str | None = None,
                     as_attachment: bool = False, max_age: int = 3600, immutable: bool = False) -> Response:
    """The response for a file ``save_file`` stored (404 when missing); check access before calling.

    Streams in chunks, answers ``Range`` (206) and ``If-None-Match`` (304, the hash is the ETag), or
    hands the bytes to the reverse proxy (``STORAGE_SERVE_MODE``); always private to the user.
    """
    from lms.storage.serving import send_key

    return send_key(blob_key(sha256, area), mimetype=mime_type, etag=sha256, download_name=download_name,
                    as_attachment=as_attachment, max_age=max_age, immutable=immutable)


def file_path(area: str, sha256: str) -> Path:
    """The local file of a stored hash (it may not exist); raises ``ValueError`` for a malformed hash.

    Only for a local folder: on object storage it raises ``StorageError`` (use ``open_file`` or
    ``send_stored_file``, which work on both).
    """
    store = backend()
    if not isinstance(store, LocalBackend):
        raise StorageError(f"{store.url} has no local files; use open_file or send_stored_file")
    return store.root / blob_key(sha256, area)


def _named_key(area: str, name: str) -> str:
    try:
        return f"{NAMED}/{_area(area)}/{check_key(name)}"
    except ValueError:
        raise ValueError(f"not a storage object name: {name!r}") from None


def put_object(area: str, name: str, stream: BinaryIO, *, content_type: str | None = None) -> ObjectInfo:
    """Store what ``stream`` yields (read in chunks) as ``name`` in ``area``, replacing any object of that name.

    ``name`` is a relative path of plain segments (``pkg-1/index.html``): letters, digits, ``_``,
    ``-``, ``.``, no empty, hidden or ``..`` segments (``ValueError`` otherwise). Nothing is checked
    about the content: check uploads first (``save_file``, or the caller's own checks).
    """
    key = _named_key(area, name)
    store = backend()
    store.put_stream(key, stream, content_type=content_type)
    return store.info(key)


def open_object(area: str, name: str) -> BinaryIO:
    """A seekable binary stream of a named object; ``FileNotFoundError`` when there is none."""
    return backend().open(_named_key(area, name))


def object_info(area: str, name: str) -> ObjectInfo | None:
    """Size and change time of a named object, or None."""
    found = backend().info(_named_key(area, name))
    return None if found is None else ObjectInfo(name, found.size, found.modified)


def object_names(area: str, prefix: str = "") -> list[str]:
    """The names in ``area`` starting with ``prefix`` (e.g. ``pkg-1/``), sorted."""
    base = f"{NAMED}/{_area(area)}/"
    return sorted(key[len(base):] for key in backend().keys(base + prefix))


def delete_object(area: str, name: str) -> None:
    """Remove a named object (a missing one is no error)."""
    backend().delete(_named_key(area, name))


def send_object(area: str, name: str, *, mime_type: str, download_name: str | None = None,
                as_attachment: bool = False, max_age: int = 3600) -> Response:
    """The response for a named object, as ``send_stored_file`` (its ETag comes from size and change time)."""
    from lms.storage.serving import send_key

    return send_key(_named_key(area, name), mimetype=mime_type, etag=None, download_name=download_name,
                    as_attachment=as_attachment, max_age=max_age)
