"""``lms xapi``: forward targets (external LRSs) and launch credentials from the command line."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from lms.events import commit
from lms.extensions import db
from lms.webhooks.models import WebhookSubscription
from lms.xapi.errors import XapiError
from lms.xapi.forwarding import FORWARD_EVENT, add_forward_target


@click.group("xapi", help="The xAPI LRS: forwarding to external LRSs.")
def group():
    pass


@group.command("forward-add", help="Forward every stored statement to STATEMENTS_URL (…/xapi/statements).")
@click.argument("statements_url")
@click.option("--username", default="", help="Basic user name at the external LRS.")
@click.option("--password", default="", help="Basic password at the external LRS.")
@click.option("--description", default="")
@with_appcontext
def forward_add(statements_url, username, password, description):
    if not statements_url.startswith(("http://", "https://")):
        raise click.UsageError("STATEMENTS_URL must be an http:// or https:// address")
    target = add_forward_target(statements_url=statements_url, username=username, password=password,
                                description=description)
    commit()
    click.echo(f"Forward target {target.id}: {statements_url} (deliveries in the webhook log; secret "
               f"for LMS-Signature: {target.secret})")


@group.command("forward-list", help="List the forward targets.")
@with_appcontext
def forward_list():
    for target in db.session.scalars(sa.select(WebhookSubscription).where(WebhookSubscription.events == FORWARD_EVENT)
                                     .order_by(WebhookSubscription.id)):
        click.echo(f"{target.id}\t{target.url}\t{'active' if target.active else 'inactive'}")


@group.command("launch-credential", help="Mint a short-lived credential for USER_ID on ACTIVITY_ID.")
@click.argument("user_id", type=int)
@click.argument("activity_id")
@click.option("--registration", default=None)
@click.option("--seconds", default=3600, show_default=True)
@with_appcontext
def launch_credential(user_id, activity_id, registration, seconds):
    from lms.xapi.credentials import mint_launch_credential

    try:
        credential = mint_launch_credential(user_id=user_id, activity_id=activity_id, registration=registration,
                                            lifetime_seconds=seconds)
    except XapiError as error:
        raise click.UsageError(error.message) from None
    commit()
    click.echo(f"{credential.username}:{credential.password} until {credential.expires_at:%Y-%m-%d %H:%M:%S} UTC")
