"""Frozen event payloads of the marketing plugin (hooks never receive live ORM objects)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OrderEvent:
    """An order's state change, as ``lms_marketing_order_status_changed`` receives it."""

    order_id: int
    dealer_id: int
    item_id: int
    user_id: int
    quantity: int
    old_status: str | None
    new_status: str
    changed_by_id: int | None
    note: str = ""
