"""The statements resource: PUT, POST (single, batch, multipart with attachments) and GET."""
from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Response, current_app, jsonify, request

from lms.events import commit
from lms.timeutil import utcnow
from lms.xapi.auth import READ, WRITE, require_scope
from lms.xapi.views.blueprint import bp, current
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.formats import format_timestamp
from lms.xapi.multipart import build_multipart, parse_multipart
from lms.xapi.queries import (SINGLE, attachment_parts, formatted, parse_query, restrict_to_launch, run_query,
                              statement_by_id)
from lms.xapi.statements import parse_statements_body, store_statements

ALL_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "OPTIONS"]


@bp.route("/statements", methods=ALL_METHODS)
def statements():
    xapi = current()
    if xapi.method in ("GET", "HEAD"):
        return get_statements()
    if xapi.method == "PUT":
        return put_statement()
    if xapi.method == "POST":
        return post_statements()
    raise XapiError(405, "the statements resource takes GET, PUT and POST")


def read_body() -> tuple[object, dict]:
    """The statements (parsed JSON) and attachment parts of a JSON or multipart/mixed body."""
    xapi = current()
    content_type = xapi.headers.get("Content-Type", "")
    mimetype = content_type.split(";")[0].strip().lower()
    if mimetype == "multipart/mixed":
        first, _type, parts = parse_multipart(content_type, xapi.body)
        return parse_statements_body(first), parts
    if mimetype != "application/json":
        raise bad_request("statements are sent as application/json or multipart/mixed")
    return parse_statements_body(xapi.body), {}


def put_statement():
    caller = require_scope(WRITE)
    params = current().params
    statement_id = params.get("statementId")
    if statement_id is None:
        raise bad_request("PUT needs the statementId parameter")
    if set(params) - {"statementId"}:
        raise bad_request("PUT takes only the statementId parameter")
    statement, parts = read_body()
    if not isinstance(statement, dict):
        raise bad_request("PUT takes one statement object")
    from lms.xapi.formats import check_uuid

    check_uuid(statement_id, "statementId")
    store_statements([statement], caller, parts, statement_id=statement_id.lower())
    commit()  # acknowledged only once it is on disk
    return Response(status=204)


def post_statements():
    caller = require_scope(WRITE)
    if current().params:
        raise bad_request("POST to statements takes no parameters")
    body, parts = read_body()
    batch = body if isinstance(body, list) else [body]
    ids = store_statements(batch, caller, parts)
    commit()
    return jsonify(ids)


def get_statements():
    caller = require_scope(READ)
    xapi = current()
    params = xapi.params
    if "statementId" in params and "voidedStatementId" in params:
        raise bad_request("send statementId or voidedStatementId, not both")
    fmt = params.get("format", "exact")
    languages = [lang.split(";")[0].strip() for lang in xapi.headers.get("Accept-Language", "").split(",")
                 if lang.strip() and lang.strip() != "*"]
    with_attachments = params.get("attachments", "false") == "true"
    consistent = format_timestamp(utcnow())
    single = next((name for name in SINGLE if name in params), None)
    if single:
        extra = set(params) - {single, "format", "attachments"}
        if extra:
            raise bad_request(f"{single} cannot be combined with {', '.join(sorted(extra))}")
        parse_query({k: v for k, v in params.items() if k != single}, 1)
        row = statement_by_id(params[single], voided=single == "voidedStatementId", caller=caller)
        statement = formatted(row.statement, fmt, languages)
        response = respond(statement, [statement], with_attachments)
        response.headers["Last-Modified"] = row.stored.strftime("%a, %d %b %Y %H:%M:%S GMT")
    else:
        query = parse_query(params, int(current_app.config["XAPI_STATEMENTS_PAGE_LIMIT"]))
        restrict_to_launch(query, caller)
        rows, more = run_query(query)
        statements_out = [formatted(row.statement, fmt, languages) for row in rows]
        result = {"statements": statements_out, "more": ""}
        if more and rows:
            next_params = {k: v for k, v in params.items() if k != "page_after"}
            next_params["page_after"] = str(rows[-1].stored_seq)
            result["more"] = f"{request.script_root}/xapi/statements?{urlencode(next_params)}"
        response = respond(result, statements_out, with_attachments)
    response.headers["X-Experience-API-Consistent-Through"] = consistent
    return response


def respond(document, statements_out: list, with_attachments: bool) -> Response:
    if not with_attachments:
        return Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    body, content_type = build_multipart(document, attachment_parts(statements_out))
    return Response(body, content_type=content_type)
