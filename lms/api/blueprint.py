"""The /api/v1 blueprint: bearer tokens instead of sessions, and JSON errors. Route modules add to it."""
from flask import Blueprint
from werkzeug.exceptions import HTTPException

from lms.api.auth import authenticate
from lms.api.errors import ApiError, handle_api_error, handle_http_exception
from lms.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Host systems authenticate with a bearer token, not a browser session: CSRF does not apply.
csrf.exempt(bp)
bp.register_error_handler(ApiError, handle_api_error)
bp.register_error_handler(HTTPException, handle_http_exception)
bp.before_request(authenticate)
