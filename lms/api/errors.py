"""The API's refusals: ``ApiError`` and the JSON error body every failed request gets."""
from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from lms.extensions import db

HTTP_ERROR_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


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


def handle_api_error(error: ApiError):
    db.session.rollback()
    response = jsonify(error_body(error.code, error.message, error.fields))
    response.status_code = error.status
    for name, value in (error.headers or {}).items():
        response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException):
    code = HTTP_ERROR_CODES.get(error.code, f"http_{error.code}")
    return jsonify(error_body(code, error.description or error.name)), error.code
