"""Backups register their commands like any domain."""
from lms import hookimpl


@hookimpl
def lms_app_created(app):
    from lms.backup.cli import backup_group

    app.cli.add_command(backup_group)
