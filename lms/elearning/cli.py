"""``lms elearning import ZIP [--course ID]``: import a package from the shell."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from lms.elearning.archive import PackageError
from lms.elearning.packages import import_package
from lms.events import commit
from lms.extensions import db


@click.group("elearning")
def group():
    """E-learning packages (SCORM, cmi5, Tin Can)."""


@group.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--course", "course_id", type=int, default=None, help="Add each unit as a lesson of this course.")
@with_appcontext
def import_command(path: str, course_id: int | None):
    """Check, unpack and record the package at PATH."""
    with open(path, "rb") as stream:
        try:
            package = import_package(stream, course_id=course_id, user_id=None)
        except PackageError as refused:
            db.session.rollback()
            raise click.ClickException(str(refused)) from None
    commit()
    click.echo(f"Imported package {package.id} ({package.kind}): {package.title}")
