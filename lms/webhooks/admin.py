"""Admin pages for webhooks: subscriptions (secret shown once, (de)activate) and the delivery log."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from lms.forms import PortalForm
from sqlalchemy.orm import joinedload
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lms.auth.models import Role
from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term
from lms.timeutil import utcnow
from lms.webhooks.models import EVENTS, DeliveryStatus, WebhookDelivery, WebhookSubscription
from lms.webhooks.signing import generate_webhook_secret

bp = Blueprint("webhooks_admin", __name__, url_prefix="/admin/webhooks")

EVENT_LABELS = {
    "course.completed": _l("A learner completed a course"),
    "certificate.issued": _l("A certificate was issued"),
    "certificate.revoked": _l("A certificate was revoked"),
    "certificate.expiring": _l("A certificate expires soon"),
}
STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Pending"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed"),
}
LOG_PAGE_SIZE = 100


def valid_url(form, field):
    parts = urlsplit(field.data or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_l("Enter a full http:// or https:// address."))


class SubscriptionForm(PortalForm):
    url = StringField(_l("Receiver URL"), validators=[DataRequired(message=_l("Enter the receiver URL.")),
                                                      Length(max=1000), valid_url])
    description = StringField(_l("Description"), validators=[Optional(), Length(max=200)])
    events = SelectMultipleField(
        _l("Events"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one event."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, so the labels are in the reader's language.
        self.events.choices = [SelectChoice(name, f"{name} — {EVENT_LABELS[name]}") for name in EVENTS]


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def subscriptions():
    form = SubscriptionForm()
    status, created, secret = 200, None, None
    if form.validate_on_submit():
        secret = generate_webhook_secret()
        created = WebhookSubscription(url=form.url.data.strip(), secret=secret,
                                      events=" ".join(e for e in EVENTS if e in form.events.data),
                                      description=(form.description.data or "").strip())
        db.session.add(created)
        commit()
        status = 201
        form = SubscriptionForm(formdata=None)
    elif form.is_submitted():
        status = 400
    term = search_term(request.args.get("q"))
    query = sa.select(WebhookSubscription)
    if term:
        query = query.where(matches(term, WebhookSubscription.url, WebhookSubscription.description,
                                    WebhookSubscription.events))
    listed = page_of(query.order_by(WebhookSubscription.active.desc(), WebhookSubscription.id),
                     request.args.get("page"))
    counts = {(sid, st): n for sid, st, n in db.session.execute(
        sa.select(WebhookDelivery.subscription_id, WebhookDelivery.status, sa.func.count(WebhookDelivery.id))
        .where(WebhookDelivery.subscription_id.in_([row.id for row in listed.items]))
        .group_by(WebhookDelivery.subscription_id, WebhookDelivery.status))}
    page = render_template("webhooks/subscriptions.html", form=form, subscriptions=listed.items, counts=counts,
                           created=created, secret=secret, event_labels=EVENT_LABELS, page=listed, term=term)
    return page, status, ({"Cache-Control": "no-store"} if secret else {})


@bp.post("/<int:subscription_id>/toggle")
@roles_required(Role.ADMIN)
def toggle(subscription_id: int):
    subscription = db.session.get(WebhookSubscription, subscription_id) or abort(404)
    subscription.active = not subscription.active
    commit()
    flash(_("Subscription activated.") if subscription.active else
          _("Subscription deactivated: no new events are queued for it."), "success")
    return redirect(url_for("webhooks_admin.subscriptions"))


@bp.get("/deliveries")
@roles_required(Role.ADMIN)
def deliveries():
    status = request.args.get("status") or None
    if status is not None and status not in DeliveryStatus.ALL:
        abort(400)
    term = search_term(request.args.get("q"))
    query = sa.select(WebhookDelivery).options(joinedload(WebhookDelivery.subscription))
    if status:
        query = query.where(WebhookDelivery.status == status)
    if term:
        query = query.join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id).where(
            matches(term, WebhookDelivery.event, WebhookDelivery.uuid, WebhookSubscription.url))
    page = page_of(query.order_by(WebhookDelivery.id.desc()), request.args.get("page"), LOG_PAGE_SIZE)
    return render_template("webhooks/deliveries.html", deliveries=page.items, status=status,
                           status_labels=STATUS_LABELS, page_size=LOG_PAGE_SIZE, page=page, term=term)


@bp.post("/deliveries/<int:delivery_id>/retry")
@roles_required(Role.ADMIN)
def retry(delivery_id: int):
    delivery = db.session.get(WebhookDelivery, delivery_id) or abort(404)
    if delivery.status == DeliveryStatus.FAILED:
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = utcnow()
        delivery.attempts = 0
        commit()
        flash(_("The delivery is queued again."), "success")
    return redirect(url_for("webhooks_admin.deliveries"))
