"""Query-string parsing and opaque cursors for the API: bad input is a 400 with a stable code."""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone

from flask import request

from lms.api.errors import ApiError
from lms.bounds import MAX_ID, parse_id, parse_int

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _error(code: str, message: str):
    return ApiError(400, code, message)


def int_arg(name: str, *, required: bool = False) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        if required:
            raise _error("missing_parameter", f"The query parameter {name} is required.")
        return None
    value = parse_id(raw)
    if value is None:
        raise _error("invalid_parameter", f"The query parameter {name} must be a positive integer up to {MAX_ID}.")
    return value


def limit_arg() -> int:
    raw = request.args.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    value = parse_int(raw, 1, MAX_LIMIT)
    if value is None:
        raise _error("invalid_parameter", f"limit must be an integer from 1 to {MAX_LIMIT}.")
    return value


def datetime_arg(name: str) -> datetime | None:
    """An ISO 8601 date or date-time; with an offset it is converted to UTC (we store naive UTC)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise _error("invalid_parameter", f"{name} must be an ISO 8601 date-time, e.g. 2025-01-31T12:00:00Z.") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def iso(value: datetime | None) -> str | None:
    """Naive UTC → ISO 8601 with a Z, the way every date-time leaves the API."""
    return None if value is None else value.isoformat() + "Z"


def encode_cursor(*values) -> str:
    raw = json.dumps([v.isoformat() if isinstance(v, datetime) else v for v in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def cursor_arg(*kinds: type) -> tuple | None:
    """Decode the ``cursor`` parameter made by encode_cursor with values of ``kinds`` (int or datetime)."""
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return None
    try:
        if len(raw) > 200:
            raise ValueError
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
        if not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        decoded = []
        for value, kind in zip(values, kinds):
            if kind is datetime:
                decoded.append(datetime.fromisoformat(value))
            elif isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
                decoded.append(value)
            else:
                raise ValueError
        return tuple(decoded)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise _error("invalid_cursor", "The cursor is not one this API returned.") from None


def page(rows: list, limit: int, cursor_of) -> dict:
    """A page of ``limit`` rows (the caller fetched limit + 1) and the cursor of the next one."""
    more = len(rows) > limit
    rows = rows[:limit]
    return {"rows": rows, "next_cursor": cursor_of(rows[-1]) if more and rows else None}
