"""The package pipeline: checks before anything is stored, unpacking into the storage, lessons."""
import io
import zipfile

import pytest
import sqlalchemy as sa

from elearning_kit import TINCAN_XML, fixture_package, make_zip, stored_names
from lms.courses.models import Lesson
from lms.elearning.archive import PackageError
from lms.elearning.models import ElearningPackage, ElearningUnit
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db
from lms.testing import add_published_course


def run_import(app, data: bytes, course_id=None):
    with app.app_context():
        try:
            package = import_package(io.BytesIO(data), course_id=course_id, user_id=None)
        except PackageError as refused:
            db.session.rollback()
            return str(refused)
        commit()
        return package.id


@pytest.mark.parametrize("name, units, kind", [
    (("cmi5-catapult", "single_au_basic_framed.zip"), 1, "cmi5"),
    (("cmi5-catapult", "multi_au_framed.zip"), 8, "cmi5"),
    (("tincan", "GolfExample_TCAPI.zip"), 1, "tincan"),
])
def test_fixture_packages_import_as_lessons(app, name, units, kind):
    course_id = add_published_course(app, slug="pkg", title="Packages")
    package_id = run_import(app, fixture_package(*name), course_id)
    assert isinstance(package_id, int), package_id
    with app.app_context():
        package = db.session.get(ElearningPackage, package_id)
        assert package.kind == kind
        # Ordered: without ORDER BY, PostgreSQL may hand back the rows in any order.
        rows = db.session.scalars(sa.select(ElearningUnit).where(ElearningUnit.package_id == package_id)
                                  .order_by(ElearningUnit.id)).all()
        assert len(rows) == units
        lessons = db.session.scalars(sa.select(Lesson).where(Lesson.course_id == course_id)
                                     .order_by(Lesson.position, Lesson.id)).all()
        assert len(lessons) == units and f"/elearning/units/{rows[0].id}/play" in lessons[0].body_html
    names = [name for name in stored_names(app) if name.startswith(package.sha256 + "/")]
    assert f"{package.sha256}/index.html" in names and len(names) == package.file_count


@pytest.mark.parametrize("name, message", [
    ("invalid.zip", "no imsmanifest.xml"),
    ("badscorm.zip", "inside the folder badscorm"),
])
def test_moodle_broken_packages_are_refused_and_nothing_is_stored(app, name, message):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    before = stored_names(app)
    refusal = run_import(app, fixture_package("moodle", name))
    assert isinstance(refusal, str) and message in refusal
    assert stored_names(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ElearningPackage)) == 0


def hostile_zips():
    manifest = {"tincan.xml": TINCAN_XML, "index.html": "<p>hi</p>"}
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("tincan.xml", TINCAN_XML)
        archive.writestr("index.html", "x")
        archive.writestr("zeros.bin", b"\0" * (20 * 1024 * 1024))
    return [
        ("traversal", make_zip({**manifest, "../../etc/evil.js": "x"}), "leaves its folder"),
        ("absolute", make_zip({**manifest, "/etc/evil.js": "x"}), "absolute path"),
        ("backslash", make_zip({**manifest, "..\\evil.js": "x"}), "unsafe file name"),
        ("symlink", make_zip(manifest, symlinks={"passwd": "/etc/passwd"}), "symbolic link"),
        ("ratio", bomb.getvalue(), "zip bomb"),
        ("not a zip", b"PK but not really a zip file", "not a zip archive"),
        ("empty", b"", "empty"),
        ("launch file missing", make_zip({"tincan.xml": TINCAN_XML}), "not in the package"),
        ("bad xml", make_zip({"tincan.xml": "<tincan", "index.html": "x"}), "not valid XML"),
    ]


@pytest.mark.parametrize("label, data, message", hostile_zips(), ids=[z[0] for z in hostile_zips()])
def test_hostile_archives_are_refused_with_a_clear_message(app, label, data, message):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    before = stored_names(app)
    refusal = run_import(app, data)
    assert isinstance(refusal, str) and message in refusal, refusal
    assert stored_names(app) == before


def test_limits_come_from_settings(app_factory):
    app = app_factory(ELEARNING_MAX_ENTRIES=3, ELEARNING_MAX_PACKAGE_MB=1, BABEL_DEFAULT_LOCALE="en")
    before = stored_names(app)
    many = make_zip({"tincan.xml": TINCAN_XML, "index.html": "x", "a.js": "1", "b.js": "2"})
    assert "has 4 files; the limit is 3" in run_import(app, many)
    big = make_zip({"tincan.xml": TINCAN_XML, "index.html": "x", "r.bin": __import__("os").urandom(1100 * 1024)},
                   compression=zipfile.ZIP_STORED)
    assert "the limit is 1 MB" in run_import(app, big)
    assert stored_names(app) == before


def test_overlapping_entries_are_refused(app):
    """The "better zip bomb": two central-directory entries pointing at one compressed stream."""
    data = bytearray(make_zip({"tincan.xml": TINCAN_XML, "index.html": "x" * 1000, "b.html": "y" * 1000}))
    first = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("index.html").header_offset
    # Point b.html's central-directory entry at index.html's local header and data.
    position = data.find(b"b.html", data.find(b"PK\x01\x02"))
    header = data.rfind(b"PK\x01\x02", 0, position)
    data[header + 42:header + 46] = first.to_bytes(4, "little")
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    before = stored_names(app)
    refusal = run_import(app, bytes(data))
    assert isinstance(refusal, str) and ("overlap" in refusal or "damaged" in refusal), refusal
    assert stored_names(app) == before
