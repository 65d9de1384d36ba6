"""A backup is only restored whole and sound, and never over a portal by accident."""
import json

import pytest
import sqlalchemy as sa
from drill_helpers import backup, close, portal

from lms.extensions import db
from lms.testing import init_database


@pytest.fixture
def backed_up(drill_database, tmp_path):
    """A demo portal on the drill database and its backup; the database is wiped afterwards."""
    database_url, wipe = drill_database
    app = portal(database_url, tmp_path / "instance")
    init_database(app, demo=True)
    manifest = backup(app, tmp_path / "backup")
    yield app, tmp_path / "backup", manifest, database_url, wipe
    close(app)


def run(app, *args):
    return app.test_cli_runner().invoke(args=["backup", *args])


def fresh_portal(database_url, wipe, instance):
    wipe()
    return portal(database_url, instance)


def test_verify_accepts_a_sound_backup(backed_up):
    app, folder, manifest, _, _ = backed_up
    result = run(app, "verify", str(folder))
    assert result.exit_code == 0 and "is sound" in result.output
    assert manifest["tables"]["user"]["rows"] == 7
    assert manifest["database"] in ("sqlite", "postgresql") and manifest["migrations"]


def test_a_changed_table_dump_is_found_and_nothing_is_restored(backed_up, tmp_path):
    app, folder, _, database_url, wipe = backed_up
    dump = folder / "tables" / "user.jsonl"
    dump.write_bytes(dump.read_bytes().replace("Иван".encode(), "Иона".encode()))
    result = run(app, "verify", str(folder))
    assert result.exit_code == 1 and "table user: its dump does not match the manifest" in result.output
    close(app)
    target = fresh_portal(database_url, wipe, tmp_path / "instance-b")
    result = run(target, "restore", str(folder))
    assert result.exit_code == 1 and "nothing was restored" in result.output
    with target.app_context():
        assert sa.inspect(db.engine).get_table_names() == []  # not even the schema was created
    close(target)


def test_a_missing_or_changed_file_is_found(backed_up, tmp_path):
    app, folder, manifest, _, _ = backed_up
    (folder / "files" / "extra").mkdir(parents=True, exist_ok=True)
    manifest["files"]["extra/probe.bin"] = {"size": 3, "sha256": "0" * 64}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = run(app, "verify", str(folder))
    assert result.exit_code == 1 and "file extra/probe.bin: missing" in result.output
    (folder / "files" / "extra" / "probe.bin").write_bytes(b"abc")
    result = run(app, "verify", str(folder))
    assert "file extra/probe.bin: its content does not match the manifest" in result.output


def test_a_portal_is_never_overwritten_without_asking(backed_up):
    app, folder, manifest, _, _ = backed_up
    result = run(app, "restore", str(folder))
    assert result.exit_code == 1 and "already holds a portal" in result.output
    with app.app_context():  # a change made after the backup ...
        db.session.execute(sa.text("UPDATE \"user\" SET name = 'Changed' WHERE email = 'learner@demo.example.com'"))
        db.session.commit()
    result = run(app, "restore", "--replace-existing", str(folder))
    assert result.exit_code == 0, result.output
    with app.app_context():  # ... is undone by restoring over it, when asked to
        assert db.session.scalar(sa.text("SELECT name FROM \"user\" WHERE email = 'learner@demo.example.com'")) \
            == "Иван Петров"


def test_a_backup_goes_into_a_new_folder(backed_up):
    app, folder, _, _, _ = backed_up
    result = run(app, "create", str(folder))
    assert result.exit_code == 1 and "is not empty" in result.output


def test_a_folder_that_is_no_backup_is_refused(backed_up, tmp_path):
    app, _, _, _, _ = backed_up
    (tmp_path / "nothing").mkdir()
    result = run(app, "restore", str(tmp_path / "nothing"))
    assert result.exit_code == 1 and "is not a backup" in result.output
