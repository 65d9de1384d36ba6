"""Where a ``next`` parameter may send someone: only to a path on this site (no open redirect).

Every view that follows a client-supplied ``next`` (sign-in, SSO, surveys, certificate management,
plugins) goes through ``safe_next_path`` or ``next_path_or``; a test walks the code for any that
does not.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

MAX_NEXT_LENGTH = 2048
_DECODE_ROUNDS = 3  # a proxy or framework may decode once more than we expect; look through a few layers


def _is_dangerous_layer(text: str) -> bool:
    """True if this (possibly decoded) form could be read by some browser or server as another origin."""
    if "\\" in text:
        return True  # browsers treat "\" as "/" in special URLs, so "/\evil" means "//evil"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch.isspace() for ch in text):
        return True  # control, bidi and invisible characters: header splitting and spoofing
    path = text.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        return True
    if "//" in path or any(segment in (".", "..") for segment in path.split("/")):
        return True  # "/.//evil" and friends normalise to "//evil" in some redirect chains
    parts = urlsplit(text)
    return bool(parts.scheme or parts.netloc)


def safe_next_path(value: object) -> str | None:
    """``value`` unchanged if it is a relative path on our own site, else None.

    Refuses scheme-relative (``//host``) and backslash forms, absolute URLs, ``javascript:`` and
    other schemes, control and invisible characters, compatibility characters that normalise to
    ``/`` or ``\\``, and any of these hidden behind percent-encoding.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_NEXT_LENGTH:
        return None
    if unicodedata.normalize("NFKC", value) != value:
        return None  # e.g. FULLWIDTH SOLIDUS becomes "/" after normalisation somewhere downstream
    layer = value
    for _ in range(_DECODE_ROUNDS + 1):
        if _is_dangerous_layer(layer):
            return None
        try:
            decoded = unquote(layer, errors="strict")
        except UnicodeDecodeError:
            return None  # percent-escapes that are not UTF-8 hide something
        if decoded == layer:
            return value
        if unicodedata.normalize("NFKC", decoded) != decoded:
            return None
        layer = decoded
    return None  # still changing after several decodes: nobody needs that in a link


def next_path_or(default: str) -> str:
    """The request's ``next`` (query string or form) if it is a path on this site, else ``default``."""
    from flask import request

    return safe_next_path(request.values.get("next")) or default
