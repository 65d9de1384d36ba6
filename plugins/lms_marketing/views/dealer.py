"""Dealer side: catalogue, ordering, own orders, delivery profile; also the preview images."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from lms.auth.models import Dealer, Role
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms_marketing.forms import KIND_LABELS, LANGUAGE_LABELS, OrderForm, ProfileForm
from lms_marketing.models import DealerProfile, Item, Order, OrderStatus, OrderStatusChange
from lms_marketing.previews import send_preview
from lms_marketing.services import (
    ORDERING_ROLES, STATUS_LABELS, MarketingError, certificate_gate, change_status, place_order,
    quarter_quota, remaining_quota, save_profile,
)
from lms_marketing.views import bp

VIEW_ROLES = ORDERING_ROLES + REPORT_ROLES


def labels():
    return {"statuses": STATUS_LABELS, "kinds": KIND_LABELS, "languages": LANGUAGE_LABELS}


def is_dealer_staff() -> bool:
    return current_user.role in ORDERING_ROLES and current_user.dealer_id is not None


def quota_info():
    if not is_dealer_staff():
        return None
    dealer = current_user.dealer
    return {"left": remaining_quota(dealer), "quota": quarter_quota(dealer.tier)}


@bp.route("/")
@roles_required(*VIEW_ROLES)
def catalogue():
    query = sa.select(Item).order_by(Item.kind, Item.title)
    if current_user.role not in REPORT_ROLES:
        query = query.where(Item.active.is_(True))
    items = list(db.session.scalars(query))
    profile = db.session.get(DealerProfile, current_user.dealer_id) if is_dealer_staff() else None
    return render_template("lms_marketing/catalogue.html", items=items, quota=quota_info(),
                           profile=profile, dealer_staff=is_dealer_staff(), **labels())


@bp.route("/previews/<sha256>")
@login_required
def preview(sha256: str):
    mime = db.session.scalar(sa.select(Item.preview_mime).where(Item.preview_sha256 == sha256).limit(1))
    if mime is None:
        abort(404)
    return send_preview(sha256, mime)  # 404 when the file is missing


def active_item_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None or (not item.active and current_user.role not in REPORT_ROLES):
        abort(404)
    return item


@bp.route("/items/<int:item_id>", methods=["GET", "POST"])
@roles_required(*VIEW_ROLES)
def item(item_id: int):
    item = active_item_or_404(item_id)
    form = OrderForm()
    status = 200
    if form.validate_on_submit():
        try:
            order = place_order(current_user, item.id, form.quantity.data, form.comment.data or "")
        except MarketingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = error.status
        else:
            commit()
            flash(_("Order No. %(id)d is placed. A manager will review it.", id=order.id), "success")
            return redirect(url_for("lms_marketing.order", order_id=order.id))
    elif form.is_submitted():
        status = 400
    item = db.session.get(Item, item_id)
    gate = certificate_gate(current_user.id, item) if is_dealer_staff() else None
    profile = db.session.get(DealerProfile, current_user.dealer_id) if is_dealer_staff() else None
    return render_template("lms_marketing/item.html", item=item, form=form, quota=quota_info(), gate=gate,
                           profile=profile, dealer_staff=is_dealer_staff(), **labels()), status


@bp.route("/orders")
@roles_required(*ORDERING_ROLES)
def my_orders():
    if current_user.dealer_id is None:
        abort(404)
    orders = db.session.scalars(
        sa.select(Order).options(joinedload(Order.item), joinedload(Order.user))
        .where(Order.dealer_id == current_user.dealer_id).order_by(Order.created_at.desc(), Order.id.desc())
    )
    return render_template("lms_marketing/my_orders.html", orders=list(orders), quota=quota_info(), **labels())


def visible_order_or_404(order_id: int) -> Order:
    """A dealer's order is 404 to everyone but that dealer's staff and the managers."""
    order = db.session.scalar(
        sa.select(Order).options(joinedload(Order.item), joinedload(Order.dealer), joinedload(Order.user),
                                 selectinload(Order.history).joinedload(OrderStatusChange.changed_by))
        .where(Order.id == order_id)
    )
    if order is None:
        abort(404)
    if current_user.role not in REPORT_ROLES and order.dealer_id != current_user.dealer_id:
        abort(404)
    return order


@bp.route("/orders/<int:order_id>")
@roles_required(*VIEW_ROLES)
def order(order_id: int):
    from lms_marketing.forms import RejectForm, ShipForm

    order = visible_order_or_404(order_id)
    return render_template("lms_marketing/order.html", order=order, manager=current_user.role in REPORT_ROLES,
                           reject_form=RejectForm(), ship_form=ShipForm(), **labels())


@bp.route("/orders/<int:order_id>/delivered", methods=["POST"])
@roles_required(*VIEW_ROLES)
def confirm_delivery(order_id: int):
    """The dealer (or a manager) confirms the parcel arrived."""
    order = visible_order_or_404(order_id)
    try:
        change_status(order.id, OrderStatus.DELIVERED, actor_id=current_user.id)
    except MarketingError as error:
        db.session.rollback()
        return render_template("lms_marketing/refused.html", message=error.message,
                               back=url_for("lms_marketing.order", order_id=order_id)), error.status
    commit()
    flash(_("The order is marked as delivered."), "success")
    return redirect(url_for("lms_marketing.order", order_id=order_id))


def can_edit_profile(dealer_id: int) -> bool:
    if current_user.role in REPORT_ROLES:
        return True
    return current_user.role == Role.DEALER_ADMIN and current_user.dealer_id == dealer_id


@bp.route("/profile", methods=["GET", "POST"])
@roles_required(*ORDERING_ROLES)
def my_profile():
    if current_user.dealer_id is None:
        abort(404)
    return profile_page(current_user.dealer_id)


@bp.route("/dealers/<int:dealer_id>/profile", methods=["GET", "POST"])
@roles_required(*REPORT_ROLES)
def dealer_profile(dealer_id: int):
    return profile_page(dealer_id)


def profile_page(dealer_id: int):
    dealer = db.session.get(Dealer, dealer_id) or abort(404)
    profile = db.session.get(DealerProfile, dealer_id)
    editable = can_edit_profile(dealer_id)
    form = ProfileForm(obj=profile)
    status = 200
    if form.is_submitted() and not editable:
        abort(403)
    if form.validate_on_submit():
        try:
            save_profile(dealer_id, address=form.address.data, contact=form.contact.data or "",
                         actor_id=current_user.id)
        except MarketingError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = error.status
        else:
            commit()
            flash(_("The delivery profile is saved."), "success")
            return redirect(url_for(
                "lms_marketing.my_profile" if current_user.dealer_id == dealer_id else "lms_marketing.dealer_profile",
                **({} if current_user.dealer_id == dealer_id else {"dealer_id": dealer_id})))
    elif form.is_submitted():
        status = 400
    return render_template("lms_marketing/profile.html", dealer=dealer, profile=profile, form=form,
                           editable=editable), status
