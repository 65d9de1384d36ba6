"""The OpenAPI 3.1 description of API v1, written by hand; a schemathesis test keeps it true."""
from __future__ import annotations

from lms.api.models import SCOPES

ERROR_CODES = ("missing_token", "invalid_token", "insufficient_scope", "not_found", "missing_parameter",
               "invalid_parameter", "invalid_cursor", "invalid_json", "validation_failed", "email_taken",
               "staff_account", "account_exists", "link_unconfirmed", "email_locked", "conflict", "bad_request",
               "method_not_allowed", "payload_too_large")

ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}
PERCENT = {"type": ["number", "null"]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def _error_response(description: str) -> dict:
    return {"description": description, "content": _json(_ref("Error"))}


def _list_of(name: str) -> dict:
    return {"type": "object", "required": ["data", "next_cursor"], "additionalProperties": False,
            "properties": {"data": {"type": "array", "items": _ref(name)},
                           "next_cursor": {"type": ["string", "null"],
                                           "description": "Pass as cursor for the next page; null on the last."}}}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


PAGING = [
    _query("limit", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "Page size."),
    _query("cursor", {"type": "string"}, "The next_cursor of the previous page (opaque)."),
]


def _operation(summary: str, scope: str, ok: dict, *, parameters=(), body=None, not_found=False,
               extra: dict | None = None) -> dict:
    responses = {
        "400": _error_response("Bad input (invalid parameter, cursor or JSON)."),
        "401": _error_response("Missing, unknown or revoked token."),
        "403": _error_response(f"The token lacks the scope {scope}."),
    }
    responses.update(ok)
    if not_found:
        responses["404"] = _error_response("No such object.")
    responses.update(extra or {})
    operation = {"summary": summary, "security": [{"bearer": [scope]}], "parameters": list(parameters),
                 "responses": responses, "description": f"Needs the scope `{scope}`."}
    if body is not None:
        operation["requestBody"] = body
    return operation


def _path_id(name: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": ID}


EXTERNAL_ID = {"name": "external_id", "in": "path", "required": True,
               "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                          "pattern": "^[^\\u0000-\\u0020\\u007f-\\u009f][^\\u0000-\\u001f\\u007f-\\u009f]*$"},
               "description": "Your integration's id of the person: up to 200 characters, no control characters, "
                              "not starting with a space (URL-encode it; 400 invalid_parameter otherwise)."}

SCHEMAS = {
    "Error": {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["code", "message"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable: " + ", ".join(ERROR_CODES) + "."},
                "message": {"type": "string", "description": "For people (English)."},
                "fields": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "Per-field problems (validation_failed)."},
            }}},
    },
    "Dealer": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "name", "tax_id", "tier", "region", "active", "created_at"],
        "properties": {"id": ID, "name": {"type": "string"}, "tax_id": {"type": ["string", "null"]},
                       "tier": {"type": "string"}, "region": {"type": "string"}, "active": {"type": "boolean"},
                       "created_at": DATETIME},
    },
    "User": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "email", "name", "role", "dealer_id", "locale", "active", "created_at", "external_id"],
        "properties": {
            "id": ID, "email": {"type": "string"}, "name": {"type": "string"},
            "role": {"enum": ["learner", "dealer_admin", "author", "manager", "admin"]},
            "dealer_id": {"type": ["integer", "null"]}, "locale": {"enum": ["ru", "en", None]},
            "active": {"type": "boolean"}, "created_at": DATETIME,
            "external_id": {"type": ["string", "null"], "description": "Your integration's id, if linked."},
        },
    },
    "UserUpsert": {
        "type": "object", "required": ["email", "name", "dealer_id"],
        "properties": {
            "email": {"type": "string", "format": "email", "maxLength": 254,
                      "description": "Checked like the sign-in form: special-use domains (.test, .local …) "
                                     "are refused with 422."},
            "name": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S",
                     "description": "Not blank; surrounding spaces are removed."},
            "dealer_id": ID,
            "role": {"enum": ["learner", "dealer_admin"], "default": "learner"},
            "locale": {"enum": ["ru", "en", None]},
            "active": {"type": "boolean", "default": True},
        },
        "description": "email, name and dealer_id are always set. role, locale and active take their defaults "
                       "for a new user and keep their values on an update when left out. A new external id "
                       "creates a user; an existing account is never adopted because its email matches (409 "
                       "account_exists): an administrator links it to your external id first.",
    },
    "Progress": {
        "type": "object", "additionalProperties": False,
        "required": ["user_id", "course_id", "course_slug", "course_title", "course_version", "required_lessons",
                     "completed_lessons", "percent", "completed", "completed_current_version", "completed_version",
                     "completed_at", "score_percent"],
        "properties": {
            "user_id": ID, "course_id": ID, "course_slug": {"type": ["string", "null"]},
            "course_title": {"type": ["string", "null"]}, "course_version": {"type": ["integer", "null"]},
            "required_lessons": {"type": "integer", "minimum": 0},
            "completed_lessons": {"type": "integer", "minimum": 0},
            "percent": {"type": "number", "minimum": 0, "maximum": 100},
            "completed": {"type": "boolean", "description": "Any version of the course was completed."},
            "completed_current_version": {"type": "boolean"},
            "completed_version": {"type": ["integer", "null"]}, "completed_at": NULLABLE_DATETIME,
            "score_percent": PERCENT,
        },
    },
    "QuizResult": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "quiz_id", "quiz_title", "course_id", "user_id", "number", "started_at", "finished_at",
                     "percent", "passed", "needs_grading"],
        "properties": {
            "id": ID, "quiz_id": ID, "quiz_title": {"type": "string"}, "course_id": {"type": ["integer", "null"]},
            "user_id": ID, "number": {"type": "integer"}, "started_at": DATETIME, "finished_at": NULLABLE_DATETIME,
            "percent": PERCENT, "passed": {"type": ["boolean", "null"]}, "needs_grading": {"type": "boolean"},
        },
    },
    "Certificate": {
        "type": "object", "additionalProperties": False,
        "required": ["id", "serial", "code", "user_id", "course_id", "learning_path_id", "course_version",
                     "course_title", "learner_name",
                     "dealer_id", "dealer_name", "score_percent", "status", "issued_at", "expires_at", "revoked_at",
                     "revoke_reason", "updated_at", "verify_url"],
        "properties": {
            "id": ID, "serial": {"type": "string"}, "code": {"type": "string"}, "user_id": ID,
            # A learning path's certificate names its path and no course (course_title is the path's title).
            "course_id": {"type": ["integer", "null"]}, "learning_path_id": {"type": ["integer", "null"]},
            "course_version": {"type": "integer"}, "course_title": {"type": "string"},
            "learner_name": {"type": "string"}, "dealer_id": {"type": ["integer", "null"]},
            "dealer_name": {"type": ["string", "null"]}, "score_percent": PERCENT,
            "status": {"enum": ["valid", "expired", "revoked"]}, "issued_at": DATETIME,
            "expires_at": NULLABLE_DATETIME, "revoked_at": NULLABLE_DATETIME,
            "revoke_reason": {"type": ["string", "null"]}, "updated_at": DATETIME,
            "verify_url": {"type": "string", "format": "uri"},
        },
    },
}

FILTER_USER = _query("user_id", ID, "Only this user.")
FILTER_COURSE = _query("course_id", ID, "Only this course.")
FILTER_DEALER = _query("dealer_id", ID, "Only users of this dealer.")


def openapi_document() -> dict:
    """A fresh dict each call (callers may mutate it)."""
    user_body = {"required": True, "content": _json(_ref("UserUpsert"))}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Dealer learning portal API", "version": "1.0.0",
                 "description": "Read dealers, users, progress, quiz results and certificates; create and "
                                "update users by your own ids. Authenticate with `Authorization: Bearer <token>`; "
                                "admins issue tokens with scopes. Errors are `{\"error\": {\"code\", \"message\"}}`. "
                                "Lists are ordered and paged with an opaque `next_cursor`."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "Scopes: " + ", ".join(SCOPES)}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/dealers": {"get": _operation("List dealers", "read:dealers",
                                           {"200": {"description": "Dealers by id.", "content": _json(_list_of("Dealer"))}},
                                           parameters=PAGING)},
            "/dealers/{dealer_id}": {"get": _operation(
                "Get a dealer", "read:dealers", {"200": {"description": "The dealer.", "content": _json(_ref("Dealer"))}},
                parameters=[_path_id("dealer_id")], not_found=True)},
            "/users": {"get": _operation(
                "List users", "read:users", {"200": {"description": "Users by id.", "content": _json(_list_of("User"))}},
                parameters=[*PAGING, FILTER_DEALER, _query("email", {"type": "string"}, "Exact email.")])},
            "/users/{user_id}": {"get": _operation(
                "Get a user", "read:users", {"200": {"description": "The user.", "content": _json(_ref("User"))}},
                parameters=[_path_id("user_id")], not_found=True)},
            "/users/by-external-id/{external_id}": {
                "get": _operation("Get a user by your external id", "read:users",
                                  {"200": {"description": "The user.", "content": _json(_ref("User"))}},
                                  parameters=[EXTERNAL_ID], not_found=True),
                "put": _operation(
                    "Create or update a user by your external id", "write:users",
                    {"200": {"description": "Updated.", "content": _json(_ref("User"))},
                     "201": {"description": "Created (and linked to the external id).", "content": _json(_ref("User"))}},
                    parameters=[EXTERNAL_ID], body=user_body, not_found=True,
                    extra={"409": _error_response(
                        "Refused, nothing changed; error.code says why. Your integration may create users and "
                        "update only those it created or an administrator linked to your external ids. "
                        "account_exists: the email belongs to an account your integration does not manage "
                        "(ask an administrator to link it). email_taken: another user (or another external id "
                        "of yours) has the email. staff_account: authors, managers and admins are never "
                        "managed by the API. link_unconfirmed: the external id was matched to an existing "
                        "user by email before links needed an administrator, who must confirm it. "
                        "email_locked: the user signs in with a password and your integration did not create "
                        "them, so it cannot change their email. conflict: a concurrent request; retry."),
                           "422": _error_response("Invalid fields (see error.fields).")}),
            },
            "/progress": {"get": _operation(
                "Course progress", "read:progress",
                {"200": {"description": "One row per user and course started or completed, by (user_id, course_id).",
                         "content": _json(_list_of("Progress"))}},
                parameters=[*PAGING, FILTER_USER, FILTER_COURSE, FILTER_DEALER])},
            "/quiz-results": {"get": _operation(
                "Quiz results (finished attempts)", "read:progress",
                {"200": {"description": "Finished attempts by id.", "content": _json(_list_of("QuizResult"))}},
                parameters=[*PAGING, FILTER_USER, FILTER_COURSE, FILTER_DEALER,
                            _query("quiz_id", ID, "Only this quiz."),
                            _query("finished_since", DATETIME, "Attempts finished at or after this time.")])},
            "/certificates": {"get": _operation(
                "List certificates", "read:certificates",
                {"200": {"description": "Ordered by (updated_at, id): poll with updated_since.",
                         "content": _json(_list_of("Certificate"))}},
                parameters=[*PAGING, _query("dealer_id", ID, "Only this dealer."), FILTER_USER, FILTER_COURSE,
                            _query("learning_path_id", ID, "Only this learning path's certificates."),
                            _query("updated_since", DATETIME, "Changed at or after this time (ISO 8601).")])},
            "/certificates/{certificate_id}": {"get": _operation(
                "Get a certificate", "read:certificates",
                {"200": {"description": "The certificate.", "content": _json(_ref("Certificate"))}},
                parameters=[_path_id("certificate_id")], not_found=True)},
        },
    }
