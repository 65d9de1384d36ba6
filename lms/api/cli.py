"""``lms api-tokens``: create, list and revoke API tokens from the shell."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from lms.api.models import SCOPES

group = AppGroup("api-tokens", help="Manage API tokens for host systems.")


@group.command("create")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--integration", required=True, help="The issuer or integration it belongs to.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(SCOPES),
              help="Repeat for several scopes.")
def create_command(name, integration, scopes):
    """Create a token; its value is printed once and cannot be shown again."""
    from lms.api.tokens import TokenError, create_token
    from lms.events import commit

    try:
        token, value = create_token(name=name, integration=integration, scopes=scopes)
    except TokenError as error:
        raise click.UsageError(str(error.message)) from None
    commit()
    click.echo(f"Token {token.id} created for {token.integration} with scopes: {token.scopes}")
    click.echo("Copy it now, it will not be shown again:")
    click.echo(value)


@group.command("list")
def list_command():
    """List tokens (never their values)."""
    from lms.api.models import ApiToken
    from lms.extensions import db

    for token in db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id)):
        state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
        click.echo(f"{token.id}\t{token.name}\t{token.integration}\tlms_{token.prefix}_…\t{token.scopes}\t"
                   f"{state}\tlast used {used}")


@group.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id):
    """Revoke a token by id: requests with it are refused from now on."""
    from lms.api.tokens import revoke_token
    from lms.events import commit

    if revoke_token(token_id) is None:
        raise click.UsageError(f"No API token has id {token_id}.")
    commit()
    click.echo(f"Token {token_id} revoked.")
