"""Verification codes and human serials for certificates: unguessable codes, readable serials."""

import base64
import secrets

# 128 bits: far above the 80-bit floor, so guessing a live code by brute force is hopeless.
VERIFICATION_CODE_BYTES = 16


def new_verification_code() -> str:
    """Return a fresh 128-bit random code, lower-case base32 without padding (26 URL-safe chars)."""
    raw = secrets.token_bytes(VERIFICATION_CODE_BYTES)
    # Base32 avoids the '-' and '_' of base64url, which people misread when typing a code by hand.
    return base64.b32encode(raw).decode("ascii").rstrip("=").lower()


def format_serial(year: int, number: int) -> str:
    """Return the human serial of the ``number``-th certificate of ``year``, e.g. ``2026-000123``."""
    if not 1 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if number < 1:
        raise ValueError(f"serial number must be positive: {number}")
    return f"{year:04d}-{number:06d}"
