"""Signed PDFs kept once in the portal's file storage, content-addressed by SHA-256: ``certificates/ab/<sha256>.pdf``."""
from __future__ import annotations

import hashlib
import io
import re
from typing import BinaryIO

from lms import storage

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def pdf_key(sha256: str) -> str:
    """The storage key of the PDF with this digest (two-level fan-out keeps folders small)."""
    if not _SHA256.match(sha256 or ""):
        raise ValueError("not a SHA-256 hex digest")
    return f"certificates/{sha256[:2]}/{sha256}.pdf"


def store_pdf(data: bytes) -> str:
    """Write ``data`` once (an identical object is kept) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    key = pdf_key(digest)
    store = storage.backend()
    if store.info(key) is None:
        store.put_stream(key, io.BytesIO(data), content_type="application/pdf")
    return digest


def remove_pdf(sha256: str) -> None:
    """Drop a stored PDF no certificate points to (the loser of two concurrent renders)."""
    storage.backend().delete(pdf_key(sha256))


def open_pdf(sha256: str) -> BinaryIO:
    """The stored PDF as a stream; ``FileNotFoundError`` when it is missing."""
    return storage.backend().open(pdf_key(sha256))


def read_pdf(sha256: str) -> bytes:
    with open_pdf(sha256) as stream:
        return stream.read()


def pdf_exists(sha256: str) -> bool:
    return storage.backend().info(pdf_key(sha256)) is not None


def send_pdf(sha256: str, *, download_name: str):
    """The download response of a stored PDF (streamed, or handed to the proxy; the digest is the ETag)."""
    from lms.storage.serving import send_key

    return send_key(pdf_key(sha256), mimetype="application/pdf", etag=sha256, download_name=download_name,
                    as_attachment=True, max_age=0)
