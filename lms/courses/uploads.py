"""Upload checks: sniff the kind from the bytes, bound size and archives, store by content hash.

Nothing from the client is trusted: the kind comes from magic bytes (and, for ZIP-based formats, the
entries' names), the declared file name only has to agree with it and is kept as display text.
``check_upload`` streams into a temporary file while hashing and gives up as soon as the size limit
is passed, so memory stays flat; on any refusal the temporary file is removed and nothing is kept.
``store_upload`` then moves the file to ``<storage>/ab/cd/<sha256>`` atomically.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 64 * 1024
HEAD_SIZE = 4096

# File name extensions each kind may carry (lower case, with the dot).
KIND_EXTENSIONS: Mapping[str, frozenset[str]] = {
    "pdf": frozenset({".pdf"}),
    "pptx": frozenset({".pptx"}),
    "docx": frozenset({".docx"}),
    "xlsx": frozenset({".xlsx"}),
    "zip": frozenset({".zip"}),
    "png": frozenset({".png"}),
    "jpeg": frozenset({".jpg", ".jpeg"}),
    "gif": frozenset({".gif"}),
    "webp": frozenset({".webp"}),
    "mp4": frozenset({".mp4", ".m4v"}),
    "webm": frozenset({".webm"}),
    "txt": frozenset({".txt", ".csv"}),
}

MIME_TYPES: Mapping[str, str] = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "mp4": "video/mp4",
    "webm": "video/webm",
    "txt": "text/plain",  # Flask adds "; charset=utf-8" when it serves a text type
}

IMAGE_KINDS = frozenset({"png", "jpeg", "gif", "webp"})
VIDEO_KINDS = frozenset({"mp4", "webm"})
SLIDE_KINDS = frozenset({"pdf", "pptx"})
ZIP_KINDS = frozenset({"pptx", "docx", "xlsx", "zip"})
ATTACHMENT_KINDS = frozenset({"pdf", "pptx", "docx", "xlsx", "zip", "txt"}) | IMAGE_KINDS

# ISO base media brands that browsers play as MP4 video (HEIF images and QuickTime are left out).
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VH", b"M4VP", b"dash", b"mmp4", b"MSNV"}
)
_WINDOWS_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_CONTROL_CHARS_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class UploadError(Exception):
    """An upload was refused; ``message`` is an English msgid to translate with ``params``."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.code = code
        self.message = message
        self.params = params


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for ZIP-based uploads (pptx, docx, xlsx, zip), checked from the central directory."""

    max_entries: int = 5000
    max_total_uncompressed: int = 512 * 1024 * 1024
    max_ratio: float = 100.0


@dataclass(frozen=True)
class UploadCheck:
    """A checked upload waiting in a temporary file: pass it to ``store_upload`` or ``discard``."""

    kind: str
    mime_type: str
    sha256: str
    size: int
    display_name: str
    temp_path: Path = field(repr=False)

    def discard(self) -> None:
        """Remove the temporary file (when the caller decides not to keep the upload)."""
        self.temp_path.unlink(missing_ok=True)


def _vint(data: bytes, pos: int) -> tuple[int, int] | None:
    """Read an EBML variable-size integer at ``pos``: (value, bytes used), or None if cut short."""
    if pos >= len(data) or data[pos] == 0:
        return None
    first = data[pos]
    length = 8 - first.bit_length() + 1
    if pos + length > len(data):
        return None
    value = first & ((1 << (8 - length)) - 1)
    for byte in data[pos + 1 : pos + length]:
        value = (value << 8) | byte
    return value, length


def _is_webm(head: bytes) -> bool:
    if not head.startswith(b"\x1a\x45\xdf\xa3"):
        return False
    doc_type_at = head.find(b"\x42\x82", 4, 64)
    if doc_type_at < 0:
        return False
    size = _vint(head, doc_type_at + 2)
    if size is None:
        return False
    start = doc_type_at + 2 + size[1]
    return head[start : start + size[0]] == b"webm"


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # The head may end inside a multi-byte character; only that is forgiven.
        if error.start < len(head) - 3:
            return False
        text = head[: error.start].decode("utf-8")
    return not any(ch < " " and ch not in "\t\n\r\f" for ch in text)


def zip_kind(names: Collection[str]) -> str:
    """Classify a ZIP by its entry names: pptx, docx, xlsx (Office Open XML) or plain zip."""
    if "[Content_Types].xml" in names:
        if "ppt/presentation.xml" in names:
            return "pptx"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return "zip"


def detect_kind(head: bytes, zip_names: Collection[str] | None = None) -> str | None:
    """Tell the kind of a file from its first bytes (and its ZIP entry names, if it is a ZIP), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "mp4"
    if _is_webm(head):
        return "webm"
    if head.startswith(b"PK\x03\x04"):
        return zip_kind(zip_names) if zip_names is not None else "zip"
    if head and _is_text(head):
        return "txt"
    return None


def detect_file_kind(path: Path) -> str | None:
    """Tell the kind of a file on disk, looking inside ZIPs for the Office formats."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_SIZE)
    if detect_kind(head) != "zip":
        return detect_kind(head)
    try:
        with zipfile.ZipFile(path) as archive:
            return zip_kind(set(archive.namelist()))
    except zipfile.BadZipFile:
        return None


def is_unsafe_name(name: str) -> bool:
    """Tell whether a client file name looks like a path or hides control characters."""
    return (
        not name
        or name != name.strip()
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or bool(_WINDOWS_DRIVE_RE.match(name))
        or bool(_CONTROL_CHARS_RE.search(name))
        or len(name.encode("utf-8")) > 255
    )


def display_name(name: str) -> str:
    """Normalise a (checked) client file name for showing and for Content-Disposition."""
    return unicodedata.normalize("NFC", re.sub(r"\s+", " ", name)).strip()


def _name_extension(name: str) -> str:
    return os.path.splitext(name)[1].lower()


def _check_archive_entry(info: zipfile.ZipInfo, limits: ArchiveLimits) -> None:
    path = info.filename
    parts = path.replace("\\", "/").split("/")
    if path.startswith(("/", "\\")) or _WINDOWS_DRIVE_RE.match(path) or ".." in parts or "\x00" in path:
        raise UploadError("archive_unsafe_path", "The archive contains a file with an unsafe path: %(path)s", path=path[:200])
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UploadError("archive_symlink", "The archive contains a symbolic link, which is not allowed.")
    if info.flag_bits & 0x1:
        raise UploadError("archive_encrypted", "The archive is password-protected and cannot be checked.")
    # Small entries compress absurdly well by nature; only big ones can be bombs.
    if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise UploadError("archive_ratio", "The archive is compressed suspiciously strongly and was refused for safety.")


def check_archive(path: Path, limits: ArchiveLimits = ArchiveLimits()) -> str:
    """Check a ZIP-based file without extracting it and return its kind (pptx, docx, xlsx or zip)."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadError("archive_corrupt", "The archive is damaged and cannot be checked.") from error
    if len(infos) > limits.max_entries:
        raise UploadError(
            "archive_entries", "The archive has too many files (%(count)s; the limit is %(limit)s).",
            count=len(infos), limit=limits.max_entries,
        )
    names = set()
    for info in infos:
        _check_archive_entry(info, limits)
        names.add(info.filename)
    total = sum(info.file_size for info in infos)
    if total > limits.max_total_uncompressed:
        raise UploadError(
            "archive_too_big", "The archive unpacks to more than %(limit_mb)s MB.",
            limit_mb=limits.max_total_uncompressed // (1024 * 1024),
        )
    packed = sum(info.compress_size for info in infos)
    if total > 1024 * 1024 and total > limits.max_ratio * max(packed, 1):
        raise UploadError("archive_ratio", "The archive is compressed suspiciously strongly and was refused for safety.")
    return zip_kind(names)


def _check_extension(declared_name: str, kind: str) -> None:
    extension = _name_extension(declared_name)
    if extension not in KIND_EXTENSIONS[kind]:
        raise UploadError(
            "extension_mismatch", "The file name ends in “%(extension)s” but the content is a %(kind)s file.",
            extension=extension or "(none)", kind=kind,
        )


def _refuse_kind(kind: str | None, allowed_kinds: Collection[str]) -> UploadError:
    allowed = ", ".join(sorted(allowed_kinds))
    if kind is None:
        return UploadError("unsupported_type", "This type of file is not supported here. Allowed: %(allowed)s.", allowed=allowed)
    return UploadError(
        "kind_not_allowed", "A %(kind)s file is not allowed here. Allowed: %(allowed)s.", kind=kind, allowed=allowed
    )


def _size_limit(candidates: Collection[str], size_limits: Mapping[str, int]) -> int:
    missing = [kind for kind in candidates if kind not in size_limits]
    if missing:
        raise ValueError(f"no size limit configured for {', '.join(sorted(missing))}")
    return max(size_limits[kind] for kind in candidates)


def _copy_bounded(stream: BinaryIO, first: bytes, target: BinaryIO, limit: int) -> tuple[str, int]:
    """Copy ``first`` plus the rest of ``stream`` into ``target`` while hashing; stop past ``limit``."""
    digest = hashlib.sha256()
    size = 0
    chunk = first
    while chunk:
        size += len(chunk)
        if size > limit:
            raise UploadError("too_large", "The file is too large: the limit for this type is %(limit_mb)s MB.", limit_mb=_megabytes(limit))
        digest.update(chunk)
        target.write(chunk)
        chunk = stream.read(CHUNK_SIZE)
    return digest.hexdigest(), size


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):.1f}".removesuffix(".0")


def _read_head(stream: BinaryIO) -> bytes:
    head = b""
    while len(head) < HEAD_SIZE:
        chunk = stream.read(HEAD_SIZE - len(head))
        if not chunk:
            break
        head += chunk
    return head


def check_upload(
    stream: BinaryIO,
    *,
    declared_name: str,
    allowed_kinds: Collection[str],
    size_limits: Mapping[str, int],
    archive_limits: ArchiveLimits = ArchiveLimits(),
    temp_dir: str | os.PathLike | None = None,
) -> UploadCheck:
    """Check an uploaded stream; return the checked upload in a temp file, or raise ``UploadError``.

    ``size_limits`` maps each allowed kind to its byte limit (a missing one is a configuration error).
    """
    if is_unsafe_name(declared_name):
        raise UploadError("unsafe_name", "The file name is not allowed: use a plain name without folders or special characters.")
    head = _read_head(stream)
    if not head:
        raise UploadError("empty", "The file is empty.")
    sniffed = detect_kind(head)
    candidates = (ZIP_KINDS & set(allowed_kinds)) if sniffed == "zip" else ({sniffed} & set(allowed_kinds))
    if not candidates:
        # The exact ZIP flavour is unknown before reading it all; the name only words the message.
        named = next((k for k in ZIP_KINDS if _name_extension(declared_name) in KIND_EXTENSIONS[k]), "zip")
        raise _refuse_kind(named if sniffed == "zip" else sniffed, allowed_kinds)
    limit = _size_limit(candidates, size_limits)
    if sniffed != "zip":
        _check_extension(declared_name, sniffed)  # refuse before reading the rest
    handle = tempfile.NamedTemporaryFile(prefix="upload-", dir=temp_dir, delete=False)
    temp_path = Path(handle.name)
    try:
        with handle:
            sha256, size = _copy_bounded(stream, head, handle, limit)
        kind = check_archive(temp_path, archive_limits) if sniffed == "zip" else sniffed
        if kind not in allowed_kinds:
            raise _refuse_kind(kind, allowed_kinds)
        if size > size_limits[kind]:
            raise UploadError("too_large", "The file is too large: the limit for this type is %(limit_mb)s MB.", limit_mb=_megabytes(size_limits[kind]))
        _check_extension(declared_name, kind)
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return UploadCheck(kind, MIME_TYPES[kind], sha256, size, display_name(declared_name), temp_path)


def storage_path(sha256: str) -> str:
    """Relative storage path of a content hash: ``ab/cd/<sha256>``."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError("not a sha256 hex digest")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_upload(check: UploadCheck, storage_dir: str | os.PathLike) -> str:
    """Move a checked upload into the storage by its hash and return the relative path (idempotent)."""
    relative = storage_path(check.sha256)
    target = Path(storage_dir) / relative
    if target.exists():
        check.discard()
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(check.temp_path, target)
    except OSError:
        # Different file systems: copy next to the target first so the final step stays atomic.
        staging = tempfile.NamedTemporaryFile(prefix=".incoming-", dir=target.parent, delete=False)
        try:
            with staging, open(check.temp_path, "rb") as source:
                shutil.copyfileobj(source, staging, CHUNK_SIZE)
            os.replace(staging.name, target)
        except BaseException:
            Path(staging.name).unlink(missing_ok=True)
            raise
        check.discard()
    return relative
