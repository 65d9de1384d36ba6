"""Stored files into a backup folder and back, each streamed in chunks and hashed on the way."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from lms.storage.backends import CHUNK_SIZE, Backend, check_key


def _copy_stream(source, target) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(CHUNK_SIZE), b""):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def file_hash(path: Path) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def object_hash(store: Backend, key: str) -> tuple[int, str]:
    with store.open(key) as stream:
        return _copy_stream(stream, _Discard())


class _Discard:
    def write(self, chunk: bytes) -> None:
        pass


def portal_keys(store: Backend) -> list[str]:
    """The keys of every object the portal stored (its own folders only, never the database file)."""
    from lms.storage.transfer import all_keys

    return all_keys(store)


def backup_path(folder: Path, key: str) -> Path:
    return folder / "files" / check_key(key)


def save_objects(store: Backend, folder: Path) -> dict[str, dict]:
    """Copy every object into ``folder/files/<key>``; the manifest entries ``{key: {size, sha256}}``."""
    entries = {}
    for key in portal_keys(store):
        target = backup_path(folder, key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with store.open(key) as source, target.open("wb") as out:
            size, digest = _copy_stream(source, out)
        entries[key] = {"size": size, "sha256": digest}
    return entries


def restore_objects(store: Backend, folder: Path, entries: dict[str, dict]) -> int:
    """Put every file of the backup into ``store`` unless an object with its exact content is there;
    each one is read back and checked. Returns how many were written."""
    written = 0
    for key, entry in sorted(entries.items()):
        present = store.info(key)
        if present is not None and present.size == entry["size"] and object_hash(store, key)[1] == entry["sha256"]:
            continue
        store.put_file(key, backup_path(folder, key))
        if object_hash(store, key) != (entry["size"], entry["sha256"]):
            raise OSError(f"stored file {key} does not read back as it was written")
        written += 1
    return written


def staging_folder(folder: Path) -> Path:
    """A private temporary folder beside ``folder`` (the same file system, so moves are renames)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))


def fsync_tree(folder: Path) -> None:
    """Flush the backup's files to disk before the manifest says it is complete."""
    for root, _dirs, names in os.walk(folder):
        for name in names:
            with open(os.path.join(root, name), "rb") as stream:
                os.fsync(stream.fileno())
