"""POST /xapi/launch-credentials: an integration mints a package's short-lived, learner-bound credential."""
from __future__ import annotations

from flask import current_app, jsonify, request

from lms.bounds import parse_id
from lms.events import commit
from lms.xapi.auth import WRITE, require_scope
from lms.xapi.views.blueprint import bp, current
from lms.xapi.credentials import mint_launch_credential
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.formats import format_timestamp
from lms.xapi.statements import parse_statements_body


@bp.route("/launch-credentials", methods=["POST", "OPTIONS"])
def launch_credentials():
    caller = require_scope(WRITE)
    if caller.is_launch:
        raise XapiError(403, "A launch credential cannot mint credentials.")
    xapi = current()
    if xapi.method != "POST":
        raise XapiError(405, "launch credentials are minted with POST")
    body = parse_statements_body(xapi.body)
    if not isinstance(body, dict):
        raise bad_request("send a JSON object: user_id, activityId, registration, lifetime_seconds")
    user_id = parse_id(body.get("user_id")) if isinstance(body.get("user_id"), (int, str)) else None
    if user_id is None:
        raise bad_request("user_id must be a portal user id")
    lifetime = body.get("lifetime_seconds", int(current_app.config["XAPI_LAUNCH_CREDENTIAL_SECONDS"]))
    credential = mint_launch_credential(user_id=user_id, activity_id=body.get("activityId"),
                                        registration=body.get("registration"), lifetime_seconds=lifetime,
                                        token_id=caller.token_id)
    commit()
    response = jsonify({"endpoint": request.host_url.rstrip("/") + request.script_root + "/xapi/",
                        "username": credential.username, "password": credential.password,
                        "authorization": credential.authorization, "actor": credential.actor,
                        "activityId": credential.activity_id, "registration": credential.registration,
                        "expires_at": format_timestamp(credential.expires_at)})
    response.status_code = 201
    return response
