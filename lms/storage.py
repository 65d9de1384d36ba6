"""File storage for plugins: checked uploads kept once by content hash (part of the public surface).

A plugin stores a file with ``save_file`` and keeps the returned hash and MIME type in its own
table; the file is found again by area and hash. Each plugin uses an ``area`` of its own (a short
name such as ``marketing``), so plugins never see each other's files. Today the
files live on the local disk, under ``<instance>/uploads/<area>/ab/cd/<sha256>``, checked and
stored by the core's upload code (``lms.courses.uploads``); the multi-node (S3) backend is to come
behind these same functions.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from lms.courses.uploads import IMAGE_KINDS, UploadError, check_upload, storage_path, store_upload

__all__ = ["IMAGE_KINDS", "StoredFile", "UploadError", "file_path", "save_file"]

# Lower case and at least three characters, so an area can never be one of the core's ``ab/`` folders.
_AREA_RE = re.compile(r"[a-z][a-z0-9_]{2,39}")


@dataclass(frozen=True)
class StoredFile:
    """A stored file: its content hash, kind (``png``, ``pdf`` …), MIME type, size and the checked client name."""

    sha256: str
    kind: str
    mime_type: str
    size: int
    display_name: str


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
