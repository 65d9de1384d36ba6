"""``/metrics`` (Prometheus, bearer token) and ``/readyz`` (readiness for load balancers)."""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST

bp = Blueprint("observability", __name__)


def token_matches(header: str, token) -> bool:
    scheme, _, supplied = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not supplied.strip():
        return False
    return hmac.compare_digest(supplied.strip().encode(), str(token).encode())


@bp.route("/metrics")
def metrics():
    """The Prometheus exposition; only with ``Authorization: Bearer <METRICS_TOKEN>`` (none set: nobody)."""
    from lms.observability.metrics import render_latest
    from lms.web import ERROR_MESSAGES, error_response

    if not token_matches(request.headers.get("Authorization", ""), current_app.config.get("METRICS_TOKEN")):
        body, status = error_response(401, ERROR_MESSAGES[401])
        response = current_app.make_response((body, status))
        response.headers["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return Response(render_latest(current_app._get_current_object()), content_type=CONTENT_TYPE_LATEST)


@bp.route("/readyz")
def readyz():
    """200 ``{"status": "ready", ...checks}`` or 503 ``{"status": "not ready", ...}`` naming what failed."""
    from lms.observability.readiness import readiness

    ready, checks = readiness()
    response = jsonify({"status": "ready" if ready else "not ready", "checks": checks})
    response.status_code = 200 if ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
