"""JSON API v1 routes: the OpenAPI document here, the resources in resources_*.py. Importing this
module puts every route on ``bp``, which lms.api.hooks registers."""
from __future__ import annotations

from flask import jsonify

from lms.api import resources_learning, resources_people  # noqa: F401  (their routes go on bp)
from lms.api.blueprint import bp


@bp.get("/openapi.json")
def openapi():
    from lms.api.openapi import openapi_document

    return jsonify(openapi_document())
