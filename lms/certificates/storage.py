"""Signed PDFs stored once, content-addressed by SHA-256, under ``<instance>/certificates``."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def storage_root(instance_path: str) -> Path:
    return Path(instance_path) / "certificates"


def pdf_path(instance_path: str, sha256: str) -> Path:
    """Where the PDF with this digest lives (two-level fan-out keeps folders small)."""
    if not _SHA256.match(sha256 or ""):
        raise ValueError("not a SHA-256 hex digest")
    return storage_root(instance_path) / sha256[:2] / f"{sha256}.pdf"


def store_pdf(instance_path: str, data: bytes) -> str:
    """Write ``data`` once (atomic rename; an identical file is kept) and return its SHA-256."""
    digest = hashlib.sha256(data).hexdigest()
    path = pdf_path(instance_path, digest)
    if path.is_file():
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return digest


def remove_pdf(instance_path: str, sha256: str) -> None:
    """Drop a stored PDF no certificate points to (the loser of two concurrent renders)."""
    pdf_path(instance_path, sha256).unlink(missing_ok=True)


def read_pdf(instance_path: str, sha256: str) -> bytes:
    return pdf_path(instance_path, sha256).read_bytes()
