"""Helpers of the storage tests (not a test module)."""
from __future__ import annotations

import io

import re
from pathlib import Path

from lms import storage
from lms.testing import csrf_token

CONTENT = Path(__file__).resolve().parents[2] / "content"


def stored_keys(app) -> set[str]:
    with app.app_context():
        return {key for prefix in ("uploads/", "certificates/", "files/") for key in storage.backend().keys(prefix)}


def mp4_bytes(size: int) -> bytes:
    """An MP4 the upload checks accept (an ``ftyp`` box with the isom brand), padded with a pattern to ``size``."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    pattern = bytes(range(251))  # a prime length: any misplaced range shows
    body = (pattern * (size // len(pattern) + 1))[: size - len(head)]
    return head + body


def create_course(client, slug="storage-on-s3") -> int:
    data = {"csrf_token": csrf_token(client, "/courses/manage/new"), "title": "Хранение", "slug": slug,
            "description": "Курс.", "language": "ru", "targets_all": "y", "validity_months": "12"}
    response = client.post("/courses/manage/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/manage/(\d+)", response.headers["Location"]).group(1))


def upload_asset(client, course_id: int, data: bytes, name: str) -> tuple[int, str]:
    """Post a course file; (status, page text)."""
    with client.post(f"/courses/manage/{course_id}/assets", content_type="multipart/form-data",
                     data={"csrf_token": csrf_token(client, f"/courses/manage/{course_id}"),
                           "file": (io.BytesIO(data), name)}) as response:
        # The test client encodes a body past 500 KB into a temporary file that it never closes.
        response.request.environ["wsgi.input"].close()
        return response.status_code, response.get_data(as_text=True)
