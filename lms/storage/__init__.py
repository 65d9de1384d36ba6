"""File storage, a core service used by courses, certificates, e-learning packages and plugins (public surface).

Every file the portal keeps lives in one storage, chosen by ``STORAGE_URL``: a local folder (the
instance folder by default; it may be a shared mount) or S3-compatible object storage. Files are
objects under a key; checked uploads are content-addressed by SHA-256 (``uploads/<area>/ab/cd/<sha256>``),
so the same content is kept once. See docs/storage.md.

A plugin stores a file with ``save_file`` and keeps the returned hash and MIME type in its own
table; ``send_stored_file`` serves it again (range requests, ETag, proxy offload). Each plugin uses an
``area`` of its own (a short name such as ``marketing``), so plugins never see each other's files.
Many files under one name (an unpacked package) go in with ``put`` and come back with ``open``.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from lms.courses.uploads import IMAGE_KINDS, UploadError, check_upload, storage_path
from lms.storage.backends import Backend, ObjectInfo, StorageError, StorageUnavailable

__all__ = ["IMAGE_KINDS", "ObjectInfo", "StorageError", "StorageUnavailable", "StoredFile", "UploadError",
           "file_path", "ping", "save_file"]

# Lower case and at least three characters, so an area can never be one of the core's ``ab/`` folders.
_AREA_RE = re.compile(r"[a-z][a-z0-9_]{2,39}")
_EXTENSION = "lms_storage"


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
    """The current app's storage backend."""
    app = current_app._get_current_object()
    if _EXTENSION not in app.extensions:
        init_app(app)
    return app.extensions[_EXTENSION]


def ping() -> None:
    """Check the storage is reachable and writable (a probe is written, read and deleted).

    Raises ``StorageUnavailable`` (a ``StorageError``) naming the storage and the cause; readiness
    checks call this.
    """
    backend().ping()


def _area_dir(area: str) -> Path:
    if not _AREA_RE.fullmatch(area):
        raise ValueError(f"not a storage area name: {area!r}")
    return Path(current_app.instance_path) / "uploads" / area


def save_file(stream: BinaryIO, filename: str, *, area: str, kinds: Collection[str], max_bytes: int) -> StoredFile:
    """Check an upload by its content and store it in ``area``; raise ``UploadError`` on refusal.

    ``kinds`` are the accepted kinds (e.g. ``IMAGE_KINDS``), told from the bytes, never from the
    name, which only has to agree with them; ``max_bytes`` bounds the size. A refused upload leaves
    nothing behind; the same content saved twice is stored once. ``UploadError`` carries an English
    ``message`` to translate with its ``params``: ``_(error.message, **error.params)``.
    """
    from lms.courses.uploads import store_upload

    target = _area_dir(area)
    incoming = target / ".incoming"  # on the storage's file system, so the final move is atomic
    incoming.mkdir(parents=True, exist_ok=True)
    checked = check_upload(stream, declared_name=filename, allowed_kinds=kinds,
                           size_limits={kind: max_bytes for kind in kinds}, temp_dir=incoming)
    store_upload(checked, target)
    return StoredFile(checked.sha256, checked.kind, checked.mime_type, checked.size, checked.display_name)


def file_path(area: str, sha256: str) -> Path:
    """The local file of a stored hash (it may not exist); raises ``ValueError`` for a malformed hash."""
    return _area_dir(area) / storage_path(sha256)
