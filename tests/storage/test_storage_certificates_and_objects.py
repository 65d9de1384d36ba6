"""Certificate PDFs and named objects (an unpacked package's files) on each backend, and the proxy modes."""
import hashlib
import io

import pytest

from lms import storage
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.testing import DEMO_EMAILS, add_published_course, complete_course


def learner_certificate(app) -> Certificate:
    import sqlalchemy as sa

    from lms.auth.models import User

    course_id = add_published_course(app, slug="storage-cert", title="Хранение")
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
    complete_course(app, user_id, course_id, score_percent=95.0)
    with app.app_context():
        return db.session.scalar(sa.select(Certificate).where(Certificate.user_id == user_id))


def test_a_certificate_pdf_is_stored_by_hash_and_downloaded(app, login_as):
    learner = login_as("learner")
    certificate = learner_certificate(app)
    sha = certificate.pdf_sha256
    with app.app_context():
        assert storage.backend().info(f"certificates/{sha[:2]}/{sha}.pdf").size == certificate.pdf_size
    with learner.get(f"/certificates/{certificate.id}/download") as response:
        pdf = response.get_data()
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == sha
        assert response.headers["ETag"] == f'"{sha}"' and "attachment" in response.headers["Content-Disposition"]
    with learner.get(f"/certificates/{certificate.id}/download", headers={"If-None-Match": f'"{sha}"'}) as cached:
        assert cached.status_code == 304


def test_package_files_go_in_and_come_back_by_name(app):
    page = b"<!doctype html><title>SCO</title>" + b"x" * (3 * 1024 * 1024)  # several read chunks
    with app.test_request_context("/"):
        info = storage.put_object("packages", "pkg-1/index.html", io.BytesIO(page), content_type="text/html")
        storage.put_object("packages", "pkg-1/media/intro.js", io.BytesIO(b"var a;"))
        storage.put_object("packages", "pkg-2/index.html", io.BytesIO(b"other"))
        assert info.size == len(page)
        assert storage.object_names("packages", "pkg-1/") == ["pkg-1/index.html", "pkg-1/media/intro.js"]
        with storage.open_object("packages", "pkg-1/index.html") as stream:
            stream.seek(len(page) - 10)
            assert stream.read() == page[-10:]
        storage.put_object("packages", "pkg-1/media/intro.js", io.BytesIO(b"var b;"))  # replaced in place
        with storage.open_object("packages", "pkg-1/media/intro.js") as stream:
            assert stream.read() == b"var b;"
        storage.delete_object("packages", "pkg-2/index.html")
        assert storage.object_info("packages", "pkg-2/index.html") is None
        with pytest.raises(FileNotFoundError):
            storage.open_object("packages", "pkg-2/index.html")
        for bad in ("../escape", "/abs", "a//b", ".hidden/x", "a/../b", ""):
            with pytest.raises(ValueError):
                storage.put_object("packages", bad, io.BytesIO(b""))
        with pytest.raises(ValueError):
            storage.put_object("Bad Area", "x", io.BytesIO(b""))
    with app.test_request_context("/", headers={"Range": "bytes=0-14"}):
        response = storage.send_object("packages", "pkg-1/index.html", mime_type="text/html")
        assert response.status_code == 206 and b"".join(response.response) == page[:15]
        assert response.mimetype == "text/html"


@pytest.mark.parametrize("mode", ["x-accel-redirect", "x-sendfile"])
def test_the_proxy_modes_hand_the_file_to_the_proxy_after_the_access_check(app_factory, tmp_path, mode):
    app = app_factory(STORAGE_URL=(tmp_path / "files").as_uri(), STORAGE_SERVE_MODE=mode,
                      STORAGE_ACCEL_PREFIX="/protected-files/")
    image = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    with app.test_request_context("/"):
        stored = storage.save_file(io.BytesIO(image), "a.png", area="someplugin", kinds={"png"}, max_bytes=10_000)
        key = f"uploads/someplugin/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    with app.test_request_context("/"):
        response = storage.send_stored_file("someplugin", stored.sha256, mime_type="image/png")
        assert response.get_data() == b"" and response.mimetype == "image/png"
        assert response.headers["ETag"] == f'"{stored.sha256}"'
        if mode == "x-accel-redirect":
            assert response.headers["X-Accel-Redirect"] == f"/protected-files/{key}"
        else:
            assert response.headers["X-Sendfile"] == str(tmp_path / "files" / key)
    with app.test_request_context("/", headers={"If-None-Match": f'"{stored.sha256}"'}):
        response = storage.send_stored_file("someplugin", stored.sha256, mime_type="image/png")
        assert response.status_code == 304 and "X-Accel-Redirect" not in response.headers
    with app.test_request_context("/"), pytest.raises(Exception) as missing:
        storage.send_stored_file("someplugin", "0" * 64, mime_type="image/png")
    assert getattr(missing.value, "code", None) == 404


def test_file_path_is_for_local_storage_only(app):
    with app.test_request_context("/"):
        if storage.backend().url.startswith("s3://"):
            with pytest.raises(storage.StorageError, match="no local files"):
                storage.file_path("someplugin", "a" * 64)
        else:
            assert storage.file_path("someplugin", "a" * 64).parts[-4:] == ("someplugin", "aa", "aa", "a" * 64)
