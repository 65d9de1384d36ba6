"""The notification centre: the list, read/unread, mark all read, and each person's delivery choices."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from markupsafe import Markup

from lms.bounds import parse_id
from lms.events import commit
from lms.extensions import db
from lms.forms import PortalForm
from lms.listing import page_of
from lms.notifications.kinds import Delivery, registered_kinds
from lms.notifications.models import Notification
from lms.notifications.render import render_notification
from lms.notifications.service import preferences_of, set_preferences
from lms.redirects import next_path_or, safe_next_path
from lms.timeutil import utcnow

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

DELIVERY_LABELS = {
    Delivery.EMAIL: _l("E-mail at once"),
    Delivery.DIGEST: _l("Daily digest"),
    Delivery.IN_APP: _l("Only here, no e-mail"),
}


class ActionForm(PortalForm):
    """A button's form: only the CSRF token."""


def unread_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def notification_badge() -> Markup:
    """The header's link to the centre with the unread count (empty for anonymous visitors)."""
    if not current_user.is_authenticated:
        return Markup("")
    count = unread_count(current_user.id)
    label = _("Notifications")
    if not count:
        return Markup('<a class="notifications-link" href="{}">{}</a>').format(url_for("notifications.index"), label)
    # The link says what the bare number means: a <span> may not carry an aria-label of its own (no role).
    return Markup('<a class="notifications-link" href="{}" aria-label="{}: {}">{} <span class="badge">{}</span></a>').format(
        url_for("notifications.index"), label, _("%(num)d unread", num=count), label, count)


def safe_link(link: str | None) -> str | None:
    if not link:
        return None
    if link.startswith(("https://", "http://")):
        return link
    return safe_next_path(link)


@bp.route("/")
@login_required
def index():
    only_unread = request.args.get("unread") == "1"
    query = sa.select(Notification).where(Notification.user_id == current_user.id)
    if only_unread:
        query = query.where(Notification.read_at.is_(None))
    page = page_of(query.order_by(Notification.created_at.desc(), Notification.id.desc()), request.args.get("page"))
    entries = [(item, *render_notification(item), safe_link(item.link)) for item in page.items]
    return render_template("notifications/index.html", page=page, entries=entries, only_unread=only_unread,
                           form=ActionForm(), unread=unread_count(current_user.id))


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_read(notification_id: int):
    notification = _own(parse_id(notification_id) or abort(404))
    notification.read_at = notification.read_at or utcnow()
    commit()
    return redirect(next_path_or(url_for("notifications.index")))


@bp.route("/<int:notification_id>/unread", methods=["POST"])
@login_required
def mark_unread(notification_id: int):
    notification = _own(parse_id(notification_id) or abort(404))
    notification.read_at = None
    commit()
    return redirect(next_path_or(url_for("notifications.index")))


@bp.route("/read-all", methods=["POST"])
@login_required
def mark_all_read():
    db.session.execute(sa.update(Notification).where(Notification.user_id == current_user.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
    commit()
    flash(_("All notifications are marked read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    form = ActionForm()
    kinds = registered_kinds()
    current = preferences_of(current_user.id)
    errors = {}
    status = 200
    if form.is_submitted():
        if not form.validate():
            abort(400)
        chosen = {}
        for name in kinds:
            value = request.form.get(f"kind-{name}", current[name])
            if value not in Delivery.ALL:
                errors[name] = _("Choose one of the offered options.")
            chosen[name] = value
        if errors:
            current, status = chosen, 400
        else:
            set_preferences(current_user.id, chosen)
            commit()
            flash(_("Your notification settings are saved."), "success")
            return redirect(url_for("notifications.preferences"))
    rows = sorted(((name, kind.label) for name, kind in kinds.items()), key=lambda row: str(row[1]))
    return render_template("notifications/preferences.html", form=form, rows=rows, current=current,
                           errors=errors, deliveries=DELIVERY_LABELS), status
