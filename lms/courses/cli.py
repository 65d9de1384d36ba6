"""``lms import content/``, ``lms export <slug> DIR`` and ``lms export-paths DIR``: courses and paths as files."""
from __future__ import annotations

import click
from flask.cli import with_appcontext
from flask_babel import gettext


def problem_text(problem) -> str:
    """``file:line: message`` in the portal's language."""
    where = f"{problem.file}:{problem.line}" if problem.line else problem.file
    message = gettext(problem.message)
    return f"{where}: {message % problem.params if problem.params else message}"


@click.command("import")
@click.argument("path", type=click.Path(file_okay=False))
@with_appcontext
def import_command(path):
    """Import courses from a content folder: everything is validated first; nothing is imported on errors."""
    from lms.courses.content_files import ContentError
    from lms.courses.content_sync import import_content
    from lms.events import commit
    from lms.extensions import db

    try:
        results = import_content(path)
    except ContentError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(problem_text(problem), err=True)
        raise click.ClickException(f"{len(error.problems)} problem(s) found; nothing was imported.") from None
    commit()
    for result in results:
        state = "created" if result.created else ("updated" if result.changed else "unchanged")
        click.echo(f"{result.slug}: {state}")


@click.command("export")
@click.argument("slug")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_command(slug, directory):
    """Write the course SLUG as DIRECTORY/SLUG/ in the content format."""
    from lms.courses.content_sync import export_course

    try:
        target = export_course(slug, directory)
    except LookupError:
        raise click.ClickException(f"No course with the slug {slug!r}.") from None
    except FileExistsError:
        raise click.ClickException(f"{directory}/{slug} exists and is not empty.") from None
    click.echo(f"Exported to {target}")


@click.command("export-paths")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
def export_paths_command(directory):
    """Write every learning path to DIRECTORY/paths.toml (what ``lms import`` reads back)."""
    from lms.courses.paths import export_paths

    click.echo(f"Exported to {export_paths(directory)}")
