"""Marketing services: quota, ordering, the order workflow and stock. Callers own the transaction.

Stock is taken on approval with a conditional UPDATE (``stock >= quantity``) inside the approving
transaction: PostgreSQL re-checks the condition after a concurrent approval commits, SQLite write
requests queue on BEGIN IMMEDIATE, so two approvals can never sell the same copies twice.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.auth.models import Dealer, Role, User
from lms.events import emit
from lms.bounds import parse_id
from lms.extensions import db
from lms.listing import matches
from lms.timeutil import utcnow
from lms_marketing.contracts import OrderEvent
from lms_marketing.models import DealerProfile, Item, Order, OrderStatus, OrderStatusChange

ORDERING_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)
TRANSITIONS = {
    OrderStatus.NEW: (OrderStatus.APPROVED, OrderStatus.REJECTED),
    OrderStatus.APPROVED: (OrderStatus.SHIPPED,),
    OrderStatus.SHIPPED: (OrderStatus.DELIVERED,),
}
STATUS_LABELS = {
    OrderStatus.NEW: _l("New"),
    OrderStatus.APPROVED: _l("Approved"),
    OrderStatus.REJECTED: _l("Rejected"),
    OrderStatus.SHIPPED: _l("Shipped"),
    OrderStatus.DELIVERED: _l("Delivered"),
}


class MarketingError(ValueError):
    """A user-facing refusal; ``message`` is a translatable text, ``status`` the HTTP status."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.message = message
        self.status = status


def quarter_of(moment: datetime) -> str:
    """The quarter key of a (UTC) moment, e.g. ``2025-Q3``."""
    return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"


def quarter_quota(tier: str | None) -> int:
    """Units a dealer of ``tier`` may order per quarter (``MARKETING_QUARTER_QUOTA``)."""
    quotas = current_app.config["MARKETING_QUARTER_QUOTA"]
    return int(quotas.get(tier or "", quotas.get("default", 0)))


def used_quota(dealer_id: int, quarter: str) -> int:
    """Units the dealer has ordered this quarter; rejected orders give their units back."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Order.quantity), 0)).where(
            Order.dealer_id == dealer_id, Order.quarter == quarter, Order.status.in_(OrderStatus.COUNTED)
        )
    )


def remaining_quota(dealer: Dealer, now: datetime | None = None) -> int:
    return max(quarter_quota(dealer.tier) - used_quota(dealer.id, quarter_of(now or utcnow())), 0)


def certificate_gate(user_id: int, item: Item) -> str | None:
    """Why ``user_id`` may not order ``item`` for lack of a certificate, or None when allowed."""
    if not (item.required_course_slug or item.required_product_line):
        return None
    # Imported on demand: a portal without gated items never loads the certificates domain's models.
    # While that domain is disabled nobody holds a valid certificate, so gated items stay closed.
    from lms.certificates.api import has_valid_certificate

    if item.required_course_slug:
        if not has_valid_certificate(user_id, course_slug=item.required_course_slug):
            return str(_l("This material can be ordered only with a valid certificate for the course “%(course)s”.",
                           course=item.required_course_slug))
    if item.required_product_line:
        if not has_valid_certificate(user_id, product_line=item.required_product_line):
            return str(_l("This material can be ordered only with a valid certificate for the product line “%(line)s”.",
                          line=item.required_product_line))
    return None


def place_order(user: User, item_id: int, quantity: int, comment: str = "") -> Order:
    """Record a new order of the user's dealer, checking limits, stock, quota, profile and gating."""
    if user.role not in ORDERING_ROLES or user.dealer_id is None:
        raise MarketingError(_l("Only dealer staff can order marketing materials."), 403)
    item = db.session.get(Item, item_id)
    if item is None or not item.active:
        raise MarketingError(_l("This material is not in the catalogue."), 404)
    if not item.min_per_order <= quantity <= item.max_per_order:
        raise MarketingError(_l("You can order from %(min)d to %(max)d copies of this material at a time.",
                                min=item.min_per_order, max=item.max_per_order))
    if quantity > item.stock:
        raise MarketingError(_l("Only %(stock)d copies are in stock.", stock=item.stock))
    reason = certificate_gate(user.id, item)
    if reason:
        raise MarketingError(reason, 403)
    # Locking the profile row serialises one dealer's orders, so two can't both fit the same quota.
    profile = db.session.scalar(
        sa.select(DealerProfile).where(DealerProfile.dealer_id == user.dealer_id).with_for_update()
    )
    if profile is None or not profile.address.strip():
        raise MarketingError(_l("Your dealer has no delivery address yet. Ask your dealer admin to fill in "
                                "the delivery profile before ordering."))
    now = utcnow()
    dealer = db.session.get(Dealer, user.dealer_id)
    left = remaining_quota(dealer, now)
    if quantity > left:
        raise MarketingError(_l("This order exceeds your dealer's quarterly quota: %(left)d of %(quota)d copies "
                                "are left this quarter.", left=left, quota=quarter_quota(dealer.tier)))
    order = Order(dealer_id=user.dealer_id, user_id=user.id, item_id=item.id, quantity=quantity,
                  quarter=quarter_of(now), status=OrderStatus.NEW, comment=(comment or "").strip(),
                  delivery_address=profile.address, delivery_contact=profile.contact, created_at=now)
    db.session.add(order)
    db.session.flush()
    _record(order, None, OrderStatus.NEW, user.id, "")
    return order


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def change_status(order_id: int, new_status: str, *, actor_id: int, note: str = "") -> Order:
    """Move an order along the workflow; approval takes the stock, or refuses if there is too little."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise MarketingError(_l("This order does not exist."), 404)
    old_status, note = order.status, (note or "").strip()
    if new_status not in allowed_next(old_status):
        raise MarketingError(_l("An order that is “%(current)s” cannot become “%(wanted)s”.",
                                current=STATUS_LABELS[old_status],
                                wanted=STATUS_LABELS.get(new_status, new_status)), 409)
    values = {"status": new_status, "updated_at": utcnow()}
    if new_status == OrderStatus.REJECTED:
        if not note:
            raise MarketingError(_l("Give the reason for the rejection."))
        values["reject_reason"] = note
    if new_status == OrderStatus.SHIPPED:
        if not note:
            raise MarketingError(_l("Enter the tracking number."))
        values["tracking_number"] = note[:100]
    # Conditional on the old state: of two people moving the same order, only the first succeeds.
    moved = db.session.execute(
        sa.update(Order).where(Order.id == order_id, Order.status == old_status).values(**values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise MarketingError(_l("Someone else changed this order meanwhile. Reload the page and try again."), 409)
    if new_status == OrderStatus.APPROVED:
        taken = db.session.execute(
            sa.update(Item).where(Item.id == order.item_id, Item.stock >= order.quantity)
            .values(stock=Item.stock - order.quantity).execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            stock = db.session.scalar(sa.select(Item.stock).where(Item.id == order.item_id))
            raise MarketingError(_l("Not enough stock to approve this order: %(stock)d copies left, %(quantity)d "
                                    "ordered.", stock=stock, quantity=order.quantity), 409)
        db.session.expire(order.item)
    db.session.expire(order)
    _record(order, old_status, new_status, actor_id, note)
    return order


def _record(order: Order, old_status: str | None, new_status: str, actor_id: int | None, note: str) -> None:
    db.session.add(OrderStatusChange(order_id=order.id, from_status=old_status, to_status=new_status,
                                     note=note, changed_by_id=actor_id))
    if old_status is not None:
        from lms_marketing.notices import tell_orderer

        tell_orderer(order, new_status, note, actor_id)
    emit("lms_marketing_order_status_changed", order=OrderEvent(
        order_id=order.id, dealer_id=order.dealer_id, item_id=order.item_id, user_id=order.user_id,
        quantity=order.quantity, old_status=old_status, new_status=new_status, changed_by_id=actor_id,
        note=note,
    ))


def save_profile(dealer_id: int, *, address: str, contact: str, actor_id: int | None) -> DealerProfile:
    """Create or update the dealer's delivery profile."""
    address, contact = (address or "").strip(), (contact or "").strip()
    if not address:
        raise MarketingError(_l("Enter the delivery address."))
    profile = db.session.get(DealerProfile, dealer_id)
    if profile is None:
        profile = DealerProfile(dealer_id=dealer_id, address=address, contact=contact, updated_by_id=actor_id)
        db.session.add(profile)
    else:
        profile.address, profile.contact, profile.updated_by_id = address, contact, actor_id
    return profile


def queue_query(*, status=None, dealer_id=None, item_id=None, date_from=None, date_to=None, term=""):
    """Orders for the managers' queue, newest first, with their item, dealer and orderer loaded.

    ``term`` matches the order number, the dealer, the material, the orderer, the contact or the tracking number.
    """
    from sqlalchemy.orm import joinedload

    query = sa.select(Order).options(joinedload(Order.item), joinedload(Order.dealer), joinedload(Order.user))
    if status:
        query = query.where(Order.status == status)
    if dealer_id:
        query = query.where(Order.dealer_id == dealer_id)
    if item_id:
        query = query.where(Order.item_id == item_id)
    if date_from:
        query = query.where(Order.created_at >= datetime.combine(date_from, datetime.min.time()))
    if date_to:
        query = query.where(Order.created_at < datetime.combine(date_to + timedelta(days=1), datetime.min.time()))
    if term:
        query = query.where(Order.id.in_(matching_order_ids(term)))
    return query.order_by(Order.created_at.desc(), Order.id.desc())


def matching_order_ids(term: str) -> sa.Select:
    """Ids of the orders ``term`` finds (a subquery: the queue's own joins stay eager loads)."""
    found = matches(term, Dealer.name, Item.title, User.name, Order.delivery_contact, Order.tracking_number)
    number = parse_id(term.lstrip("№ "))
    if number is not None:
        found = sa.or_(found, Order.id == number)
    return (sa.select(Order.id).join(Dealer, Dealer.id == Order.dealer_id).join(Item, Item.id == Order.item_id)
            .join(User, User.id == Order.user_id).where(found))


def profiles_query(term: str = "") -> sa.Select:
    """Every dealer with its delivery profile (or None), by name; ``term`` matches name, address or contact."""
    query = (sa.select(Dealer, DealerProfile).outerjoin(DealerProfile, DealerProfile.dealer_id == Dealer.id)
             .order_by(Dealer.name, Dealer.id))
    return query.where(matches(term, Dealer.name, DealerProfile.address, DealerProfile.contact)) if term else query
