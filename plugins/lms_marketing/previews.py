"""Preview images of catalogue items: checked by content and stored by hash in the core's file storage."""
from __future__ import annotations

import io
import struct
import zlib
from typing import BinaryIO

from flask import current_app

from lms.storage import IMAGE_KINDS, UploadError, open_file, save_file, send_stored_file

STORAGE_AREA = "marketing"


def save_preview(stream, filename: str) -> tuple[str, str]:
    """Check an uploaded image and store it; return (sha256, mime type). Raises ``UploadError``."""
    limit = int(current_app.config["MARKETING_PREVIEW_MAX_BYTES"])
    stored = save_file(stream, filename or "", area=STORAGE_AREA, kinds=IMAGE_KINDS, max_bytes=limit)
    return stored.sha256, stored.mime_type


def open_preview(sha256: str) -> BinaryIO:
    """The stored preview's bytes as a stream (``FileNotFoundError`` when missing), local or object storage."""
    return open_file(STORAGE_AREA, sha256)


def send_preview(sha256: str, mime_type: str):
    """The preview as a response: a year in the browser's cache, since its address is its content hash."""
    return send_stored_file(STORAGE_AREA, sha256, mime_type=mime_type, max_age=365 * 24 * 3600, immutable=True)


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


__all__ = ["UploadError", "open_preview", "png_bytes", "save_png", "save_preview", "send_preview"]
