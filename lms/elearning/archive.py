"""Checking an uploaded zip before anything of it is stored, and unpacking it into the file storage.

Every check reads only the zip's central directory, so a refused package costs no storage and no
unpacking: size, number of entries, names (absolute, ``..``, drive letters, backslashes, duplicates),
symbolic links, encryption, declared unpacked total, per-entry compression ratio and overlapping
entries (the "overlapping files" zip bomb, where every entry reuses one compressed stream).
Unpacking then reads each entry through ``zipfile``, which stops at the declared size and checks
the CRC, so an entry that lies about its size fails instead of filling the disk.
"""
from __future__ import annotations

import hashlib
import io
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _

from lms import storage

AREA = "elearning"
MB = 1024 * 1024
RATIO_FLOOR_BYTES = 1 * MB  # tiny files (an empty page, padding) may compress absurdly well
CHUNK = 1024 * 1024


class PackageError(ValueError):
    """The package is refused; the message names the problem in the user's language."""


@dataclass(frozen=True)
class CheckedZip:
    sha256: str
    names: list[str]           # file names inside the package (folders left out), as stored
    total_bytes: int


def _limit(name: str) -> int:
    return int(current_app.config[name])


def sha256_of(stream: BinaryIO) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    stream.seek(0)
    return digest.hexdigest(), size


def safe_name(name: str) -> str:
    """The entry's path, or PackageError when it could land outside the package folder."""
    if "\\" in name or "\x00" in name:
        raise PackageError(_("The package contains an unsafe file name: %(name)s", name=name[:200]))
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise PackageError(_("The package contains a file with an absolute path: %(name)s", name=name[:200]))
    parts = name.split("/")
    if any(part == ".." for part in parts):
        raise PackageError(_("The package contains a path that leaves its folder: %(name)s", name=name[:200]))
    return posixpath.normpath(name)


def check_zip(stream: BinaryIO) -> tuple[zipfile.ZipFile, CheckedZip]:
    """Open and check the zip; PackageError names the first problem found."""
    sha, size = sha256_of(stream)
    max_bytes = _limit("ELEARNING_MAX_PACKAGE_MB") * MB
    if size > max_bytes:
        raise PackageError(_("The package is %(size)s MB; the limit is %(limit)s MB.",
                             size=round(size / MB, 1), limit=_limit("ELEARNING_MAX_PACKAGE_MB")))
    if size == 0:
        raise PackageError(_("The file is empty."))
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise PackageError(_("The file is not a zip archive.")) from None
    infos = archive.infolist()
    if len(infos) > _limit("ELEARNING_MAX_ENTRIES"):
        raise PackageError(_("The package has %(count)s files; the limit is %(limit)s.",
                             count=len(infos), limit=_limit("ELEARNING_MAX_ENTRIES")))
    names, seen, total = [], set(), 0
    ratio_limit = _limit("ELEARNING_MAX_COMPRESSION_RATIO")
    for info in infos:
        name = safe_name(info.filename)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise PackageError(_("The package contains a symbolic link: %(name)s", name=name[:200]))
        if info.flag_bits & 0x1:
            raise PackageError(_("The package contains an encrypted file: %(name)s", name=name[:200]))
        if info.is_dir():
            continue
        if name.lower() in seen:
            raise PackageError(_("The package contains the file %(name)s twice.", name=name[:200]))
        seen.add(name.lower())
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio_limit * max(info.compress_size, 1):
            raise PackageError(_("The file %(name)s is compressed %(ratio)s times, more than a real package "
                                 "ever is: the archive looks like a zip bomb.",
                                 name=name[:200], ratio=info.file_size // max(info.compress_size, 1)))
        names.append(name)
    if total > _limit("ELEARNING_MAX_UNPACKED_MB") * MB:
        raise PackageError(_("Unpacked, the package would take %(size)s MB; the limit is %(limit)s MB.",
                             size=total // MB, limit=_limit("ELEARNING_MAX_UNPACKED_MB")))
    _check_no_overlap(infos)
    return archive, CheckedZip(sha, names, total)


def _check_no_overlap(infos: list[zipfile.ZipInfo]) -> None:
    """Entries whose data overlap share one compressed stream: a known zip-bomb construction."""
    spans = sorted((info.header_offset, info.header_offset + len(info.FileHeader()) + info.compress_size)
                   for info in infos if not info.is_dir())
    for (_start, end), (next_start, _end) in zip(spans, spans[1:]):
        # FileHeader() is rebuilt, so allow for extra fields the original local header carried.
        if next_start < end - 64 * 1024 or next_start < _start + 30:
            raise PackageError(_("The archive's files overlap one another: the archive looks like a zip bomb."))


_PLAIN = re.compile(r"[A-Za-z0-9_.@+=-]")


def storage_name(sha256: str, path: str) -> str:
    """The storage object name of a package file: plain characters kept, others as ``=HH`` (UTF-8),
    so "Мой файл.html" and ".hidden" can be stored and the served URL maps back the same way."""
    segments = []
    for segment in path.split("/"):
        text = "".join(char if _PLAIN.fullmatch(char) else "".join(f"={byte:02X}" for byte in char.encode())
                       for char in segment)
        if text.startswith((".", "-", "=", "@", "+")) or ".." in text:
            text = "_" + text.replace("..", ".=2E")
        segments.append(text[:200])
    return f"{sha256}/" + "/".join(segments)


def read_entry(archive: zipfile.ZipFile, name: str, limit: int = 5 * MB) -> bytes:
    """A small file (a manifest) from the package."""
    for info in archive.infolist():
        if posixpath.normpath(info.filename) == name:
            if info.file_size > limit:
                raise PackageError(_("The file %(name)s is too large.", name=name))
            return archive.read(info)
    raise KeyError(name)


def unpack(archive: zipfile.ZipFile, checked: CheckedZip) -> None:
    """Put every file under ``<sha256>/<path>`` in the storage area; on any failure remove what was put."""
    if storage.object_names(AREA, checked.sha256 + "/"):
        return  # the same package (same bytes) is already unpacked: keys never change content
    stored = []
    try:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = storage_name(checked.sha256, safe_name(info.filename))
            with archive.open(info) as entry:
                storage.put_object(AREA, name, _Counting(entry, info.file_size))
            stored.append(name)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        for name in stored:
            storage.delete_object(AREA, name)
        raise PackageError(_("The archive is damaged: %(error)s", error=str(error)[:200])) from None


class _Counting(io.RawIOBase):
    """Reads an entry and fails once it yields more than its declared size (belt and braces)."""

    def __init__(self, source, limit: int):
        self.source, self.limit, self.count = source, limit, 0

    def readable(self) -> bool:
        return True

    def read(self, size=-1) -> bytes:
        data = self.source.read(CHUNK if size is None or size < 0 else size)
        self.count += len(data)
        if self.count > self.limit:
            raise ValueError("an entry is larger than it declares")
        return data

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)
