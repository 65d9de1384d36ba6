"""``lms storage migrate`` copies everything local → S3 and back, verified by hash and idempotent;
``lms storage check`` finds a damaged object; bad settings stop start-up with a clear message."""
import hashlib
import io

import pytest
from storage_helpers import mp4_bytes

from lms import storage
from lms.config import ConfigurationError

VIDEO = mp4_bytes(9 * 1024 * 1024 + 5)


def fill(app) -> dict[str, bytes]:
    """An upload of each kind of owner: the courses, a plugin area, a certificate, a package file."""
    from lms.certificates.storage import store_pdf
    from lms.courses.uploads import check_upload

    pdf = b"%PDF-1.4\n% a certificate\n"
    with app.test_request_context("/"):
        check = check_upload(io.BytesIO(VIDEO), declared_name="v.mp4", allowed_kinds={"mp4"},
                             size_limits={"mp4": 20 * 1024 * 1024}, temp_dir=storage.staging_dir(storage.UPLOADS))
        storage.store_checked(check, storage.blob_key(check.sha256))
        image = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64
        stored = storage.save_file(io.BytesIO(image), "p.png", area="marketing", kinds={"png"}, max_bytes=1000)
        pdf_sha = store_pdf(pdf)
        storage.put_object("packages", "pkg-1/index.html", io.BytesIO(b"<html></html>"))
    video_sha = hashlib.sha256(VIDEO).hexdigest()
    return {f"uploads/{video_sha[:2]}/{video_sha[2:4]}/{video_sha}": VIDEO,
            f"uploads/marketing/{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}": image,
            f"certificates/{pdf_sha[:2]}/{pdf_sha}.pdf": pdf,
            "files/packages/pkg-1/index.html": b"<html></html>"}


def contents(app) -> dict[str, bytes]:
    from lms.storage.transfer import all_keys

    with app.app_context():
        store = storage.backend()
        result = {}
        for key in all_keys(store):
            with store.open(key) as stream:
                result[key] = stream.read()
        return result


def test_migrate_local_to_s3_and_back_verifies_every_object_and_is_idempotent(app_factory, tmp_path, s3_storage):
    local = app_factory(STORAGE_URL=(tmp_path / "files").as_uri())
    objects = fill(local)
    (tmp_path / "files" / "lms.sqlite3").write_text("not a stored file")  # the instance folder holds more
    s3_url = s3_storage["STORAGE_URL"]
    runner = app_factory(**s3_storage).test_cli_runner()  # the S3 settings come from the configuration

    result = runner.invoke(args=["storage", "migrate", "--from", (tmp_path / "files").as_uri(), "--to", s3_url])
    assert result.exit_code == 0, result.output
    assert "Copied 4 objects" in result.output and "0 already there" in result.output and "0 failed" in result.output
    s3_app = app_factory(**s3_storage)
    assert contents(s3_app) == objects

    again = runner.invoke(args=["storage", "migrate", "--from", (tmp_path / "files").as_uri(), "--to", s3_url])
    assert again.exit_code == 0 and "Copied 0 objects" in again.output and "4 already there" in again.output

    back = tmp_path / "back"
    result = runner.invoke(args=["storage", "migrate", "--to", back.as_uri()])  # from the configured S3 storage
    assert result.exit_code == 0 and "Copied 4 objects" in result.output, result.output
    assert contents(app_factory(STORAGE_URL=back.as_uri())) == objects
    assert not (back / "lms.sqlite3").exists()

    check = runner.invoke(args=["storage", "check"])
    assert check.exit_code == 0 and "4 objects intact, 0 damaged" in check.output


def test_a_damaged_object_is_reported_and_not_copied(app_factory, tmp_path, s3_storage):
    # Configured for the local folder, with the S3 settings of the target at hand.
    local = app_factory(**dict(s3_storage, STORAGE_URL=(tmp_path / "files").as_uri()))
    objects = fill(local)
    damaged = next(key for key in objects if key.startswith("uploads/marketing/"))
    (tmp_path / "files" / damaged).write_bytes(b"bit rot")
    runner = local.test_cli_runner()
    check = runner.invoke(args=["storage", "check"])
    assert check.exit_code == 1 and f"FAILED {damaged}: the content hashes to" in check.output
    assert "3 objects intact, 1 damaged" in check.output
    migrate = runner.invoke(args=["storage", "migrate", "--to", s3_storage["STORAGE_URL"]])
    assert migrate.exit_code == 1 and "the source is damaged" in migrate.output and "Copied 3 objects" in migrate.output
    assert damaged not in contents(app_factory(**s3_storage))


def test_the_storage_commands_refuse_bad_urls_and_name_the_storage(app_factory, tmp_path, s3_storage):
    runner = app_factory(STORAGE_URL=(tmp_path / "files").as_uri()).test_cli_runner()
    same = runner.invoke(args=["storage", "migrate", "--to", (tmp_path / "files").as_uri()])
    assert same.exit_code == 2 and "the same storage" in same.output
    bad = runner.invoke(args=["storage", "migrate", "--to", "ftp://example.com/x"])
    assert bad.exit_code == 2 and "neither file:///path nor s3://bucket/prefix" in bad.output
    ping = runner.invoke(args=["storage", "ping"])
    assert ping.exit_code == 0 and "is reachable and writable" in ping.output
    s3_runner = app_factory(**s3_storage).test_cli_runner()
    assert s3_runner.invoke(args=["storage", "ping"]).exit_code == 0


def test_ping_on_s3_names_a_missing_bucket_and_an_unreachable_server(app_factory, s3_storage):
    with app_factory(**s3_storage).app_context():
        storage.ping()
    missing = dict(s3_storage, STORAGE_URL="s3://no-such-bucket-here/x")
    with app_factory(**missing).app_context(), pytest.raises(storage.StorageUnavailable,
                                                             match="s3://no-such-bucket-here/x is not usable.*NoSuchBucket"):
        storage.ping()
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    down = dict(s3_storage, STORAGE_S3_ENDPOINT_URL=f"http://127.0.0.1:{port}")
    with app_factory(**down).app_context(), pytest.raises(storage.StorageUnavailable, match="is not usable"):
        storage.ping()


@pytest.mark.parametrize("settings, message", [
    ({"STORAGE_URL": "ftp://files.example/x"}, "neither file:///path nor s3://bucket/prefix"),
    ({"STORAGE_URL": "file://host/share"}, "file:///absolute/path"),
    ({"STORAGE_URL": "s3://Bad_Bucket/x"}, "is not an S3 bucket name"),
    ({"STORAGE_URL": "s3://bucket/a//b"}, "the prefix 'a//b' may hold only"),
    ({"STORAGE_URL": "s3://bucket/x?key=secret"}, "not in the URL"),
    ({"STORAGE_URL": "s3://bucket", "STORAGE_S3_ACCESS_KEY_ID": "id"}, "are set together"),
    ({"STORAGE_URL": "s3://bucket", "STORAGE_S3_ENDPOINT_URL": "minio:9000"}, "must start with https://"),
    ({"STORAGE_SERVE_MODE": "nginx"}, "must be one of app, x-accel-redirect, x-sendfile"),
    ({"STORAGE_SERVE_MODE": "x-accel-redirect"}, "needs LMS_STORAGE_ACCEL_PREFIX"),
    ({"STORAGE_URL": "s3://bucket", "STORAGE_SERVE_MODE": "x-sendfile"}, "needs a local folder"),
])
def test_bad_storage_settings_stop_start_up_with_a_clear_message(app_factory, settings, message):
    with pytest.raises(ConfigurationError, match=message.replace("?", r"\?").replace("(", r"\(")):
        app_factory(**settings)
