"""Marketing-material tables: catalogue items, dealer delivery profiles, orders and their history."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Dealer, User
from lms.extensions import db
from lms.timeutil import utcnow


class OrderStatus:
    """Order workflow states: new → approved | rejected; approved → shipped → delivered."""

    NEW = "new"
    APPROVED = "approved"
    REJECTED = "rejected"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    ALL = (NEW, APPROVED, REJECTED, SHIPPED, DELIVERED)
    # Orders in these states count against the dealer's quarterly quota.
    COUNTED = (NEW, APPROVED, SHIPPED, DELIVERED)


ITEM_KINDS = ("leaflet", "poster", "brochure", "banner")


class Item(db.Model):
    """A marketing material in the catalogue, with its stock and per-order limits."""

    __tablename__ = "lms_marketing_item"
    __table_args__ = (
        sa.CheckConstraint("stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("min_per_order >= 1 AND max_per_order >= min_per_order", name="order_limits"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    format: Mapped[str] = mapped_column(sa.String(60))
    language: Mapped[str] = mapped_column(sa.String(8))
    product_line: Mapped[str | None] = mapped_column(sa.String(120), index=True)
    stock: Mapped[int] = mapped_column(default=0)
    min_per_order: Mapped[int] = mapped_column(default=1)
    max_per_order: Mapped[int] = mapped_column(default=100)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Ordering gated on a valid certificate (for a course, or for any course of a product line).
    required_course_slug: Mapped[str | None] = mapped_column(sa.String(120))
    required_product_line: Mapped[str | None] = mapped_column(sa.String(120))
    preview_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    preview_mime: Mapped[str | None] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DealerProfile(db.Model):
    """Where a dealer receives materials: the core Dealer has no address, so the plugin keeps one."""

    __tablename__ = "lms_marketing_dealer_profile"

    dealer_id: Mapped[int] = mapped_column(sa.ForeignKey("dealer.id"), primary_key=True)
    address: Mapped[str] = mapped_column(sa.Text)
    contact: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    dealer: Mapped[Dealer] = relationship()


class Order(db.Model):
    """A dealer's order of one item; the address is copied so later profile edits don't move it."""

    __tablename__ = "lms_marketing_order"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint(
            "status IN ('new', 'approved', 'rejected', 'shipped', 'delivered')", name="status_known"
        ),
        sa.Index("ix_lms_marketing_order_dealer_quarter", "dealer_id", "quarter"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dealer_id: Mapped[int] = mapped_column(sa.ForeignKey("dealer.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_marketing_item.id"), index=True)
    quantity: Mapped[int] = mapped_column()
    # "2025-Q3": the quarter (UTC) the order was placed in, for the quota.
    quarter: Mapped[str] = mapped_column(sa.String(7))
    status: Mapped[str] = mapped_column(sa.String(20), default=OrderStatus.NEW, index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    delivery_address: Mapped[str] = mapped_column(sa.Text)
    delivery_contact: Mapped[str] = mapped_column(sa.String(200))
    reject_reason: Mapped[str | None] = mapped_column(sa.Text)
    tracking_number: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    dealer: Mapped[Dealer] = relationship()
    user: Mapped[User] = relationship()
    item: Mapped[Item] = relationship()
    history: Mapped[list[OrderStatusChange]] = relationship(
        back_populates="order", order_by="OrderStatusChange.id"
    )


class OrderStatusChange(db.Model):
    """One step of an order's workflow: who moved it from which state to which, and why."""

    __tablename__ = "lms_marketing_order_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("lms_marketing_order.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    order: Mapped[Order] = relationship(back_populates="history")
    changed_by: Mapped[User | None] = relationship()
