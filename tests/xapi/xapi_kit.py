"""Helpers for the LRS tests: credentials as HTTP Basic headers, and statements to send."""
from __future__ import annotations

import base64
import uuid

from lms.testing import api_token

VERSION = {"X-Experience-API-Version": "1.0.3"}


def basic(user: str, password: str) -> dict:
    value = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {value}", **VERSION}


def token_headers(app, *scopes, integration="host-portal") -> dict:
    return basic(integration, api_token(app, *scopes, integration=integration, name="xapi test"))


def statement(actor="mailto:ann@example.com", verb="http://adlnet.gov/expapi/verbs/experienced",
              activity="http://example.com/activities/1", **extra) -> dict:
    body = {"actor": {"objectType": "Agent", "mbox": actor}, "verb": {"id": verb, "display": {"en-US": "did"}},
            "object": {"objectType": "Activity", "id": activity}}
    body.update(extra)
    return body


def new_id() -> str:
    return str(uuid.uuid4())
