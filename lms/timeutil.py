"""Time in one convention: naive UTC datetimes, identical on SQLite and PostgreSQL."""
from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (what every DateTime column stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
