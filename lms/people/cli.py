"""``lms users import FILE [--apply]``: the bulk import from the command line (the same plan as the page)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_", is_flag=True, help="Write the changes (without it: only show them).")
@with_appcontext
def import_users_command(path: Path, apply_: bool):
    """Import dealers and users from a CSV or XLSX file; nothing is written if any row has a problem."""
    from flask import current_app

    from lms.events import commit
    from lms.people.importer import ImportFileError, apply_plan, plan_import, read_rows

    try:
        rows = read_rows(path.read_bytes(), path.name, max_rows=int(current_app.config["USER_IMPORT_MAX_ROWS"]))
    except ImportFileError as error:
        raise click.ClickException(str(error.message)) from None
    plan = plan_import(rows)
    for number, message in plan.problems:
        click.echo(f"row {number}: {message}", err=True)
    counts = plan.counts()
    summary = f"created: {counts['created']}, updated: {counts['updated']}, unchanged: {counts['unchanged']}"
    if not plan.ok:
        raise click.ClickException(f"{len(plan.problems)} problem(s); nothing was written.")
    if not apply_:
        click.echo(f"Preview ({summary}). Run again with --apply to write.")
        return
    apply_plan(plan)
    commit()
    click.echo(f"Imported ({summary}).")
