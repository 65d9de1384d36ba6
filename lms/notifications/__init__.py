"""Notifications: the in-app centre, per-kind delivery choices, and mail through the outbox.

Public surface (docs/plugins.md): ``notify``, ``NotificationKind``, ``Delivery``.
"""
from lms.notifications.kinds import Delivery, NotificationKind
from lms.notifications.service import notify

__all__ = ["Delivery", "NotificationKind", "notify"]
