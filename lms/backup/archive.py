"""Create, verify and restore a backup folder (the work behind ``lms backup``).

Not a service: this module owns its transactions. ``create_backup`` reads the whole database in one
snapshot (PostgreSQL: a REPEATABLE READ, READ ONLY transaction; SQLite: one read transaction, which
WAL keeps consistent while writers go on), then copies the stored files. Files are content-addressed
and never rewritten, so each one the snapshot refers to is there when the copy runs (a file added
meanwhile is simply extra). ``restore_backup`` checks every hash first, puts the files back, then
loads all tables in one transaction and finally compares each table with the manifest again.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from lms.backup import files, tables

FORMAT = "lms-backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup cannot be made, or a folder is not a sound backup; the message says what to do."""


@dataclass(frozen=True)
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int


def _snapshot(engine: sa.Engine):
    connection = engine.connect()
    if engine.dialect.name == "postgresql":
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.begin()
        connection.execute(sa.text("SET TRANSACTION READ ONLY"))
    else:
        connection.begin()
    return connection


def create_backup(engine: sa.Engine, store, folder: Path) -> Summary:
    """Write a complete backup into ``folder`` (which must not exist or be empty)."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder.")
    work = files.staging_folder(folder)
    try:
        (work / "tables").mkdir()
        connection = _snapshot(engine)
        try:
            revisions = tables.migration_revisions(connection)
            if not revisions:
                raise BackupError("The database has no migrations applied: there is nothing to back up.")
            table_entries = {}
            for table in tables.data_tables(connection):
                entry = tables.dump_table(connection, table, work / "tables" / f"{table.name}.jsonl")
                table_entries[table.name] = entry
        finally:
            connection.rollback()
            connection.close()
        file_entries = files.save_objects(store, work)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "database": engine.dialect.name,
            "migrations": revisions,
            "tables": table_entries,
            "files": file_entries,
        }
        files.fsync_tree(work)
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False))
        if folder.exists():
            folder.rmdir()
        work.rename(folder)  # the backup appears whole or not at all
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return summary_of(manifest)


def summary_of(manifest: dict) -> Summary:
    return Summary(tables=len(manifest["tables"]), rows=sum(t["rows"] for t in manifest["tables"].values()),
                   files=len(manifest["files"]), bytes=sum(f["size"] for f in manifest["files"].values()))


def read_manifest(folder: Path) -> dict:
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} is not a backup: it has no {MANIFEST}.") from None
    except ValueError as error:
        raise BackupError(f"{path} is damaged: {error}") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a backup of this format ({FORMAT}).")
    return manifest


def verify_backup(folder: Path) -> dict:
    """Check every table dump and file against the manifest; the manifest, or ``BackupError`` listing what is wrong."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems = []
    for name, entry in sorted(manifest["tables"].items()):
        path = folder / "tables" / f"{name}.jsonl"
        if not path.is_file():
            problems.append(f"table {name}: its dump is missing")
        elif files.file_hash(path) != (entry["size"], entry["sha256"]):
            problems.append(f"table {name}: its dump does not match the manifest")
    for key, entry in sorted(manifest["files"].items()):
        path = files.backup_path(folder, key)
        if not path.is_file():
            problems.append(f"file {key}: missing")
        elif files.file_hash(path) != (entry["size"], entry["sha256"]):
            problems.append(f"file {key}: its content does not match the manifest")
    if problems:
        shown = "; ".join(problems[:20]) + (f"; and {len(problems) - 20} more" if len(problems) > 20 else "")
        raise BackupError(f"The backup in {folder} is damaged, nothing was restored: {shown}")
    return manifest


def _prepare_schema(engine: sa.Engine, manifest: dict, replace: bool) -> None:
    """Bring the database to the backup's migrations (a fresh one is created; an existing one only
    with ``replace`` and when it is at exactly those migrations)."""
    from flask_migrate import upgrade

    with engine.connect() as connection:
        current = tables.migration_revisions(connection)
        has_rows = current and any(
            connection.execute(sa.select(sa.func.count()).select_from(table)).scalar()
            for table in tables.data_tables(connection))
    if has_rows and not replace:
        raise BackupError("The database already holds a portal. Restore into a new, empty database, or pass "
                          "--replace-existing to delete everything in this one first.")
    if current and sorted(current) != sorted(manifest["migrations"]):
        raise BackupError(f"The database is at migrations {', '.join(current)}, the backup at "
                          f"{', '.join(manifest['migrations'])}: restore into a new, empty database.")
    try:
        for revision in manifest["migrations"]:
            upgrade(revision=revision)
    except Exception as error:  # Alembic's "Can't locate revision": a backup of a newer release
        raise BackupError(f"This release cannot create the backup's schema ({error}); restore with the "
                          "release that made the backup, then upgrade.") from error


def restore_backup(engine: sa.Engine, store, folder: Path, *, replace: bool = False) -> Summary:
    """Verify ``folder``, put its files into ``store`` and its rows into the database, verify again.

    The database ends at the backup's migrations; the caller runs ``upgrade heads`` after (as
    ``lms backup restore`` does) when this release is newer.
    """
    folder = Path(folder)
    manifest = verify_backup(folder)
    _prepare_schema(engine, manifest, replace)
    files.restore_objects(store, folder, manifest["files"])
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        present = {table.name: table for table in tables.data_tables(connection)}
        unknown = sorted(set(manifest["tables"]) - set(present))
        if unknown:
            raise BackupError(f"This portal has no tables {', '.join(unknown)}: enable the same plugins "
                              "as the portal that made the backup.")
        for table in reversed(list(present.values())):
            connection.execute(table.delete())
        for name, table in present.items():
            if name in manifest["tables"]:
                tables.load_table(connection, table, folder / "tables" / f"{name}.jsonl",
                                  manifest["tables"][name]["columns"])
        tables.reset_sequences(connection, list(present.values()))
    check_restored(engine, manifest)
    return summary_of(manifest)


def check_restored(engine: sa.Engine, manifest: dict) -> None:
    """Every table holds exactly what the backup holds (same rows, same bytes when dumped again)."""
    with engine.connect() as connection:
        present = {table.name: table for table in tables.data_tables(connection)}
        different = [name for name, entry in sorted(manifest["tables"].items())
                     if tables.table_fingerprint(connection, present[name]) != (entry["rows"], entry["sha256"])]
    if different:
        raise BackupError(f"After the restore these tables differ from the backup: {', '.join(different)}")
