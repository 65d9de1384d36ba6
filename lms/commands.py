"""The commands that run inside an app (``lms users``, ``lms plugins``, ``lms translations``,
``lms worker``): the app factory adds them to ``app.cli``. The console entry point and the
set-up commands that build their own app (``lms init``, ``lms demo``) are in ``lms.cli``."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext


def interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


users_group = AppGroup("users", help="Manage user accounts.")
translations_group = AppGroup("translations", help="Maintain the Russian and English catalogues (for developers).")


def register_app_commands(app) -> None:
    """Commands that run inside the app (``lms users``, ``lms plugins`` …) live on ``app.cli``."""
    app.cli.add_command(users_group)
    app.cli.add_command(plugins_command)
    app.cli.add_command(translations_group)
    from lms.worker import worker_command

    app.cli.add_command(worker_command)
    from lms.storage.commands import storage_group

    app.cli.add_command(storage_group)


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice(["learner", "dealer_admin", "author", "manager", "admin"]))
@click.option("--dealer", "dealer_ref", default=None, help="Dealer id, tax id or exact name.")
@click.option("--password", default=None, help="Prompted for when omitted in a terminal.")
def create_user_command(email, name, role, dealer_ref, password):
    """Create a user. Without a password (and no terminal) the account can only sign in via SSO."""
    from lms.auth.services import AccountError, create_user, find_dealer
    from lms.events import commit

    dealer_id = None
    if dealer_ref:
        dealer = find_dealer(dealer_ref)
        if dealer is None:
            raise click.UsageError(f"No dealer matches {dealer_ref!r}.")
        dealer_id = dealer.id
    if password is None and interactive():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email=email, name=name, role=role, dealer_id=dealer_id, password=password,
                           source="cli", min_password_length=current_app.config["PASSWORD_MIN_LENGTH"])
    except AccountError as error:
        raise click.UsageError(str(error.message)) from None
    commit()
    click.echo(f"User {user.email} ({user.role}) created with id {user.id}.")


@click.command("plugins")
@with_appcontext
def plugins_command():
    """List the loaded plugins and the hooks each implements."""
    from lms.plugins import describe_plugins, plugin_manager

    for name, hooks in describe_plugins(plugin_manager()):
        click.echo(name)
        for hook in hooks:
            click.echo(f"    {hook}")


@translations_group.command("update")
def translations_update():
    """Extract marked texts into each domain's and plugin's own catalogue (ru and en)."""
    from lms.i18n_catalogues import ROOT, update_catalogues

    for folder, missing in update_catalogues().items():
        note = f"{missing} to translate" if missing else "complete"
        click.echo(f"{folder.relative_to(ROOT)}: {note}")
