"""State, activity profile and agent profile documents: storage, JSON merge and ETag concurrency."""
import hashlib
import json
from urllib.parse import urlencode

import pytest

from xapi_kit import token_headers

AGENT = json.dumps({"mbox": "mailto:ann@example.com"})
ACTIVITY = "http://example.com/activities/1"


@pytest.fixture
def rw(app):
    return token_headers(app, "xapi:read", "xapi:write")


def url(path, **params):
    return f"/xapi/{path}?{urlencode(params)}"


def test_state_put_get_merge_list_delete(client, rw):
    state = url("activities/state", activityId=ACTIVITY, agent=AGENT, stateId="bookmark")
    assert client.put(state, data=b'{"page": 1}', headers={**rw, "Content-Type": "application/json"}).status_code == 204
    got = client.get(state, headers=rw)
    assert got.json == {"page": 1} and got.headers["ETag"] == '"%s"' % hashlib.sha1(b'{"page": 1}').hexdigest()
    assert client.post(state, json={"score": 3}, headers=rw).status_code == 204
    assert client.get(state, headers=rw).json == {"page": 1, "score": 3}
    listing = client.get(url("activities/state", activityId=ACTIVITY, agent=AGENT), headers=rw)
    assert listing.json == ["bookmark"]
    assert client.delete(state, headers=rw).status_code == 204
    assert client.get(state, headers=rw).status_code == 404


def test_merging_into_a_non_json_document_is_refused(client, rw):
    state = url("activities/state", activityId=ACTIVITY, agent=AGENT, stateId="blob")
    client.put(state, data=b"raw bytes", headers={**rw, "Content-Type": "application/octet-stream"})
    assert client.post(state, json={"a": 1}, headers=rw).status_code == 400
    assert client.get(state, headers=rw).data == b"raw bytes"


def test_profile_concurrency(client, rw):
    profile = url("activities/profile", activityId=ACTIVITY, profileId="settings")
    json_type = {**rw, "Content-Type": "application/json"}
    assert client.put(profile, data=b'{"v": 1}', headers=json_type).status_code == 400  # neither header
    assert client.put(profile, data=b'{"v": 1}', headers={**json_type, "If-None-Match": "*"}).status_code == 204
    etag = client.get(profile, headers=rw).headers["ETag"]
    assert client.put(profile, data=b'{"v": 2}', headers=json_type).status_code == 409
    assert client.put(profile, data=b'{"v": 2}', headers={**json_type, "If-None-Match": "*"}).status_code == 412
    assert client.put(profile, data=b'{"v": 2}', headers={**json_type, "If-Match": '"nope"'}).status_code == 412
    assert client.put(profile, data=b'{"v": 2}', headers={**json_type, "If-Match": etag}).status_code == 204
    assert client.get(profile, headers=rw).json == {"v": 2}


def test_agent_profile_activities_and_agents(client, rw):
    profile = url("agents/profile", agent=AGENT, profileId="prefs")
    assert client.put(profile, json={"lang": "ru"}, headers={**rw, "If-None-Match": "*"}).status_code == 204
    assert client.get(profile, headers=rw).json == {"lang": "ru"}
    person = client.get(url("agents", agent=AGENT), headers=rw).json
    assert person == {"objectType": "Person", "mbox": ["mailto:ann@example.com"]}
    client.post("/xapi/statements", headers=rw, json={
        "actor": {"mbox": "mailto:ann@example.com"}, "verb": {"id": "http://x.example/v"},
        "object": {"id": ACTIVITY, "definition": {"name": {"en": "One"}}}})
    assert client.get(url("activities", activityId=ACTIVITY), headers=rw).json["definition"] == {"name": {"en": "One"}}
    assert client.get(url("activities/state", activityId=ACTIVITY), headers=rw).status_code == 400  # no agent
