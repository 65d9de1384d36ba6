"""Which framing parents SSO trusts: exact origins only (a ``next`` path goes through lms.redirects)."""
from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


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
