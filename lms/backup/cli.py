"""``lms backup create|verify|restore``: the portal's data and files, copied out and back in."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

backup_group = AppGroup("backup", help="Back up and restore the database and the stored files.")


def _describe(summary) -> str:
    return (f"{summary.tables} tables, {summary.rows} rows, {summary.files} files "
            f"({summary.bytes / 1024 / 1024:.1f} MiB)")


@backup_group.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def create_command(folder: Path):
    """Write a consistent backup (database snapshot, stored files, manifest of hashes) into a new FOLDER."""
    from lms import storage
    from lms.backup.archive import BackupError, create_backup
    from lms.extensions import db

    try:
        summary = create_backup(db.engine, storage.backend(), folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup written to {folder}: {_describe(summary)}.")


@backup_group.command("verify")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_command(folder: Path):
    """Check every table dump and file of the backup in FOLDER against its manifest."""
    from lms.backup.archive import BackupError, summary_of, verify_backup

    try:
        manifest = verify_backup(folder)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backup {folder} is sound: {_describe(summary_of(manifest))}, made {manifest['created_at']}.")


@backup_group.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--replace-existing", is_flag=True,
              help="Delete everything in the configured database first (it must be at the backup's migrations).")
def restore_command(folder: Path, replace_existing: bool):
    """Restore the backup in FOLDER into the configured database and storage, verifying every hash."""
    from flask_migrate import upgrade

    from lms import storage
    from lms.backup.archive import BackupError, restore_backup
    from lms.extensions import db

    try:
        summary = restore_backup(db.engine, storage.backend(), folder, replace=replace_existing)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    upgrade(revision="heads")  # a backup of an older release is brought up to this one
    click.echo(f"Restored {_describe(summary)} from {folder}; every table and file matches the backup.")
