"""Hooks declared by the lms_marketing plugin (documented in docs/hooks.md).

The plugin adds them to the app's plugin manager in its ``lms_add_hookspecs``, before the manager
checks every implementation, so a misspelt implementation stops start-up.
"""
from lms.hookspecs import hookspec


@hookspec
def lms_marketing_order_status_changed(order):
    """A marketing-material order was placed or moved to another state; fires after commit.

    ``order`` is a frozen ``lms_marketing.contracts.OrderEvent`` (order, dealer, item and user ids,
    quantity, ``old_status`` — None when the order was just placed — ``new_status``, the id of the
    user who made the change, and the note: reject reason or tracking number). Returns nothing.
    """
