"""Courses domain hooks: the "Обучение" tab, its schema, translations, renderer, CLI and demo content."""
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.courses import models  # noqa: F401  (the tables belong to the metadata from start-up)
from lms.plugins import NavItem

HERE = Path(__file__).resolve().parent
DEMO_CONTENT = HERE.parent.parent / "content"


@hookimpl
def lms_register_blueprints(app):
    from lms.courses.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]


@hookimpl
def lms_app_created(app):
    from lms.courses.cli import export_command, import_command
    from lms.courses.rendering import build_renderer

    app.extensions["lms_markdown"] = build_renderer(app)
    app.cli.add_command(import_command)
    app.cli.add_command(export_command)


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    return NavItem(key="courses", label=_("Training"), url=url_for("courses.catalogue"), order=10)


@hookimpl
def lms_load_demo_data():
    from lms.courses.content_sync import import_content

    import_content(DEMO_CONTENT)
