"""A large video goes in and out of the storage in chunks: Python's memory peak stays a small
fraction of the file's size on both backends (the S3 server is another process, not counted)."""
import hashlib
import tracemalloc

from storage_helpers import mp4_bytes

from lms import storage
from lms.courses.uploads import check_upload
from lms.storage.serving import send_key

SIZE = 64 * 1024 * 1024
# Read chunks and, on S3, the multipart parts in flight (2 x 8 MiB): bounded, whatever the file's size.
LIMIT = 20 * 1024 * 1024


def test_a_large_video_is_stored_and_sent_without_being_held_in_memory(app, tmp_path):
    source = tmp_path / "lecture.mp4"
    source.write_bytes(mp4_bytes(SIZE))
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    with app.test_request_context("/"):
        tracemalloc.start()
        try:
            with open(source, "rb") as stream:
                check = check_upload(stream, declared_name="lecture.mp4", allowed_kinds={"mp4"},
                                     size_limits={"mp4": 2 * SIZE}, temp_dir=storage.staging_dir(storage.UPLOADS))
            storage.store_checked(check, storage.blob_key(sha))
            stored_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            baseline = tracemalloc.get_traced_memory()[0]  # boto3's pools and buffers, kept for reuse
            digest, size = hashlib.sha256(), 0
            response = send_key(storage.blob_key(sha), mimetype="video/mp4", etag=sha)
            for chunk in response.response:  # what the WSGI server sends
                digest.update(chunk)
                size += len(chunk)
            response.close()
            sent_peak = tracemalloc.get_traced_memory()[1] - baseline
        finally:
            tracemalloc.stop()
    assert check.sha256 == sha and size == SIZE and digest.hexdigest() == sha
    assert stored_peak < LIMIT, f"storing took {stored_peak / 2**20:.1f} MiB of Python memory"
    assert response.status_code == 200
    assert sent_peak < LIMIT, f"sending took {sent_peak / 2**20:.1f} MiB of Python memory"
    print(f"peaks: stored {stored_peak / 2**20:.1f} MiB, sent {sent_peak / 2**20:.1f} MiB for {SIZE // 2**20} MiB")
