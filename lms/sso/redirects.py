"""Which URLs SSO trusts: a ``next`` path only on this site (no open redirect), framing parents only as exact origins."""
from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import unquote, urlsplit

MAX_NEXT_LENGTH = 2048
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
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


def normalise_origin(value: object) -> str | None:
    """``value`` as a canonical origin (scheme://host[:port]) or None if it is not exactly an origin.

    The result goes into a CSP header and a postMessage target, so anything beyond scheme, host
    and port (wildcards, paths, spaces, quotes, semicolons) is refused rather than cleaned.
    """
    if not isinstance(value, str) or "*" in value or value.endswith(("?", "#")):
        return None
    if any(ord(ch) <= 32 or ord(ch) == 127 for ch in value):
        return None  # urlsplit silently drops tabs and newlines; an origin never contains them
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or parts.path not in ("", "/") or parts.query or parts.fragment:
        return None
    host = parts.hostname or ""
    if parts.username is not None:
        return None
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return None
    elif not _HOST.fullmatch(host):
        return None
    if parts.scheme == "http" and host not in ("localhost", "127.0.0.1", "[::1]"):
        return None  # a framing parent over plain http could be anyone on the network path
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default_port) else "")
