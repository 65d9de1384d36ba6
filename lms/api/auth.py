"""Bearer-token authentication of API requests and the scopes a route requires."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import g, request

from lms.api.errors import ApiError
from lms.api.models import ApiToken
from lms.api.tokens import find_token, needs_last_used_update
from lms.database import READ_ONLY_METHODS
from lms.extensions import db
from lms.timeutil import utcnow

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
# A scope that implies another (a writer may read what it writes).
IMPLIED_SCOPES = {"write:users": ("read:users",)}


def authenticate():
    """Every endpoint but the OpenAPI document needs ``Authorization: Bearer <token>``."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    challenge = {"WWW-Authenticate": 'Bearer realm="lms"'}
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "missing_token", "Send an API token: Authorization: Bearer <token>.", headers=challenge)
    token = find_token(value.strip())
    if token is None:
        raise ApiError(401, "invalid_token", "The API token is unknown, malformed or revoked.",
                       headers={"WWW-Authenticate": 'Bearer realm="lms", error="invalid_token"'})
    if needs_last_used_update(token):
        if request.method in READ_ONLY_METHODS:
            # Its own short transaction, like last-seen: a GET stays a read in the request's session.
            with db.engine.begin() as connection:
                connection.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=utcnow()))
        else:
            # A write request already holds the write lock (SQLite: BEGIN IMMEDIATE); a second
            # connection would wait for it. Recorded with the request's own changes.
            token.last_used_at = utcnow()
    g.api_token = token


def token_scopes(token: ApiToken) -> set[str]:
    scopes = set(token.scope_list)
    for scope in list(scopes):
        scopes.update(IMPLIED_SCOPES.get(scope, ()))
    return scopes


def scope_required(scope: str):
    """Decorator: the token must carry ``scope`` (403 ``insufficient_scope`` otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if scope not in token_scopes(g.api_token):
                raise ApiError(403, "insufficient_scope", f"This API token lacks the scope {scope}.",
                               headers={"WWW-Authenticate": f'Bearer realm="lms", error="insufficient_scope", '
                                                            f'scope="{scope}"'})
            return view(*args, **kwargs)

        wrapped.required_scope = scope
        return wrapped

    return decorator
