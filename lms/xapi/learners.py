"""How the portal names its own users and activities in xAPI statements."""
from __future__ import annotations

from flask import current_app

from lms.certificates.runtime import base_url_from_config


def portal_base_url() -> str:
    """The portal's public address, ending with ``/`` (the same in a request and in the worker)."""
    return base_url_from_config(current_app.config)


def learner_agent(user) -> dict:
    """A user as an xAPI Agent: an account on the portal, keyed by the stable user id (no e-mail leaks)."""
    return {"objectType": "Agent", "name": user.name,
            "account": {"homePage": portal_base_url(), "name": str(user.id)}}


def activity_iri(kind: str, *ids) -> str:
    """``<base>xapi/activities/<kind>/<id>/…``: stable IRIs of the portal's courses, lessons and quizzes."""
    return portal_base_url() + "xapi/activities/" + "/".join([kind, *map(str, ids)])
