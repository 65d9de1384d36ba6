"""Hooks declared by the lms_marketing plugin (documented in docs/hooks/lms_marketing.md).

The plugin adds these specs to the app's plugin manager when it registers its blueprint, so a
plugin that implements them should mark its implementation ``@hookimpl(optionalhook=True)``: the
manager checks implementations before the marketing plugin has declared its hooks.
"""
from lms.hookspecs import hookspec


@hookspec
def lms_marketing_order_status_changed(order):
    """A marketing-material order was placed or moved to another state; fires after commit.

    ``order`` is a frozen ``lms_marketing.contracts.OrderEvent`` (order, dealer, item and user ids,
    quantity, ``old_status`` — None when the order was just placed — ``new_status``, the id of the
    user who made the change, and the note: reject reason or tracking number). Returns nothing.
    """
