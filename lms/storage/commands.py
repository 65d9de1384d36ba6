"""``lms storage ping | check | migrate``: look at the configured storage and move files between storages."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.config import ConfigurationError

storage_group = AppGroup("storage", help="Check the file storage and copy it to another one.")


def _backend(url: str | None):
    """The configured backend, or the one ``url`` names with the same S3 settings."""
    from lms import storage
    from lms.storage.configured import backend_from_config

    if url is None:
        return storage.backend()
    try:
        return backend_from_config({**current_app.config, "STORAGE_URL": url}, current_app.instance_path)
    except ConfigurationError as error:
        raise click.UsageError(str(error)) from None


def _print_failures(report) -> None:
    for key, reason in report.failed:
        click.echo(f"FAILED {key}: {reason}", err=True)


@storage_group.command("ping")
def ping_command():
    """Write, read back and delete a probe object in the configured storage."""
    from lms.storage import StorageUnavailable, backend

    try:
        backend().ping()
    except StorageUnavailable as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Storage {backend().url} is reachable and writable.")


@storage_group.command("check")
@click.option("--url", default=None, help="A storage other than the configured one (file:///path or s3://bucket/prefix).")
def check_command(url):
    """Read every stored object and verify the content-addressed ones by their SHA-256."""
    from lms.storage.transfer import check

    store = _backend(url)
    report = check(store)
    _print_failures(report)
    click.echo(f"Checked {store.url}: {report.verified} objects intact, {len(report.failed)} damaged or unreadable.")
    if not report.ok:
        raise SystemExit(1)


@storage_group.command("migrate")
@click.option("--from", "source_url", default=None, help="Source storage URL (default: the configured LMS_STORAGE_URL).")
@click.option("--to", "target_url", required=True, help="Target storage URL: file:///path or s3://bucket/prefix.")
def migrate_command(source_url, target_url):
    """Copy every stored file to another storage, verifying each by hash (run it again to resume).

    Afterwards set LMS_STORAGE_URL to the target and restart the portal; the source is left as it was.
    """
    from lms.storage.transfer import migrate

    source, target = _backend(source_url), _backend(target_url)
    if source.url == target.url:
        raise click.UsageError(f"The source and the target are the same storage ({source.url}).")
    staging = Path(current_app.instance_path) / ".incoming"
    report = migrate(source, target, staging=staging)
    _print_failures(report)
    click.echo(f"Copied {report.copied} objects from {source.url} to {target.url}, {report.present} already there "
               f"and verified, {len(report.failed)} failed.")
    if not report.ok:
        raise SystemExit(1)
