"""Course files (uploads, lesson files, imported content) on each backend: stored by hash, streamed
back whole or by range, cached by ETag, and refused uploads leave nothing behind."""
import hashlib
import io
import shutil

import pytest
import sqlalchemy as sa
from storage_helpers import CONTENT, create_course, mp4_bytes, stored_keys, upload_asset

from lms import storage
from lms.courses.models import CourseAsset, Lesson
from lms.extensions import db
from lms.testing import csrf_token

VIDEO = mp4_bytes(9 * 1024 * 1024 + 123)  # past a read chunk (1 MiB) and S3's multipart threshold (8 MiB)
VIDEO_SHA = hashlib.sha256(VIDEO).hexdigest()


def test_an_uploaded_video_is_stored_once_and_streamed_with_ranges_and_etag(app, login_as):
    author = login_as("author")
    course_id = create_course(author)
    assert upload_asset(author, course_id, VIDEO, "lecture.mp4")[0] == 302
    assert upload_asset(author, course_id, VIDEO, "lecture.mp4")[0] == 302  # the same content again
    assert stored_keys(app) == {f"uploads/{VIDEO_SHA[:2]}/{VIDEO_SHA[2:4]}/{VIDEO_SHA}"}
    url = f"/courses/storage-on-s3/assets/{VIDEO_SHA}"

    with author.get(url) as whole:
        assert whole.status_code == 200 and whole.mimetype == "video/mp4"
        assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["ETag"] == f'"{VIDEO_SHA}"'
        assert whole.content_length == len(VIDEO) and whole.get_data() == VIDEO
        assert whole.headers["X-Content-Type-Options"] == "nosniff"
    start = 5 * 1024 * 1024 - 7  # a seek into the middle, across a chunk boundary
    with author.get(url, headers={"Range": f"bytes={start}-{start + 2 * 1024 * 1024}"}) as part:
        assert part.status_code == 206
        assert part.headers["Content-Range"] == f"bytes {start}-{start + 2 * 1024 * 1024}/{len(VIDEO)}"
        assert part.get_data() == VIDEO[start:start + 2 * 1024 * 1024 + 1]
    with author.get(url, headers={"Range": "bytes=-100"}) as tail:
        assert tail.status_code == 206 and tail.get_data() == VIDEO[-100:]
    with author.get(url, headers={"Range": f"bytes={len(VIDEO) + 10}-"}) as beyond:
        assert beyond.status_code == 416
    with author.get(url, headers={"If-None-Match": f'"{VIDEO_SHA}"'}) as cached:
        assert cached.status_code == 304 and cached.get_data() == b""
    with author.get(f"/courses/storage-on-s3/assets/{'0' * 64}") as missing:
        assert missing.status_code == 404


def test_a_pdf_lesson_file_reaches_the_learner(app, login_as):
    pdf = (CONTENT / "fertilizer-safety/assets/pamyatka-razliv.pdf").read_bytes()
    author = login_as("author")
    course_id = create_course(author)
    with app.app_context():
        from lms.courses.models import Course

        section = db.session.get(Course, course_id).sections[0].id
    data = {"csrf_token": csrf_token(author, f"/courses/manage/{course_id}/lessons/new"), "section_id": str(section),
            "required": "y", "minutes": "10", "title": "Памятка", "slug": "pamyatka", "kind": "pdf",
            "body": "Распечатайте.", "file": (io.BytesIO(pdf), "памятка.pdf")}
    response = author.post(f"/courses/manage/{course_id}/lessons/new", content_type="multipart/form-data", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    author.post(f"/courses/manage/{course_id}/publish", data={"csrf_token": csrf_token(author, f"/courses/manage/{course_id}")})
    learner = login_as("learner")
    sha = hashlib.sha256(pdf).hexdigest()
    with learner.get(f"/courses/storage-on-s3/assets/{sha}") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf" and response.get_data() == pdf
        assert response.headers["Content-Disposition"].startswith("inline")
    with learner.get(f"/courses/storage-on-s3/assets/{sha}?download=1") as response:
        assert "filename*=UTF-8''%D0%BF%D0%B0%D0%BC%D1%8F%D1%82%D0%BA%D0%B0.pdf" in response.headers["Content-Disposition"]
    with app.app_context():
        assert db.session.scalar(sa.select(Lesson).where(Lesson.slug == "pamyatka")).file_asset.sha256 == sha


@pytest.mark.parametrize("upload, message", [
    ((b"\x89PNG\r\n\x1a\n" + b"0" * 100, "fake.pdf"), "по содержимому это файл png"),
    ((b"MZ\x90\x00" + b"\x00" * 100, "tool.pdf"), "не поддерживается"),
    ((b"%PDF-1.4\n" + b"0" * 300_000, "big.pdf"), "Файл слишком большой"),
    ((b"%PDF-1.4\n", "../../etc/passwd.pdf"), "Недопустимое имя файла"),
])
def test_a_refused_upload_leaves_nothing_in_the_storage(app, login_as, upload, message):
    author = login_as("author")
    course_id = create_course(author)
    app.config["UPLOAD_LIMITS_MB"] = {"pdf": 0.25}
    status, page = upload_asset(author, course_id, *upload)
    assert status == 422 and message in page
    assert stored_keys(app) == set()
    with app.app_context():
        staging = storage.staging_dir(storage.UPLOADS)
        assert list(staging.iterdir()) == []  # the checked copy is gone too
        assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseAsset)) == 0


def test_imported_content_is_stored_and_exported_back_byte_for_byte(app, demo, runner, tmp_path):
    assert runner.invoke(args=["import", str(CONTENT)]).exit_code == 0
    keys = stored_keys(app)
    assets = sorted((CONTENT / "fertilizer-safety" / "assets").iterdir())
    for path in assets:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        assert f"uploads/{sha[:2]}/{sha[2:4]}/{sha}" in keys
    result = runner.invoke(args=["export", "fertilizer-safety", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    for path in assets:
        assert (tmp_path / "out" / "fertilizer-safety" / "assets" / path.name).read_bytes() == path.read_bytes()
    shutil.rmtree(tmp_path / "out")
