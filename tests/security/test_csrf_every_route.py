"""Every state-changing route refuses a request without a CSRF token, whoever sends it."""
import re

import pytest

from lms.extensions import csrf

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that may take writes without a CSRF token, each with the reason.
CSRF_EXEMPT = {
    "api": "bearer-token JSON API: no cookies are used, so there is nothing to forge",
    "xapi": "the LRS takes HTTP Basic credentials only (cookie sessions never authenticate it): nothing to forge",
    "sso.jwt_login": "the signed, single-use JWT is itself the proof of intent",
    "elearning.fetch": "cmi5's fetch URL: called by the AU from the content origin; the one-time random token is the proof",
}


def sample_url(rule) -> str:
    """The rule's URL with every variable filled by a harmless sample value."""
    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


def write_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.methods & WRITE_METHODS]


def is_exempt(app, rule) -> bool:
    view = app.view_functions[rule.endpoint]
    blueprint = rule.endpoint.rsplit(".", 1)[0] if "." in rule.endpoint else None
    exempt_views = getattr(csrf, "_exempt_views", set())
    exempt_blueprints = {getattr(bp, "name", bp) for bp in getattr(csrf, "_exempt_blueprints", set())}
    name = f"{view.__module__}.{view.__name__}"
    return name in exempt_views or blueprint in exempt_blueprints


def test_only_documented_routes_are_exempt(app):
    exempt = {rule.endpoint for rule in write_rules(app) if is_exempt(app, rule)}
    undocumented = {e for e in exempt if e not in CSRF_EXEMPT and e.split(".")[0] not in CSRF_EXEMPT}
    assert undocumented == set()


def test_every_write_route_refuses_a_missing_token(app, login_as):
    client = login_as("admin")
    checked = 0
    for rule in write_rules(app):
        if is_exempt(app, rule):
            continue
        for method in sorted(rule.methods & WRITE_METHODS):
            response = client.open(sample_url(rule), method=method, data={"anything": "1"})
            assert response.status_code == 400, f"{method} {rule.rule} answered {response.status_code}"
            checked += 1
    assert checked >= 5
