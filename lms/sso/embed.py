"""Embedded mode: our pages inside a host portal's iframe, with that host's framing rights and CHIPS cookies.

A request is embedded when the view said so (``g.lms_embed``: an SSO launch with ``embed=1`` or an
``/embed/`` link) or the session was launched embedded — except for a top-level navigation
(``Sec-Fetch-Dest: document``), which gets the normal page even if the session was once embedded.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from flask import Flask, current_app, g, has_request_context, request, session
from lms.web import PortalSessionInterface

from lms.sso.issuers import Issuer

SESSION_EMBED = "lms_sso_embed"  # the session was launched inside a host's iframe
SESSION_ISSUER = "lms_sso_issuer"  # the issuer the user signed in through
EMBED_LAYOUT = "embed/base.html"
BASE_LAYOUT = "base.html"


@dataclass(frozen=True)
class SsoState:
    """What the SSO domain keeps per app in ``app.extensions["lms_sso"]``."""

    issuers: Mapping[str, Issuer] = field(default_factory=dict)


def sso_state(app: Flask | None = None) -> SsoState:
    return (app or current_app).extensions["lms_sso"]


def is_embedded() -> bool:
    """True when this request renders for a host portal's iframe."""
    if not has_request_context():
        return False
    flag = g.get("lms_embed")
    if flag is not None:
        return bool(flag)
    if request.headers.get("Sec-Fetch-Dest") == "document":
        return False
    return bool(session.get(SESSION_EMBED))


def parent_origins() -> tuple[str, ...]:
    """Origins that may frame this page: the sign-in issuer's, else every trusted issuer's; never a wildcard."""
    return _frame_ancestors(sso_state().issuers, g.get("lms_embed_issuer") or session.get(SESSION_ISSUER))


def _frame_ancestors(issuers: Mapping[str, Issuer], name) -> tuple[str, ...]:
    if name in issuers:
        return issuers[name].frame_ancestors
    return tuple(dict.fromkeys(origin for issuer in issuers.values() for origin in issuer.frame_ancestors))


def session_frame_ancestors(app: Flask, session_data: Mapping, fetch_dest: str | None) -> tuple[str, ...] | None:
    """``parent_origins`` for a request whose view sets no embedding flag, from plain values (the quiz
    autosave's fast path has no request context): None when the request is not embedded."""
    if fetch_dest == "document" or not session_data.get(SESSION_EMBED):
        return None
    return _frame_ancestors(sso_state(app).issuers, session_data.get(SESSION_ISSUER))


def with_frame_ancestors(policy: str, sources: tuple[str, ...]) -> str:
    """``policy`` with its frame-ancestors directive replaced by ``sources`` (``'self'`` when empty)."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    kept = [part for part in directives if part.split()[0].lower() != "frame-ancestors"]
    kept.append("frame-ancestors " + (" ".join(sources) if sources else "'self'"))
    return "; ".join(kept)


def set_embed_headers(response):
    """In embedded mode, let the issuer's origins frame the page (runs before web's setdefault defaults)."""
    if not is_embedded():
        return response
    from lms.web import set_security_headers

    set_security_headers(response)  # fills the default CSP if the view set none; idempotent
    response.headers["Content-Security-Policy"] = with_frame_ancestors(
        response.headers["Content-Security-Policy"], parent_origins())
    return response


class EmbedSessionInterface(PortalSessionInterface):
    """The signed-cookie session, sent ``Secure; SameSite=None; Partitioned`` (CHIPS) when embedded over HTTPS.

    A cross-site iframe only gets its cookie back with SameSite=None, and browsers that block
    third-party cookies still keep a Partitioned one (per top-level site). Outside embedded mode
    the configured attributes (SameSite=Lax) stay.
    """

    @staticmethod
    def _chips() -> bool:
        return has_request_context() and request.is_secure and is_embedded()

    def get_cookie_samesite(self, app):
        return "None" if self._chips() else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app):
        return True if self._chips() else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app):
        return True if self._chips() else super().get_cookie_partitioned(app)


def _embed_join_path(template: str, parent: str | None) -> str:
    """Pages ``{% extends "base.html" %}``; when embedded they get the header-less layout instead."""
    if template == BASE_LAYOUT and parent != EMBED_LAYOUT and is_embedded():
        return EMBED_LAYOUT
    return template


def init_embed(app: Flask) -> None:
    """Install the layout switch, the framing header and the CHIPS-aware session cookie."""
    app.session_interface = EmbedSessionInterface()
    app.jinja_env.join_path = _embed_join_path
    app.jinja_env.globals.update(lms_embedded=is_embedded, embed_parent_origins=parent_origins)
    app.after_request(set_embed_headers)
