"""Admin page: external LRSs every statement is forwarded to (webhook subscriptions to xapi.statement)."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from lms.auth.models import Role
from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db
from lms.forms import PortalForm
from lms.listing import matches, page_of, search_term
from lms.webhooks.models import WebhookDelivery, WebhookSubscription
from lms.xapi.forwarding import FORWARD_EVENT, add_forward_target

bp = Blueprint("xapi_admin", __name__, url_prefix="/admin/xapi")


def valid_url(form, field):
    parts = urlsplit(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Enter a full http:// or https:// address."))


class ForwardTargetForm(PortalForm):
    url = StringField(_l("Statements URL of the external LRS"), validators=[
        DataRequired(message=_l("Enter the statements URL of the external LRS.")), Length(max=1000), valid_url])
    username = StringField(_l("User name (key) at the external LRS"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Password (secret) at the external LRS"), validators=[Optional(), Length(max=300)])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])


@bp.route("/forwarding", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def forwarding():
    form = ForwardTargetForm()
    status, created = 200, None
    if form.validate_on_submit():
        created = add_forward_target(statements_url=form.url.data.strip(), username=(form.username.data or "").strip(),
                                     password=form.password.data or "", description=(form.description.data or "").strip())
        commit()
        status = 201
        form = ForwardTargetForm(formdata=None)
    elif form.is_submitted():
        status = 400
    term = search_term(request.args.get("q"))
    query = sa.select(WebhookSubscription).where(WebhookSubscription.events == FORWARD_EVENT)
    if term:
        query = query.where(matches(term, WebhookSubscription.url, WebhookSubscription.description))
    page = page_of(query.order_by(WebhookSubscription.active.desc(), WebhookSubscription.id), request.args.get("page"))
    targets = page.items
    counts = {(sid, st): n for sid, st, n in db.session.execute(
        sa.select(WebhookDelivery.subscription_id, WebhookDelivery.status, sa.func.count(WebhookDelivery.id))
        .where(WebhookDelivery.event == FORWARD_EVENT)
        .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status))}
    return render_template("xapi/forwarding.html", form=form, targets=targets, counts=counts, created=created,
                           page=page, term=term), status
