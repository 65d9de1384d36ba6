"""Auth domain hooks: sign-in pages and the core schema's migrations."""
from pathlib import Path

from lms import hookimpl


@hookimpl
def lms_register_blueprints(app):
    from lms.auth.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_migration_dirs():
    # The core's base revisions (dealers, users) live with the Alembic environment.
    return [str(Path(__file__).resolve().parent.parent / "migrations" / "versions")]
