"""HMAC-SHA256 signatures for webhook deliveries, with a timestamp so a captured delivery cannot be replayed later.

Header value: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of f"{t}." + body>``. Receivers recompute the
HMAC over the exact body bytes and refuse a timestamp outside their tolerance. Several ``v1``
entries may appear (one per secret while a secret is being rotated); any match is enough.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timezone

SIGNATURE_HEADER = "LMS-Signature"
SIGNATURE_SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300
MAX_HEADER_LENGTH = 1024
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def generate_webhook_secret() -> str:
    """A new random signing secret for a subscription (256 bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def _as_bytes(secret: str | bytes) -> bytes:
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    if not secret:
        raise ValueError("webhook secret must not be empty")
    return secret


def _unix_seconds(moment: int | float | datetime) -> int:
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)  # the project's naive datetimes are UTC
        return int(moment.timestamp())
    return int(moment)


def compute_signature(secret: str | bytes, body: bytes, timestamp: int) -> str:
    """Hex HMAC-SHA256 of ``f"{timestamp}."`` followed by the raw body bytes."""
    return hmac.new(_as_bytes(secret), f"{timestamp}.".encode("ascii") + body, hashlib.sha256).hexdigest()


def sign_payload(secret: str | bytes, body: bytes, timestamp: int | float | datetime) -> str:
    """The signature header value for delivering ``body`` at ``timestamp``."""
    seconds = _unix_seconds(timestamp)
    return f"t={seconds},{SIGNATURE_SCHEME}={compute_signature(secret, body, seconds)}"


def parse_signature_header(header: str) -> tuple[int, list[str]] | None:
    """(timestamp, v1 signatures) from a header value, or None if it is malformed; other schemes are ignored."""
    if not isinstance(header, str) or len(header) > MAX_HEADER_LENGTH:
        return None
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep:
            return None
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit() or len(value) > 12:
                return None
            timestamp = int(value)
        elif key == SIGNATURE_SCHEME:
            if not _HEX_SHA256.fullmatch(value):
                return None
            signatures.append(value)
    if timestamp is None or not signatures:
        return None
    return timestamp, signatures


def verify_signature(secret: str | bytes, body: bytes, header: str, *, now: int | float | datetime,
                     tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:
    """True if ``header`` signs ``body`` with ``secret`` and its timestamp is within ``tolerance`` of ``now``."""
    parsed = parse_signature_header(header)
    if parsed is None:
        return False
    timestamp, signatures = parsed
    if abs(_unix_seconds(now) - timestamp) > tolerance:
        return False
    expected = compute_signature(secret, body, timestamp)
    # compare every candidate, so timing does not reveal which (or whether an early) one matched
    matches = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    return any(matches)
