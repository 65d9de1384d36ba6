"""The ``lms`` command: Flask's CLI bound to the app factory, plus the portal's own commands."""
from __future__ import annotations

import logging
import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import FlaskGroup, ScriptInfo

from lms.app import create_app
from lms.commands import interactive
from lms.config import ConfigurationError
from lms.warnings_policy import hide_third_party_deprecations


_cli_apps = []  # apps this command built, so their connection pools close when it ends


def _make_app():
    app = create_app()
    _cli_apps.append(app)
    return app


def _close_apps() -> None:
    from lms.extensions import db

    while _cli_apps:
        with _cli_apps.pop().app_context():
            db.engine.dispose()


class PortalGroup(FlaskGroup):
    """Flask's CLI group that also closes the connection pools of the apps it built."""

    def make_context(self, *args, **kwargs):
        ctx = super().make_context(*args, **kwargs)
        # Registered first, so it runs last: after Flask popped the app context it pushed.
        ctx.call_on_close(_close_apps)
        return ctx

    def list_commands(self, ctx):
        """``lms --help`` builds the app only to list the commands it adds; it prints no start-up
        notice meant for a running portal, and a configuration error is one line, not a traceback."""
        logging.disable(logging.WARNING)
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except ConfigurationError as error:
            click.echo(f"Note: only the set-up commands are listed until the configuration is valid: {error}\n",
                       err=True)
            return sorted(self.commands)
        finally:
            logging.disable(logging.NOTSET)
        return super().list_commands(ctx)


@click.group(cls=PortalGroup, create_app=_make_app, add_version_option=False, load_dotenv=False,
             set_debug_flag=False)
def cli():
    """Dealer learning portal: set up, run and administer it."""


def main() -> None:
    """Console entry point: configuration errors are printed plainly, without a traceback."""
    hide_third_party_deprecations()
    try:
        cli.main(prog_name="lms")
    except ConfigurationError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)


def init_database(*, demo: bool) -> None:
    """Migrate to head, make sure an admin exists, and load demo data when asked. Idempotent."""
    from flask_migrate import upgrade

    from lms.events import commit

    upgrade(revision="heads")
    click.echo("Database is up to date.")
    if demo:
        from lms.demo import DEMO_PASSWORD, load_core_demo_data
        from lms.plugins import plugin_manager

        accounts = load_core_demo_data()
        plugin_manager().hook.lms_load_demo_data()
        commit()
        click.echo("Demo data loaded. Sign in with any of these (password: %s):" % DEMO_PASSWORD)
        for account in accounts:
            click.echo(f"  {account.role:<13} {account.email}")
    ensure_first_admin()


def ensure_first_admin() -> None:
    """Create the admin named by LMS_ADMIN_EMAIL/PASSWORD, or ask for one when none exists."""
    from lms.auth.models import Role, User
    from lms.auth.services import AccountError, create_user
    from lms.events import commit
    from lms.extensions import db

    email = current_app.config.get("ADMIN_EMAIL")
    password = current_app.config.get("ADMIN_PASSWORD")
    has_admin = db.session.scalar(sa.select(User.id).where(User.role == Role.ADMIN).limit(1)) is not None
    if not email:
        if has_admin:
            return
        if not interactive():
            click.echo("No admin account yet: set LMS_ADMIN_EMAIL and LMS_ADMIN_PASSWORD and run "
                       "`lms init` again, or use `lms users create --role admin`.")
            return
        email = click.prompt("Email of the first admin")
    if db.session.scalar(sa.select(User.id).where(User.email == email.strip().lower())) is not None:
        return
    if not password:
        if not interactive():
            raise click.UsageError("LMS_ADMIN_EMAIL is set but LMS_ADMIN_PASSWORD is not.")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(email=email, name="Administrator", role=Role.ADMIN, password=password, source="cli")
    except AccountError as error:
        raise click.UsageError(str(error.message)) from None
    commit()
    click.echo(f"Admin {email} created.")


@cli.command("init", with_appcontext=False)
@click.option("--demo", is_flag=True, help="Also load demo dealers, accounts and content.")
def init_command(demo: bool):
    """Create the instance folder, migrate the database to head and create the first admin."""
    app = create_app({"DEMO": True} if demo else None)
    _cli_apps.append(app)
    with app.app_context():
        init_database(demo=demo)


@cli.command("demo", with_appcontext=False)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def demo_command(host: str, port: int):
    """Set up a demo portal on SQLite (init --demo) and serve it."""
    import os

    settings = {"DEMO": True}
    if not os.environ.get("LMS_PUBLIC_BASE_URL"):
        settings["PUBLIC_BASE_URL"] = f"http://{host}:{port}/"  # the certificates' QR codes lead here
    if not os.environ.get("LMS_ELEARNING_CONTENT_ORIGIN"):
        # E-learning packages run on another host name served by this same process (docs/elearning.md):
        # the browser keeps them apart from the portal's pages and cookies.
        content_host = "127.0.0.1" if host == "localhost" else "localhost"
        settings["ELEARNING_CONTENT_ORIGIN"] = f"http://{content_host}:{port}"
    app = create_app(settings)
    _cli_apps.append(app)
    with app.app_context():
        init_database(demo=True)
    click.echo(f"\nThe portal is running at http://{host}:{port}/  (Ctrl+C stops it)")
    from lms.devserver import make_dev_server

    # Flask ignores app.run() inside its own CLI, so serve with Werkzeug directly.
    server = make_dev_server(app, host, port)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
