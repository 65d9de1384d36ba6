"""The /xapi blueprint: credentials, the version header, CORS and the alternate request syntax.

Every request is reduced to ``g.xapi`` (method, params, headers, body), so a resource view treats a
classic request and a form-encoded ``?method=PUT`` one (xAPI 1.0.3, Communication 1.3) the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.exceptions import HTTPException

from lms.extensions import csrf, db
from lms.timeutil import utcnow
from lms.xapi.auth import authenticate
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.formats import format_timestamp

VERSION = "1.0.3"
SUPPORTED_VERSIONS = ("1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3")
PUBLIC_ENDPOINTS = frozenset({"xapi.about"})
FORM_HEADERS = ("authorization", "x-experience-api-version", "content-type", "content-length", "if-match",
                "if-none-match")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "HEAD, GET, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Content-Length, Authorization, If-Match, If-None-Match, "
                                    "X-Experience-API-Version, Accept-Language",
    "Access-Control-Expose-Headers": "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, "
                                     "WWW-Authenticate, X-Experience-API-Version, "
                                     "X-Experience-API-Consistent-Through",
}

bp = Blueprint("xapi", __name__, url_prefix="/xapi")
# Credentials come in the Authorization header, never from cookies: there is nothing to forge.
csrf.exempt(bp)


@dataclass
class XapiRequest:
    method: str
    params: MultiDict
    headers: Headers
    body: bytes


def current() -> XapiRequest:
    return g.xapi


def read_request() -> XapiRequest:
    if "method" not in request.args:
        return XapiRequest(request.method, request.args, request.headers, request.get_data(cache=True))
    if request.method != "POST":
        raise bad_request("the alternate request syntax (?method=) needs POST")
    if len(request.args) != 1:
        raise bad_request("with ?method=, every other parameter goes in the form body")
    if request.mimetype != "application/x-www-form-urlencoded":
        raise bad_request("the alternate request syntax needs an application/x-www-form-urlencoded body")
    method = request.args["method"].upper()
    if method not in ("GET", "HEAD", "PUT", "POST", "DELETE"):
        raise bad_request("method must be GET, HEAD, PUT, POST or DELETE")
    # Real headers count too; form fields named like headers override them. The content is JSON
    # unless the form says otherwise.
    headers, params, body = Headers(request.headers), MultiDict(), b""
    headers["Content-Type"] = "application/json"
    for name, value in request.form.items(multi=True):
        if name.lower() in FORM_HEADERS:
            headers[name] = value
        elif name == "content":
            body = value.encode("utf-8")
        else:
            params.add(name, value)
    return XapiRequest(method, params, headers, body)


@bp.before_request
def prepare():
    if request.method == "OPTIONS":
        return Response(status=200)  # CORS pre-flight: the headers are added below, no credential needed
    g.xapi = None
    g.xapi = read_request()
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    g.xapi_caller = authenticate(g.xapi.headers.get("Authorization", ""), g.xapi.method)
    version = g.xapi.headers.get("X-Experience-API-Version")
    if version is None:
        raise bad_request("send the X-Experience-API-Version header")
    if version.strip() not in SUPPORTED_VERSIONS:
        raise bad_request(f"X-Experience-API-Version {version!r} is not supported; this LRS speaks {VERSION}")
    return None


@bp.after_request
def add_headers(response):
    response.headers["X-Experience-API-Version"] = VERSION
    for name, value in CORS_HEADERS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Cache-Control", "no-store")
    xapi = g.get("xapi")
    if request.endpoint == "xapi.statements" and (xapi.method if xapi else request.method) in ("GET", "HEAD"):
        # Every statements GET says up to when its answer is complete, errors included.
        response.headers.setdefault("X-Experience-API-Consistent-Through", format_timestamp(utcnow()))
    return response


@bp.errorhandler(XapiError)
def refuse(error: XapiError):
    db.session.rollback()
    response = jsonify({"error": {"message": error.message}})
    response.status_code = error.status
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


@bp.errorhandler(HTTPException)
def refuse_http(error: HTTPException):
    db.session.rollback()
    return jsonify({"error": {"message": error.description or error.name}}), error.code
