"""``lms.storage.ping()`` tells a usable storage from one that cannot be written (for /readyz)."""
import os

import pytest

from lms import storage


def test_ping_passes_on_the_default_instance_folder(app):
    with app.app_context():
        storage.ping()
        assert not list(storage.backend().keys("health/"))  # the probe is gone


def test_ping_names_the_folder_it_cannot_create(app_factory, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # even root cannot make a folder below a file
    app = app_factory(STORAGE_URL=(blocker / "files").as_uri())
    with app.app_context(), pytest.raises(storage.StorageUnavailable, match="cannot be created"):
        storage.ping()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders")
def test_ping_names_the_folder_it_cannot_write(app_factory, tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        app = app_factory(STORAGE_URL=folder.as_uri())
        with app.app_context(), pytest.raises(storage.StorageUnavailable, match="not writable"):
            storage.ping()
    finally:
        folder.chmod(0o700)
