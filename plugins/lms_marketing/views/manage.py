"""Managers' side: the catalogue editor, the order queue with filters and CSV export, workflow steps."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import Dealer
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.exports import rows_to_csv
from lms.bounds import parse_id
from lms.extensions import db
from lms.forms_fields import DAY_ERROR, parse_day
from lms.listing import page_of, search_term
from lms.redirects import next_path_or
from lms.storage import UploadError
from lms_marketing.forms import KIND_LABELS, ItemForm, RejectForm, ShipForm
from lms_marketing.models import Item, OrderStatus
from lms_marketing.previews import save_preview
from lms_marketing.services import STATUS_LABELS, MarketingError, change_status, profiles_query, queue_query
from lms_marketing.views import bp
from lms_marketing.views.dealer import labels

ITEM_FIELDS = ("title", "description", "kind", "format", "language", "product_line", "stock",
               "min_per_order", "max_per_order", "active", "required_course_slug", "required_product_line")
FILTER_KEYS = ("q", "status", "dealer_id", "item_id", "date_from", "date_to")


@bp.route("/manage/items/new", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def new_item():
    return item_editor(None)


@bp.route("/manage/items/<int:item_id>", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def edit_item(item_id: int):
    return item_editor(db.session.get(Item, item_id) or abort(404))


def item_editor(item: Item | None):
    form = ItemForm(obj=item)
    status = 200
    if form.validate_on_submit():
        upload = request.files.get(form.preview.name)
        preview = None
        if upload and upload.filename:
            try:
                preview = save_preview(upload.stream, upload.filename)
            except UploadError as error:
                form.preview.errors = [_(error.message, **error.params)]
        if not form.preview.errors:
            target = item or Item()
            for name in ITEM_FIELDS:
                value = getattr(form, name).data
                if isinstance(value, str):
                    value = value.strip() if name == "description" else (value.strip() or None)
                setattr(target, name, value)
            target.description = target.description or ""
            target.stock = target.stock or 0
            if preview:
                target.preview_sha256, target.preview_mime = preview
            if item is None:
                db.session.add(target)
            commit()
            flash(_("The material is saved."), "success")
            return redirect(url_for("lms_marketing.edit_item", item_id=target.id))
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("lms_marketing/item_form.html", form=form, item=item, kinds=KIND_LABELS), status


def parse_filters():
    """Queue filters from the query string; a malformed value is a 400 with a clear message."""
    args = request.args
    filters = {}
    status = args.get("status") or None
    if status and status not in OrderStatus.ALL:
        abort(400, description=_("Unknown order status."))
    filters["status"] = status
    for name in ("dealer_id", "item_id"):
        raw = args.get(name) or ""
        filters[name] = parse_id(raw) if raw else None
        if raw and filters[name] is None:
            abort(400, description=_("The filter value is not a number."))
    for name in ("date_from", "date_to"):
        raw = (args.get(name) or "").strip()
        filters[name] = parse_day(raw) if raw else None
        if raw and filters[name] is None:
            abort(400, description=str(DAY_ERROR))
    filters["term"] = search_term(args.get("q"))
    return filters


@bp.route("/manage/orders")
@roles_required(*REPORT_ROLES)
def queue():
    filters = parse_filters()
    page = page_of(queue_query(**filters), request.args.get("page"))
    dealers = db.session.execute(sa.select(Dealer.id, Dealer.name).order_by(Dealer.name)).all()
    items = db.session.execute(sa.select(Item.id, Item.title).order_by(Item.title)).all()
    # The pager and the CSV link keep the filters the queue was read with (the CSV has every matching row).
    filter_args = {key: value for key, value in request.args.items() if key in FILTER_KEYS and value}
    return render_template("lms_marketing/queue.html", orders=page.items, page=page, filters=filters,
                           dealers=dealers, items=items, filter_args=filter_args, **labels())


@bp.route("/manage/orders.csv")
@roles_required(*REPORT_ROLES)
def queue_csv():
    orders = db.session.scalars(queue_query(**parse_filters()))
    headers = [_("Order"), _("Placed"), _("Status"), _("Dealer"), _("Ordered by"), _("Material"), _("Quantity"),
               _("Delivery address"), _("Contact"), _("Comment"), _("Tracking number"), _("Reason")]
    rows = [
        [o.id, format_datetime(o.created_at, "yyyy-MM-dd HH:mm"), str(STATUS_LABELS[o.status]), o.dealer.name,
         o.user.name, o.item.title, o.quantity, o.delivery_address, o.delivery_contact, o.comment,
         o.tracking_number or "", o.reject_reason or ""]
        for o in orders
    ]
    return Response(rows_to_csv(headers, rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="marketing-orders.csv"'})


@bp.route("/manage/orders/<int:order_id>/<action>", methods=["POST"])
@roles_required(*REPORT_ROLES)
def order_action(order_id: int, action: str):
    targets = {"approve": OrderStatus.APPROVED, "reject": OrderStatus.REJECTED,
               "ship": OrderStatus.SHIPPED, "deliver": OrderStatus.DELIVERED}
    if action not in targets:
        abort(404)
    note = ""
    if action == "reject":
        form = RejectForm()
        note = form.reason.data if form.validate_on_submit() else ""
    elif action == "ship":
        form = ShipForm()
        note = form.tracking_number.data if form.validate_on_submit() else ""
    back = url_for("lms_marketing.order", order_id=order_id)
    try:
        change_status(order_id, targets[action], actor_id=current_user.id, note=note)
    except MarketingError as error:
        db.session.rollback()
        return render_template("lms_marketing/refused.html", message=error.message, back=back), error.status
    commit()
    flash({
        "approve": _("The order is approved; the stock is reserved."),
        "reject": _("The order is rejected."),
        "ship": _("The order is marked as shipped."),
        "deliver": _("The order is marked as delivered."),
    }[action], "success")
    return redirect(next_path_or(back))


@bp.route("/manage/profiles")
@roles_required(*REPORT_ROLES)
def profiles():
    term = search_term(request.args.get("q"))
    page = page_of(profiles_query(term), request.args.get("page"), scalars=False)
    return render_template("lms_marketing/profiles.html", rows=page.items, page=page, term=term)
