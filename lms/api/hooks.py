"""API domain hooks: the /api/v1 blueprint, the token admin page, ``lms api-tokens`` and the schema."""
from pathlib import Path

from lms import hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def lms_register_blueprints(app):
    from lms.api.admin import bp as admin_bp
    from lms.api.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(admin_bp)


@hookimpl
def lms_app_created(app):
    # The integrations sub-menu links only to pages of loaded plugins (api and webhooks can be disabled).
    app.jinja_env.globals.setdefault("lms_has_endpoint", lambda name: name in app.view_functions)
    from lms.api.cli import group

    app.cli.add_command(group)


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]
