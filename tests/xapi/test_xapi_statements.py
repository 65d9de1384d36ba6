"""The statements resource over HTTP: writing, voiding, reading by id and with filters, paging."""
import json
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import sign_in
from lms.xapi.models import XapiStatement
from xapi_kit import VERSION, basic, new_id, statement, token_headers


@pytest.fixture
def rw(app):
    return token_headers(app, "xapi:read", "xapi:write")


def post(client, headers, body):
    return client.post("/xapi/statements", json=body, headers=headers)


def test_post_then_get_by_id_with_lrs_properties(client, rw):
    response = post(client, rw, statement())
    assert response.status_code == 200
    (sid,) = response.json
    got = client.get(f"/xapi/statements?statementId={sid}", headers=rw)
    assert got.status_code == 200 and got.headers["X-Experience-API-Version"] == "1.0.3"
    assert got.json["id"] == sid and got.json["version"] == "1.0.0"
    assert got.json["authority"]["account"]["name"] == "host-portal"
    assert got.json["stored"].endswith("Z") and "X-Experience-API-Consistent-Through" in got.headers


def test_put_is_idempotent_and_conflicts_on_other_content(client, rw):
    sid = new_id()
    assert client.put(f"/xapi/statements?statementId={sid}", json=statement(), headers=rw).status_code == 204
    assert client.put(f"/xapi/statements?statementId={sid}", json=statement(), headers=rw).status_code == 204
    other = statement(verb="http://adlnet.gov/expapi/verbs/failed")
    assert client.put(f"/xapi/statements?statementId={sid}", json=other, headers=rw).status_code == 409
    assert client.put("/xapi/statements", json=statement(), headers=rw).status_code == 400


@pytest.mark.parametrize("bad", [
    {"verb": {"id": "http://x/v"}, "object": {"id": "http://x/a"}},                       # no actor
    statement(actor="ann@example.com"),                                                  # mbox without mailto:
    statement(activity="not an iri"),
    statement(result={"score": {"scaled": 2}}),
    statement(timestamp="2026-13-40T99:00:00Z"),
    statement(context={"registration": "nope"}),
    {**statement(), "unknown": 1},
    [statement(), "not a statement"],
])
def test_invalid_statements_are_400_and_nothing_is_stored(app, client, rw, bad):
    response = post(client, rw, bad)
    assert response.status_code == 400 and response.json["error"]["message"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(XapiStatement)) == 0


def test_voiding_hides_the_statement_from_queries_but_not_from_voided_statement_id(client, rw):
    (target,) = post(client, rw, statement()).json
    voiding = statement(verb="http://adlnet.gov/expapi/verbs/voided")
    voiding["object"] = {"objectType": "StatementRef", "id": target}
    (voider,) = post(client, rw, voiding).json
    assert client.get(f"/xapi/statements?statementId={target}", headers=rw).status_code == 404
    assert client.get(f"/xapi/statements?voidedStatementId={target}", headers=rw).json["id"] == target
    ids = [s["id"] for s in client.get("/xapi/statements", headers=rw).json["statements"]]
    assert target not in ids and voider in ids
    void_the_voider = {**voiding, "object": {"objectType": "StatementRef", "id": voider}}
    assert post(client, rw, void_the_voider).status_code == 400


def test_filters_select_by_agent_verb_activity_registration_and_related(client, rw):
    registration = new_id()
    mine = post(client, rw, [
        statement(activity="http://example.com/a/1", context={"registration": registration}),
        statement(activity="http://example.com/a/2", context={
            "contextActivities": {"parent": {"id": "http://example.com/a/1"}}}),
        statement(actor="mailto:bob@example.com", activity="http://example.com/a/1"),
    ]).json

    def ids(**params):
        response = client.get("/xapi/statements?" + urlencode(params), headers=rw)
        assert response.status_code == 200, response.json
        return {s["id"] for s in response.json["statements"]}

    ann = json.dumps({"mbox": "mailto:ann@example.com"})
    assert ids(agent=ann) == {mine[0], mine[1]}
    assert ids(agent=ann, activity="http://example.com/a/1") == {mine[0]}
    assert ids(agent=ann, activity="http://example.com/a/1", related_activities="true") == {mine[0], mine[1]}
    assert ids(registration=registration) == {mine[0]}
    assert ids(verb="http://adlnet.gov/expapi/verbs/experienced") == set(mine)
    assert ids(verb="http://adlnet.gov/expapi/verbs/other") == set()
    listed = client.get("/xapi/statements?ascending=true", headers=rw).json["statements"]
    assert [s["id"] for s in listed] == mine
    assert client.get("/xapi/statements?agent=notjson", headers=rw).status_code == 400
    assert client.get("/xapi/statements?bogus=1", headers=rw).status_code == 400


def test_more_pages_through_everything_once(client, rw):
    sent = post(client, rw, [statement() for _ in range(7)]).json
    seen, url = [], "/xapi/statements?limit=3"
    while url:
        page = client.get(url, headers=rw).json
        seen += [s["id"] for s in page["statements"]]
        url = page["more"]
    assert seen == list(reversed(sent))


def test_formats_ids_and_canonical(client, rw):
    body = statement()
    body["object"]["definition"] = {"name": {"en-US": "One", "ru-RU": "Один"}}
    (sid,) = post(client, rw, body).json
    ids = client.get(f"/xapi/statements?statementId={sid}&format=ids", headers=rw).json
    assert ids["object"] == {"id": "http://example.com/activities/1"} and ids["verb"] == {"id": body["verb"]["id"]}
    canonical = client.get(f"/xapi/statements?statementId={sid}&format=canonical",
                           headers={**rw, "Accept-Language": "ru-RU"}).json
    assert canonical["object"]["definition"]["name"] == {"ru-RU": "Один"}


def test_credentials_scopes_and_cookies(app, client, demo):
    reader = token_headers(app, "xapi:read", integration="reader")
    other = token_headers(app, "read:users", integration="other")
    assert post(client, reader, statement()).status_code == 403
    assert client.get("/xapi/statements", headers=reader).status_code == 200
    assert client.get("/xapi/statements", headers=other).status_code == 403
    assert client.get("/xapi/statements", headers=VERSION).status_code == 401
    assert client.get("/xapi/statements", headers=basic("x", "lms_AAAAAAAA_" + "x" * 43)).status_code == 401
    # A signed-in browser session is no credential, and no CSRF token is needed or accepted instead.
    sign_in(client, "admin")
    assert client.get("/xapi/statements", headers=VERSION).status_code == 401
    assert client.post("/xapi/statements", json=statement(), headers=VERSION).status_code == 401


def test_version_header_rules(client, rw):
    no_version = {"Authorization": rw["Authorization"]}
    assert client.get("/xapi/statements", headers=no_version).status_code == 400
    assert client.get("/xapi/statements", headers={**rw, "X-Experience-API-Version": "2.0.0"}).status_code == 400
    about = client.get("/xapi/about")
    assert about.status_code == 200 and "1.0.3" in about.json["version"]


def test_alternate_request_syntax(client, rw):
    sid = new_id()
    form = {"Authorization": rw["Authorization"], "X-Experience-API-Version": "1.0.3",
            "Content-Type": "application/json", "statementId": sid, "content": json.dumps(statement())}
    assert client.post("/xapi/statements?method=PUT", data=form).status_code == 204
    got = client.post("/xapi/statements?method=GET", data={"Authorization": rw["Authorization"],
                                                           "X-Experience-API-Version": "1.0.3", "statementId": sid})
    assert got.status_code == 200 and got.json["id"] == sid
    assert client.post(f"/xapi/statements?method=GET&statementId={sid}", data={}, headers=rw).status_code == 400


def test_cors_preflight_is_answered_without_credentials(client):
    response = client.options("/xapi/statements", headers={"Origin": "https://content.example",
                                                           "Access-Control-Request-Method": "POST"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]
