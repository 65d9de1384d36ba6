"""Launch credentials: minted for one learner and activity, short-lived, and held to that scope."""
import json
from datetime import timedelta
from urllib.parse import urlencode

import sqlalchemy as sa

from lms.auth.models import User
from lms.events import commit
from lms.extensions import db
from lms.testing import DEMO_EMAILS
from lms.xapi.models import XapiLaunchCredential
from xapi_kit import VERSION, basic, new_id, token_headers

PACKAGE = "https://packages.example.com/golf"


def learner_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))


def mint(client, app, **extra):
    writer = token_headers(app, "xapi:read", "xapi:write", integration="launcher")
    response = client.post("/xapi/launch-credentials", headers=writer,
                           json={"user_id": learner_id(app), "activityId": PACKAGE, **extra})
    assert response.status_code == 201, response.json
    return response.json


def test_minting_needs_a_write_token(app, client, demo):
    reader = token_headers(app, "xapi:read", integration="reader")
    body = {"user_id": learner_id(app), "activityId": PACKAGE}
    assert client.post("/xapi/launch-credentials", headers=reader, json=body).status_code == 403
    assert client.post("/xapi/launch-credentials", headers=VERSION, json=body).status_code == 401
    writer = token_headers(app, "xapi:write", integration="writer")
    assert client.post("/xapi/launch-credentials", headers=writer,
                       json={"user_id": 987654, "activityId": PACKAGE}).status_code == 400
    assert client.post("/xapi/launch-credentials", headers=writer,
                       json={**body, "lifetime_seconds": 10 ** 9}).status_code == 400


def test_a_launch_credential_writes_and_reads_only_its_learner_and_activity(app, client, demo):
    credential = mint(client, app)
    headers = basic(credential["username"], credential["password"])
    actor = credential["actor"]
    own = {"actor": actor, "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
           "object": {"id": PACKAGE + "/hole-1"}}
    assert client.post("/xapi/statements", json=own, headers=headers).status_code == 200
    someone_else = {**own, "actor": {"mbox": "mailto:other@example.com"}}
    assert client.post("/xapi/statements", json=someone_else, headers=headers).status_code == 403
    other_activity = {**own, "object": {"id": "https://packages.example.com/golfer"}}
    assert client.post("/xapi/statements", json=other_activity, headers=headers).status_code == 403
    # The host system's statement about another learner stays invisible to the package.
    host = token_headers(app, "xapi:read", "xapi:write")
    client.post("/xapi/statements", json=someone_else, headers=host)
    seen = client.get("/xapi/statements", headers=headers).json["statements"]
    assert [s["actor"]["account"] for s in seen] == [actor["account"]]
    agent = json.dumps({"mbox": "mailto:other@example.com"})
    assert client.get("/xapi/statements?" + urlencode({"agent": agent}), headers=headers).status_code == 403
    own_state = "/xapi/activities/state?" + urlencode({"activityId": PACKAGE, "agent": json.dumps(actor),
                                                       "stateId": "s"})
    assert client.put(own_state, json={"x": 1}, headers=headers).status_code == 204
    other_state = "/xapi/activities/state?" + urlencode({"activityId": PACKAGE, "agent": agent, "stateId": "s"})
    assert client.put(other_state, json={"x": 1}, headers=headers).status_code == 403
    profile = "/xapi/activities/profile?" + urlencode({"activityId": PACKAGE, "profileId": "p"})
    assert client.put(profile, json={}, headers={**headers, "If-None-Match": "*"}).status_code == 403
    assert client.post("/xapi/launch-credentials", json={"user_id": 1, "activityId": PACKAGE},
                       headers=headers).status_code == 403


def test_registration_is_enforced_and_credentials_expire(app, client, demo):
    registration = new_id()
    credential = mint(client, app, registration=registration, lifetime_seconds=60)
    headers = basic(credential["username"], credential["password"])
    body = {"actor": credential["actor"], "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": PACKAGE}}
    assert client.post("/xapi/statements", json=body, headers=headers).status_code == 403
    body["context"] = {"registration": registration}
    assert client.post("/xapi/statements", json=body, headers=headers).status_code == 200
    assert client.get("/xapi/statements", headers=basic(credential["username"], "wrong")).status_code == 401
    with app.app_context():
        row = db.session.scalar(sa.select(XapiLaunchCredential))
        row.expires_at -= timedelta(seconds=61)
        commit()
    assert client.get("/xapi/statements", headers=headers).status_code == 401


def test_the_cli_mints_a_working_credential(app, client, runner, demo):
    result = runner.invoke(args=["xapi", "launch-credential", str(learner_id(app)), PACKAGE, "--seconds", "120"])
    assert result.exit_code == 0, result.output
    username, password = result.output.split()[0].split(":", 1)
    assert client.get("/xapi/statements", headers=basic(username, password)).status_code == 200
    refused = runner.invoke(args=["xapi", "launch-credential", str(learner_id(app)), "not an iri"])
    assert refused.exit_code != 0 and "activityId" in refused.output
