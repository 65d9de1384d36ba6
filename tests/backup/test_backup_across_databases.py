"""A backup is data, not SQL: a SQLite portal moves to PostgreSQL by backup and restore."""
import pytest
from drill_helpers import backup, close, portal, seed, served


def test_a_sqlite_portal_restores_into_postgresql(drill_database, tmp_path):
    database_url, _wipe = drill_database
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (LMS_TEST_DATABASE_URL) as the target")
    source = portal(f"sqlite:///{tmp_path / 'source.sqlite3'}", tmp_path / "instance-sqlite")
    facts = seed(source)
    before = served(source, facts)
    first = backup(source, tmp_path / "backup")
    close(source)
    target = portal(database_url, tmp_path / "instance-postgresql")
    result = target.test_cli_runner().invoke(args=["backup", "restore", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    again = backup(target, tmp_path / "backup-again")
    assert {n: t["sha256"] for n, t in again["tables"].items()} == {n: t["sha256"] for n, t in first["tables"].items()}
    assert served(target, facts) == before
    close(target)
