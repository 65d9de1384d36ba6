"""Preview images of catalogue items: checked by content with the core's upload checks, stored by hash."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from flask import current_app

from lms.courses.uploads import IMAGE_KINDS, UploadError, check_upload, store_upload

DEFAULT_MAX_PREVIEW_BYTES = 5 * 1024 * 1024


def storage_dir() -> Path:
    """``<instance>/uploads/marketing``: previews live beside the other uploads, by content hash."""
    return Path(current_app.instance_path) / "uploads" / "marketing"


def save_preview(stream, filename: str) -> tuple[str, str]:
    """Check an uploaded image and store it; return (sha256, mime type). Raises ``UploadError``."""
    limit = int(current_app.config.get("MARKETING_PREVIEW_MAX_BYTES", DEFAULT_MAX_PREVIEW_BYTES))
    checked = check_upload(stream, declared_name=filename or "", allowed_kinds=IMAGE_KINDS,
                           size_limits={kind: limit for kind in IMAGE_KINDS})
    store_upload(checked, storage_dir())
    return checked.sha256, checked.mime_type


def preview_path(sha256: str) -> Path:
    from lms.courses.uploads import storage_path

    return storage_dir() / storage_path(sha256)


def png_bytes(width: int, height: int, colour: tuple[int, int, int], stripe: tuple[int, int, int]) -> bytes:
    """A small two-colour PNG (a band across the middle), for demo previews without an image library."""
    rows = []
    for y in range(height):
        pixel = bytes(stripe if height // 3 <= y < 2 * height // 3 else colour)
        rows.append(b"\x00" + pixel * width)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def save_png(data: bytes, filename: str) -> tuple[str, str]:
    return save_preview(io.BytesIO(data), filename)


__all__ = ["UploadError", "png_bytes", "preview_path", "save_png", "save_preview", "storage_dir"]
