"""Helpers for the e-learning tests: zips made on the fly and the shared fixture packages."""
from __future__ import annotations

import io
import zipfile

from lms import storage
from lms.elearning.archive import AREA
from lms.testing import shared_fixture

TINCAN_XML = """<?xml version="1.0" encoding="utf-8"?>
<tincan xmlns="http://projecttincan.com/tincan.xsd"><activities>
<activity id="https://example.com/hostile" type="http://adlnet.gov/expapi/activities/course">
<name>Hostile</name><launch lang="en">index.html</launch></activity></activities></tincan>"""


def make_zip(files: dict[str, bytes | str], *, symlinks: dict[str, str] | None = None,
             compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.create_system = 3
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, target)
    return buffer.getvalue()


def fixture_package(*parts: str) -> bytes:
    return shared_fixture("elearning", *parts).read_bytes()


def stored_names(app) -> list[str]:
    with app.app_context():
        return storage.object_names(AREA)
