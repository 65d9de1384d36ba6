"""``lms sso``: link an existing account to a host portal's subject, or remove such a link."""
from __future__ import annotations

import click
from flask.cli import AppGroup

group = AppGroup("sso", help="Single sign-on: link existing accounts to host portals' users.")


@group.command("link")
@click.option("--issuer", required=True, help="The issuer's name in the issuers file.")
@click.option("--sub", required=True, help="The person's subject (sub claim) at that issuer.")
@click.option("--user", "user_reference", required=True, help="Our user: e-mail or id.")
@click.option("--by", "admin_email", required=True, help="E-mail of the administrator who vouches for the link.")
def link_command(issuer, sub, user_reference, admin_email):
    """Let the issuer's ``sub`` sign in to an existing account (its e-mail is never enough on its own)."""
    from lms.auth.models import Role
    from lms.events import commit
    from lms.sso.embed import sso_state
    from lms.sso.links import IdentityLinkError, find_user, link_identity

    admin = find_user(admin_email)
    if admin is None or admin.role != Role.ADMIN:
        raise click.UsageError(f"--by must be the e-mail of an administrator account ({admin_email!r} is not).")
    try:
        identity, changed = link_identity(issuer=issuer, sub=sub, user_reference=user_reference,
                                          linked_by_id=admin.id, known_issuers=sso_state().issuers)
    except IdentityLinkError as error:
        raise click.UsageError(str(error)) from None
    commit()
    state = "linked" if changed else "already linked"
    click.echo(f"User {identity.user_id} {state} to {issuer} subject {sub!r}.")


@group.command("unlink")
@click.option("--issuer", required=True, help="The issuer's name in the issuers file.")
@click.option("--sub", required=True, help="The person's subject (sub claim) at that issuer.")
def unlink_command(issuer, sub):
    """Remove the link: the account stays, that subject's next sign-in is treated as a first one."""
    from lms.events import commit
    from lms.sso.links import unlink_identity

    identity = unlink_identity(issuer, sub)
    if identity is None:
        raise click.UsageError(f"{issuer} has no linked subject {sub!r}.")
    commit()
    click.echo(f"User {identity.user_id} unlinked from {issuer} subject {sub!r}.")
