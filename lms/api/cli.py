"""``lms api-tokens``: create, list and revoke API tokens, and link existing users to external ids, from the shell."""
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


def _admin_id(email: str) -> int:
    """The id of the admin account named by ``--by``: a link records who vouched for it."""
    from lms.api.links import find_user
    from lms.auth.models import Role

    admin = find_user(email)
    if admin is None or admin.role != Role.ADMIN:
        raise click.UsageError(f"--by must be the e-mail of an administrator account ({email!r} is not).")
    return admin.id


@group.command("link")
@click.option("--integration", required=True, help="The integration (as on its tokens).")
@click.option("--external-id", required=True, help="The integration's id of the person.")
@click.option("--user", "user_reference", required=True, help="Our user: e-mail or id.")
@click.option("--by", "admin_email", required=True, help="E-mail of the administrator who vouches for the link.")
def link_command(integration, external_id, user_reference, admin_email):
    """Link an existing user to an external id, so the integration may update them through the API."""
    from lms.api.links import LinkError, link_user
    from lms.events import commit

    try:
        link, changed = link_user(integration=integration, external_id=external_id, user_reference=user_reference,
                                  linked_by_id=_admin_id(admin_email))
    except LinkError as error:
        raise click.UsageError(str(error.message)) from None
    commit()
    state = "linked" if changed else "already linked"
    click.echo(f"User {link.user_id} {state} to {link.integration} as {link.external_id!r}.")


@group.command("unlink")
@click.option("--integration", required=True, help="The integration (as on its tokens).")
@click.option("--external-id", required=True, help="The integration's id of the person.")
def unlink_command(integration, external_id):
    """Remove an external id's link; the user stays, the integration can no longer update them."""
    from lms.api.links import find_link, unlink
    from lms.events import commit

    link = find_link(integration, external_id)
    if link is None:
        raise click.UsageError(f"{integration} has no external id {external_id!r}.")
    unlink(link.id)
    commit()
    click.echo(f"User {link.user_id} unlinked from {integration} ({external_id!r}).")
