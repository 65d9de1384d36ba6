"""Storage backends: where stored objects live, addressed by a relative key such as ``uploads/ab/cd/<sha256>``.

A backend knows nothing of areas, hashes or uploads (``lms.storage`` does); it only puts, opens,
describes, lists and deletes objects by key. Every read is a seekable binary stream read in chunks,
and every write comes from a file or a stream, so a video is never held in memory whole.
The local backend keeps the keys as paths below a root folder (the instance folder by default, so
files stay where older versions put them); ``lms.storage.s3`` keeps them as S3 object keys.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 1024 * 1024

# Keys are relative, forward-slashed and plain: no empty, dot or hidden segments (temporary files
# start with a dot, so listing never sees them), nothing a file system or S3 treats specially.
_KEY_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@+=-]{0,199}")


class StorageError(Exception):
    """Storage is misconfigured, unreachable or unwritable; the message says what failed and where."""


class StorageUnavailable(StorageError):
    """``lms.storage.ping()`` could not write to, read from or delete in the storage."""


@dataclass(frozen=True)
class ObjectInfo:
    """What the storage knows of one object: its key, size in bytes and last change (a timestamp)."""

    key: str
    size: int
    modified: float


def check_key(key: str) -> str:
    """Return ``key`` if it is a plain relative key, else raise ``ValueError``."""
    parts = key.split("/") if isinstance(key, str) else [""]
    if len(key) > 900 or not all(_KEY_SEGMENT.fullmatch(part) and ".." not in part for part in parts):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Backend:
    """The operations every backend offers (keys are checked by the caller with ``check_key``)."""

    url: str = ""

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        """Store the file at ``path`` under ``key`` (replacing any object there); ``path`` is left in place."""
        raise NotImplementedError

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> None:
        """Store what ``stream`` yields under ``key``, read in chunks."""
        raise NotImplementedError

    def open(self, key: str) -> BinaryIO:
        """A seekable binary stream of the object; ``FileNotFoundError`` when there is none."""
        raise NotImplementedError

    def info(self, key: str) -> ObjectInfo | None:
        """Size and change time of the object, or None when there is none."""
        raise NotImplementedError

    def delete(self, key: str) -> None:
        """Remove the object; a missing one is no error."""
        raise NotImplementedError

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key starting with ``prefix`` (a folder such as ``uploads/``), in no particular order."""
        raise NotImplementedError

    def local_path(self, key: str) -> Path | None:
        """The object's file when the backend is a local folder (for ``X-Sendfile``), else None."""
        return None

    def ping(self) -> None:
        """Write, read back and delete a small probe object; raise ``StorageUnavailable`` on failure."""
        key = f"health/probe-{uuid.uuid4().hex}"
        probe = b"lms storage probe\n"
        try:
            with tempfile.SpooledTemporaryFile() as source:
                source.write(probe)
                source.seek(0)
                self.put_stream(key, source, content_type="text/plain")
            with self.open(key) as stream:
                back = stream.read()
            self.delete(key)
        except StorageUnavailable:
            raise
        except Exception as error:  # any client or OS error means the same thing here: not usable
            raise StorageUnavailable(f"storage {self.url} is not usable: {type(error).__name__}: {error}") from error
        if back != probe:
            raise StorageUnavailable(f"storage {self.url} returned other bytes than were written")


class LocalBackend(Backend):
    """Objects as files below ``root``; writes go to a hidden temporary file first, then an atomic rename."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.url = self.root.as_uri() if self.root.is_absolute() else str(self.root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _staging(self, target: Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        # Next to the target: the same file system, so the final rename is atomic, and a dot name
        # that ``keys`` skips, so a half-written file is never listed.
        return tempfile.NamedTemporaryFile(prefix=".incoming-", dir=target.parent, delete=False)

    def put_file(self, key: str, path: Path, *, content_type: str | None = None) -> None:
        with open(path, "rb") as source:
            self.put_stream(key, source, content_type=content_type)

    def move_file(self, key: str, path: Path) -> None:
        """Move ``path`` in as ``key``: a rename when it is on the same file system, else a copy."""
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(path, target)
        except OSError:
            self.put_file(key, path)
            Path(path).unlink(missing_ok=True)

    def put_stream(self, key: str, stream: BinaryIO, *, content_type: str | None = None) -> None:
        target = self._path(key)
        staging = self._staging(target)
        try:
            with staging:
                shutil.copyfileobj(stream, staging, CHUNK_SIZE)
            os.replace(staging.name, target)
        except BaseException:
            Path(staging.name).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        path = self._path(key)
        if not path.is_file():
            raise FileNotFoundError(key)
        return open(path, "rb")

    def info(self, key: str) -> ObjectInfo | None:
        try:
            found = self._path(key).stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        return ObjectInfo(key, found.st_size, found.st_mtime)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str) -> Iterator[str]:
        base = self.root / prefix if prefix else self.root
        if not base.is_dir():
            return
        for folder, dirs, files in os.walk(base):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            relative = Path(folder).relative_to(self.root).as_posix()
            for name in files:
                if not name.startswith("."):
                    yield name if relative == "." else f"{relative}/{name}"

    def local_path(self, key: str) -> Path | None:
        return self._path(key)

    def ping(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageUnavailable(f"storage folder {self.root} cannot be created: {error}") from error
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailable(f"storage folder {self.root} is not writable by this process")
        super().ping()
