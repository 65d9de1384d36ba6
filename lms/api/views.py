"""JSON API v1: the blueprint, bearer-token authentication, scopes and JSON errors."""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, g, jsonify, request
from werkzeug.exceptions import HTTPException

from lms.api.models import ApiToken
from lms.api.tokens import find_token, needs_last_used_update
from lms.database import READ_ONLY_METHODS
from lms.extensions import csrf, db
from lms.timeutil import utcnow

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Host systems authenticate with a bearer token, not a browser session: CSRF does not apply.
csrf.exempt(bp)

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})
# A scope that implies another (a writer may read what it writes).
IMPLIED_SCOPES = {"write:users": ("read:users",)}


class ApiError(Exception):
    """An API refusal with a stable machine-readable ``code`` and an English human message."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, headers=None):
        super().__init__(message)
        self.status, self.code, self.message, self.fields, self.headers = status, code, message, fields, headers


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


@bp.errorhandler(ApiError)
def handle_api_error(error: ApiError):
    db.session.rollback()
    response = jsonify(error_body(error.code, error.message, error.fields))
    response.status_code = error.status
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


@bp.errorhandler(HTTPException)
def handle_http_exception(error: HTTPException):
    codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}
    code = codes.get(error.code, f"http_{error.code}")
    return jsonify(error_body(code, error.description or error.name)), error.code


@bp.before_request
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


@bp.get("/openapi.json")
def openapi():
    from lms.api.openapi import openapi_document

    return jsonify(openapi_document())


# The resource modules add their routes to ``bp`` when imported.
from lms.api import resources_learning, resources_people  # noqa: E402,F401
