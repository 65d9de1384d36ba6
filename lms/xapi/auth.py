"""Who is calling the LRS: an API token (HTTP Basic, or Bearer) or a package's launch credential.

Cookie sessions never count: a signed-in browser without a credential gets 401, so a page on
another site cannot make a learner's browser write statements.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g

from lms.api.auth import token_scopes
from lms.api.models import ApiToken
from lms.api.tokens import find_token, needs_last_used_update
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.credentials import KEY_PREFIX, find_launch_credential
from lms.xapi.errors import XapiError

READ, WRITE = "xapi:read", "xapi:write"
CHALLENGE = {"WWW-Authenticate": 'Basic realm="xapi"'}


@dataclass(frozen=True)
class Caller:
    """The authenticated caller: its scopes, and for a launch credential the one learner and activity."""

    scopes: frozenset
    token_id: int | None
    name: str
    learner_ifi: str | None = None
    learner_user_id: int | None = None
    activity_id: str | None = None
    registration: str | None = None

    @property
    def is_launch(self) -> bool:
        return self.learner_ifi is not None


def split_credentials(header: str) -> tuple[str, str] | None:
    """(user, password) of a Basic header; a Bearer token is (token, "")."""
    scheme, _, value = (header or "").partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return value, ""
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def authenticate(header: str, method: str) -> Caller:
    """The caller of ``Authorization: header``, or a 401 XapiError."""
    credentials = split_credentials(header)
    if credentials is None:
        raise XapiError(401, "Send credentials: HTTP Basic with an API token (or a launch credential).", CHALLENGE)
    user, password = credentials
    if user.startswith(KEY_PREFIX):
        launch = find_launch_credential(user, password)
        if launch is None:
            raise XapiError(401, "The launch credential is unknown or expired.", CHALLENGE)
        return Caller(frozenset({READ, WRITE}), launch.token_id, f"launch:{launch.key}", launch.agent_ifi,
                      launch.user_id, launch.activity_id, launch.registration)
    # The token may be sent as the password (any user name) or as the user name with no password.
    token = find_token(password) if password else find_token(user)
    if token is None:
        raise XapiError(401, "The API token is unknown, malformed or revoked.", CHALLENGE)
    _note_use(token, method)
    return Caller(frozenset(token_scopes(token)), token.id, token.integration)


def _note_use(token: ApiToken, method: str) -> None:
    if not needs_last_used_update(token):
        return
    if method in ("GET", "HEAD", "OPTIONS"):
        with db.engine.begin() as connection:
            connection.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=utcnow()))
    else:
        token.last_used_at = utcnow()


def require_scope(scope: str) -> Caller:
    caller: Caller = g.xapi_caller
    if scope not in caller.scopes:
        raise XapiError(403, f"This credential lacks the scope {scope}.")
    return caller
