"""The document resources (state, activity and agent profiles), /activities, /agents and /about."""
from __future__ import annotations

import json

from flask import Response, jsonify

from lms.events import commit
from lms.extensions import db
from lms.xapi import documents as docs
from lms.xapi.agents import agent_ifi, person_object
from lms.xapi.auth import READ, WRITE, require_scope
from lms.xapi.views.blueprint import VERSION, bp, current
from lms.xapi.credentials import covers_activity
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.formats import check_iri, is_uuid, parse_timestamp
from lms.xapi.models import XapiActivity
from lms.xapi.queries import parse_agent_param
from lms.xapi.views.statements import ALL_METHODS


def param(name: str, *, required: bool = True) -> str | None:
    value = current().params.get(name)
    if value is None and required:
        raise bad_request(f"the {name} parameter is required")
    return value


def only_params(*allowed: str) -> None:
    unknown = sorted(set(current().params) - set(allowed))
    if unknown:
        raise bad_request(f"unknown parameters: {', '.join(unknown)}")


def activity_param() -> str:
    value = param("activityId")
    check_iri(value, "activityId")
    return value


def scoped_caller(method: str, *, activity: str | None = None, agent: str | None = None, read_only=False):
    caller = require_scope(READ if method in ("GET", "HEAD") else WRITE)
    if caller.is_launch:
        if read_only and method not in ("GET", "HEAD"):
            raise XapiError(403, "A launch credential may not change this document.")
        if agent is not None and agent != caller.learner_ifi:
            raise XapiError(403, "A launch credential reaches only its own learner's documents.")
        if activity is not None and not covers_activity(caller.activity_id, activity):
            raise XapiError(403, "A launch credential reaches only its own activity's documents.")
    return caller


def document_resource(key: docs.DocumentKey, id_name: str, *, profile: bool):
    """GET (one or the id list), PUT, POST (JSON merge) and DELETE of the documents under ``key``."""
    xapi = current()
    method = xapi.method
    document_id = param(id_name, required=method in ("PUT", "POST") or (profile and method == "DELETE"))
    if method in ("GET", "HEAD"):
        if document_id is None:
            since = param("since", required=False)
            moment = None
            if since is not None:
                moment = parse_timestamp(since)
                if moment is None:
                    raise bad_request("since must be an ISO 8601 timestamp")
                moment = moment.replace(tzinfo=None)
            return jsonify(docs.list_document_ids(key, moment))
        if "since" in xapi.params:
            raise bad_request("since is only for the list of document ids")
        row = docs.find_document(key, document_id)
        if row is None:
            raise XapiError(404, "no such document")
        response = Response(row.content, content_type=row.content_type)
        response.headers["ETag"] = f'"{row.etag}"'
        response.headers["Last-Modified"] = row.updated.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return response
    if method == "DELETE":
        existing = docs.find_document(key, document_id) if document_id is not None else None
        docs.check_preconditions(existing, xapi.headers.get("If-Match"), None, require=False) \
            if document_id is not None and xapi.headers.get("If-Match") else None
        docs.delete_documents(key, document_id)
        commit()
        return Response(status=204)
    if method not in ("PUT", "POST"):
        raise XapiError(405, "documents take GET, PUT, POST and DELETE")
    existing = docs.find_document(key, document_id)
    if_match, if_none_match = xapi.headers.get("If-Match"), xapi.headers.get("If-None-Match")
    docs.check_preconditions(existing, if_match, if_none_match, require=profile and method == "PUT")
    if profile and method == "PUT" and existing is None and if_match is None and if_none_match is None:
        raise bad_request("a profile is written with If-Match (its ETag) or If-None-Match: *")
    content_type = xapi.headers.get("Content-Type", "application/octet-stream")
    if method == "PUT":
        if content_type.split(";")[0].strip().lower() == docs.JSON_TYPE:
            try:
                json.loads(xapi.body)
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise bad_request("the document is sent as application/json but is not valid JSON") from None
        row = docs.put_document(key, document_id, xapi.body, content_type)
    else:
        row = docs.merge_document(key, document_id, xapi.body, content_type)
    commit()
    response = Response(status=204)
    response.headers["ETag"] = f'"{row.etag}"'
    return response


@bp.route("/activities/state", methods=ALL_METHODS)
def state():
    only_params("activityId", "agent", "registration", "stateId", "since")
    activity = activity_param()
    agent = agent_ifi(parse_agent_param(param("agent")))
    registration = param("registration", required=False)
    if registration is not None and not is_uuid(registration):
        raise bad_request("registration must be a UUID")
    scoped_caller(current().method, activity=activity, agent=agent)
    key = docs.DocumentKey(docs.STATE, activity, agent, (registration or "").lower())
    return document_resource(key, "stateId", profile=False)


@bp.route("/activities/profile", methods=ALL_METHODS)
def activity_profile():
    only_params("activityId", "profileId", "since")
    activity = activity_param()
    scoped_caller(current().method, activity=activity, read_only=True)
    return document_resource(docs.DocumentKey(docs.ACTIVITY_PROFILE, activity_id=activity), "profileId",
                             profile=True)


@bp.route("/agents/profile", methods=ALL_METHODS)
def agent_profile():
    only_params("agent", "profileId", "since")
    agent = agent_ifi(parse_agent_param(param("agent")))
    scoped_caller(current().method, agent=agent)
    return document_resource(docs.DocumentKey(docs.AGENT_PROFILE, agent_ifi=agent), "profileId", profile=True)


@bp.route("/activities", methods=["GET", "HEAD", "POST", "OPTIONS"])
def activities():
    if current().method not in ("GET", "HEAD"):
        raise XapiError(405, "the activities resource takes GET")
    only_params("activityId")
    activity = activity_param()
    scoped_caller("GET", activity=activity)
    row = db.session.get(XapiActivity, activity) if len(activity) <= 1000 else None
    body = {"objectType": "Activity", "id": activity}
    if row is not None:
        body["definition"] = row.definition
    return jsonify(body)


@bp.route("/agents", methods=["GET", "HEAD", "POST", "OPTIONS"])
def agents():
    if current().method not in ("GET", "HEAD"):
        raise XapiError(405, "the agents resource takes GET")
    only_params("agent")
    agent = parse_agent_param(param("agent"))
    scoped_caller("GET", agent=agent_ifi(agent))
    return jsonify(person_object(agent))


@bp.route("/about", methods=["GET", "HEAD", "OPTIONS"])
def about():
    return jsonify({"version": [VERSION, "1.0.2", "1.0.1", "1.0.0"]})
