"""Rendering helpers for notification texts (in the locale forced by the caller)."""
from __future__ import annotations

import datetime as dt
import json

from flask_babel import format_date

from lms.notifications.kinds import registered_kinds


def format_day(value) -> str:
    """An ISO date (or date) as a long date in the current locale; unknown values as given."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, "long") if isinstance(value, dt.date) else str(value or "")


def render_notification(notification) -> tuple[str, str]:
    """(title, body) of a stored notification in the current locale; a kind no longer declared shows its name."""
    kind = registered_kinds().get(notification.kind)
    if kind is None:
        return notification.kind, ""
    try:
        params = json.loads(notification.params or "{}")
    except ValueError:
        params = {}
    return kind.render_subject(params), kind.render_body(params)
