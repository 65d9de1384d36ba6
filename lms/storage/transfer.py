"""Copy every stored object from one backend to another and verify it by hash; check a backend's objects.

Only the portal's own folders are walked (``uploads/``, ``certificates/``, ``files/``), so a
local storage that is the instance folder never copies the database or the keys. Content-addressed
objects carry their SHA-256 in the key and are verified against it, on both sides; other objects
are verified against the hash of what was read from the source. Each object goes through a temporary
file (no object is held in memory), and one already at the target with the right content is left
alone, so a migration that stopped half-way is simply run again.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lms.storage.backends import CHUNK_SIZE, Backend

NAMESPACES = ("uploads/", "certificates/", "files/")
_HASHED = re.compile(r"^(?:uploads|certificates)/.*?([0-9a-f]{64})(?:\.pdf)?$")


def expected_hash(key: str) -> str | None:
    """The SHA-256 a content-addressed key promises, or None for a named object."""
    match = _HASHED.match(key)
    return match.group(1) if match else None


def object_hash(store: Backend, key: str) -> str:
    digest = hashlib.sha256()
    with store.open(key) as stream:
        for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Report:
    """What a migration or a check found: counts, and each failed key with its reason."""

    copied: int = 0
    present: int = 0
    verified: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def all_keys(store: Backend) -> list[str]:
    return sorted(key for prefix in NAMESPACES for key in store.keys(prefix))


def _spool(source: Backend, key: str, staging: Path):
    """Copy the object into a temporary file while hashing; return (file, sha256)."""
    spool = tempfile.NamedTemporaryFile(prefix="migrate-", dir=staging)
    digest = hashlib.sha256()
    with source.open(key) as stream:
        for chunk in iter(lambda: stream.read(CHUNK_SIZE), b""):
            digest.update(chunk)
            spool.write(chunk)
    spool.flush()
    return spool, digest.hexdigest()


def copy_object(source: Backend, target: Backend, key: str, staging: Path, report: Report) -> None:
    expected = expected_hash(key)
    already = target.info(key)
    if already is not None and expected and object_hash(target, key) == expected:
        report.present += 1
        return
    spool, digest = _spool(source, key, staging)
    with spool:
        if expected and digest != expected:
            report.failed.append((key, f"the source is damaged: its content hashes to {digest}"))
            return
        if already is not None and not expected and object_hash(target, key) == digest:
            report.present += 1
            return
        target.put_file(key, Path(spool.name))
    copied = object_hash(target, key)
    if copied != digest:
        report.failed.append((key, f"the copy hashes to {copied}, not {digest}"))
        return
    report.copied += 1


def migrate(source: Backend, target: Backend, *, staging: Path,
            progress: Callable[[str], None] | None = None) -> Report:
    """Copy every object of ``source`` to ``target``, verifying each; run it again to resume."""
    report = Report()
    staging.mkdir(parents=True, exist_ok=True)
    for key in all_keys(source):
        try:
            copy_object(source, target, key, staging, report)
        except Exception as error:  # one unreadable object is reported, the others still copied
            report.failed.append((key, f"{type(error).__name__}: {error}"))
        if progress:
            progress(key)
    return report


def check(store: Backend) -> Report:
    """Read every object; content-addressed ones must hash to their key (``verified``), named ones be readable."""
    report = Report()
    for key in all_keys(store):
        try:
            digest = object_hash(store, key)
        except Exception as error:
            report.failed.append((key, f"{type(error).__name__}: {error}"))
            continue
        expected = expected_hash(key)
        if expected and digest != expected:
            report.failed.append((key, f"the content hashes to {digest}"))
        else:
            report.verified += 1
    return report
