"""The restore drill: a portal with demo data, an uploaded file and a certificate PDF is backed up,
wiped (database and instance folder), restored into a fresh instance, and serves the same data and
files. Runs on the suite's database kind: SQLite files, or PostgreSQL schemas of the test database."""
import shutil

import pytest
import sqlalchemy as sa
from drill_helpers import SCHEMA, backup, close, portal, seed, served

from lms.extensions import db
from lms.testing import complete_course


@pytest.fixture(params=["instance folder", "s3"])
def storages(request, tmp_path):
    """Where the files live before and after the wipe: the instance folder (wiped with it), or an
    S3 bucket on the suite's real S3 server (the restore goes into a new, empty bucket)."""
    if request.param == "instance folder":
        return {}, {}
    from lms.testing import s3_bucket_settings

    endpoint = request.getfixturevalue("s3_endpoint")
    return s3_bucket_settings(endpoint), s3_bucket_settings(endpoint)


def test_restore_drill(drill_database, storages, tmp_path):
    database_url, wipe = drill_database
    storage_before, storage_after = storages
    original = portal(database_url, tmp_path / "instance-a", **storage_before)
    facts = seed(original)
    with original.app_context():
        if db.engine.dialect.name == "postgresql":  # the drill's own schema, never the suite's tables
            assert db.session.scalar(sa.text("SELECT current_schema()")) == SCHEMA
    before = served(original, facts)
    first = backup(original, tmp_path / "backup")
    assert first["tables"]["certificate"]["rows"] == 1
    assert any(key.startswith("uploads/") for key in first["files"])
    assert sum(1 for key in first["files"] if key.startswith("certificates/")) == 1
    close(original)

    wipe()  # the database is gone, and so is the instance folder with the stored files
    shutil.rmtree(tmp_path / "instance-a")

    restored = portal(database_url, tmp_path / "instance-b", **storage_after)
    result = restored.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    assert "every table and file matches the backup" in result.output
    assert restored.test_client().get("/readyz").status_code == 200

    again = backup(restored, tmp_path / "backup-again")
    assert {name: (t["rows"], t["sha256"]) for name, t in again["tables"].items()} == \
        {name: (t["rows"], t["sha256"]) for name, t in first["tables"].items()}
    assert again["files"] == first["files"]
    assert again["migrations"] == first["migrations"]
    assert served(restored, facts) == before

    # New rows after the restore get new ids (PostgreSQL's sequences moved past the restored ones).
    complete_course(restored, _user_id(restored, "learner2@demo.example.com"), _course_id(restored), 80)
    close(restored)


def _user_id(app, email):
    from lms.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def _course_id(app):
    from lms.courses.models import Course

    with app.app_context():
        return db.session.scalar(sa.select(Course.id).where(Course.slug == "drill-course"))
