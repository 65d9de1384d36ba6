"""``lms quizzes close-expired`` (cron) and ``lms questions import|export`` (GIFT)."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from lms.events import commit
from lms.extensions import db

quizzes_cli = AppGroup("quizzes", help="Quiz maintenance.")
questions_cli = AppGroup("questions", help="Question bank: GIFT import and export.")


@quizzes_cli.command("close-expired")
def close_expired_command():
    """Submit and grade every attempt whose time limit (plus grace) has run out."""
    from lms.quizzes.attempts import close_expired

    count = close_expired()
    commit()
    click.echo(f"Closed {count} expired attempt(s).")


@questions_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", "category_path", required=True, help='Target category path, e.g. "Products/Seeds".')
def import_command(file: Path, category_path: str):
    """Import a GIFT file into a category (created if missing); a broken file imports nothing."""
    from lms.quizzes.bank import ensure_category, import_gift_text, parse_path
    from lms.quizzes.gift import GiftError

    path = parse_path(category_path)
    if not path:
        raise click.UsageError("--category must name a category, e.g. \"Products/Seeds\".")
    try:
        category = ensure_category(path)
        count = import_gift_text(file.read_bytes(), category.id)
    except GiftError as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"{file}:{problem}", err=True)
        raise click.ClickException("nothing was imported") from None
    commit()
    click.echo(f"Imported {count} question(s) into {'/'.join(path)}.")


@questions_cli.command("export")
@click.option("--category", "category_path", required=True, help="Category path to export (with subcategories).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_command(category_path: str, file: Path):
    """Write a category's questions (and its subcategories') to a GIFT file."""
    from lms.quizzes.bank import export_category_gift, find_category, parse_path

    category = find_category(parse_path(category_path))
    if category is None:
        raise click.ClickException(f"no category {category_path!r}")
    file.write_text(export_category_gift(category.id), encoding="utf-8")
    click.echo(f"Exported {category_path} to {file}.")
