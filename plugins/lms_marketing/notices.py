"""The marketing plugin's notification kind: a dealer's order changed its status (through lms.notifications)."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.notifications import Delivery, NotificationKind, notify

ORDER_STATUS_KIND = "lms_marketing_order_status"


def _status(params) -> str:
    from lms_marketing.services import STATUS_LABELS

    return str(STATUS_LABELS.get(params.get("status"), params.get("status", "")))


def _subject(params) -> str:
    return _("Order №%(number)s: %(status)s", number=params.get("order_id", ""), status=_status(params))


def _body(params) -> str:
    text = _("Your order of \"%(item)s\" (%(quantity)s copies) is now: %(status)s.",
             item=params.get("item_title", ""), quantity=params.get("quantity", ""), status=_status(params))
    if params.get("note"):
        text += "\n" + _("Comment: %(note)s", note=params["note"])
    return text


def order_status_kind() -> NotificationKind:
    return NotificationKind(ORDER_STATUS_KIND, _l("Marketing order status"), _subject, _body, Delivery.EMAIL)


def tell_orderer(order, new_status: str, note: str, actor_id: int | None) -> None:
    """Notify the person who ordered, unless they made the change themselves. Never commits."""
    if actor_id == order.user_id:
        return
    notify(order.user_id, ORDER_STATUS_KIND,
           params={"order_id": order.id, "item_title": order.item.title, "quantity": order.quantity,
                   "status": new_status, "note": note or ""},
           link=f"/marketing/orders/{order.id}", dedupe_key=f"lms_marketing:order:{order.id}:{new_status}")
