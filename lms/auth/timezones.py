"""Each person's time zone: dates and times are shown, and typed, in it (issue 25).

Stored datetimes stay naive UTC (lms.timeutil); Flask-Babel converts on the way out
(``format_datetime``, ``to_user_timezone``) and in (``to_utc``) with the zone chosen here: the
user's own choice, else the portal's ``BABEL_DEFAULT_TIMEZONE``.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import get_timezone, get_timezone_location
from flask import has_request_context
from flask_login import current_user

# The zones a dealer network in Russia and its neighbours lives in, west to east; any IANA name
# also works in the setting, this list is what the account page offers.
OFFERED = (
    "Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
    "Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
    "Asia/Magadan", "Asia/Kamchatka", "Europe/Minsk", "Asia/Almaty", "Asia/Tashkent", "UTC",
)


def is_known(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def select_timezone() -> str | None:
    """Flask-Babel's time-zone selector: the signed-in user's zone, or None for the portal's."""
    if not has_request_context():
        return None
    zone = getattr(current_user, "timezone", None) if current_user else None
    return zone if is_known(zone) else None


def zone_label(name: str, locale: str) -> str:
    """«Москва (UTC+03:00)» / "Moscow (UTC+03:00)": the city in the reader's language and the offset now."""
    offset = datetime.now(ZoneInfo(name)).strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    if name == "UTC":
        return offset
    return f"{get_timezone_location(get_timezone(name), locale=locale, return_city=True)} ({offset})"
