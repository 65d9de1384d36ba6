"""The per-process memos of verified session cookies (lms.web) and CSRF header tokens (lms.csrf).

They skip repeating a signature check for a value already verified; these tests show they never
accept what a full check would refuse: altered values, other sessions' tokens, expired sessions,
a foreign Referer over HTTPS, and tokens with a time limit.
"""
import time
from datetime import timedelta

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

from lms.demo import load_core_demo_data
from lms.events import commit

# A JSON write every signed-in user may send: CSRF is checked first, then the view answers 404.
PROBE = "/quizzes/attempts/999999/autosave"
SESSION = "session"


def demo_app(app_factory, **config):
    app = app_factory(**config)
    with app.app_context():
        load_core_demo_data()
        commit()
    return app


def sign_in(client, role="learner"):
    response = client.post("/login", data={"email": DEMO_EMAILS[role], "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    return csrf_token(client, "/quizzes/")


def probe(client, token, **headers):
    return client.post(PROBE, json={"position": 1, "fields": {}},
                       headers={"X-CSRFToken": token, "Accept": "application/json", **headers})


def cookie(client) -> str:
    return client.get_cookie(SESSION, domain="lms.test").value


def test_a_remembered_header_token_still_needs_its_own_session(app_factory):
    app = demo_app(app_factory)
    alice, bob = app.test_client(), app.test_client()
    alice_token, bob_token = sign_in(alice), sign_in(bob, "learner2")
    assert probe(alice, alice_token).status_code == 404  # verified by Flask-WTF, now remembered
    assert probe(alice, alice_token).status_code == 404  # from the memo
    assert app.extensions["lms_csrf_verified"]
    refused = probe(bob, alice_token)  # another session's token: its raw value is not bob's
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    altered = probe(alice, alice_token[:-2] + ("AA" if not alice_token.endswith("AA") else "BB"))
    assert altered.status_code == 400
    assert probe(bob, bob_token).status_code == 404


def test_over_https_a_remembered_token_still_needs_a_same_origin_referer(app_factory):
    app = demo_app(app_factory)
    client = app.test_client()
    token = sign_in(client)
    secure = {"base_url": "https://lms.test"}
    good = client.post(PROBE, json={"position": 1, "fields": {}}, headers={
        "X-CSRFToken": token, "Accept": "application/json", "Referer": "https://lms.test/quizzes/"}, **secure)
    assert good.status_code == 404
    assert token in app.extensions["lms_csrf_verified"]
    for referer in ({"Referer": "https://evil.example/"}, {}):
        response = client.post(PROBE, json={"position": 1, "fields": {}}, headers={
            "X-CSRFToken": token, "Accept": "application/json", **referer}, **secure)
        assert response.status_code == 400, referer


def test_tokens_with_a_time_limit_are_never_remembered(app_factory):
    app = demo_app(app_factory, WTF_CSRF_TIME_LIMIT=3600)
    client = app.test_client()
    token = sign_in(client)
    assert probe(client, token).status_code == 404
    assert probe(client, token).status_code == 404
    assert not app.extensions.get("lms_csrf_verified")


def test_an_altered_session_cookie_is_refused_after_the_genuine_one_was_remembered(app_factory):
    app = demo_app(app_factory)
    client = app.test_client()
    sign_in(client)
    assert client.get("/quizzes/").status_code == 200  # verified once, now remembered
    genuine = cookie(client)
    payload, _, signature = genuine.rpartition(".")
    client.set_cookie(SESSION, payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:], domain="lms.test")
    assert client.get("/quizzes/").status_code == 302  # signed out: to the sign-in page
    client.set_cookie(SESSION, genuine, domain="lms.test")
    assert client.get("/quizzes/").status_code == 200


def test_a_remembered_session_still_expires(app_factory):
    app = demo_app(app_factory, PERMANENT_SESSION_LIFETIME=timedelta(seconds=2))
    client = app.test_client()
    sign_in(client)
    assert client.get("/quizzes/").status_code == 200
    time.sleep(2.5)
    assert client.get("/quizzes/").status_code == 302


def test_requests_never_share_a_remembered_sessions_nested_values(app_factory):
    app = app_factory()
    value = app.session_interface.get_signing_serializer(app).dumps({"visited": ["a"], "name": "x"})
    with app.test_request_context("/", headers={"Cookie": f"{SESSION}={value}"}):
        from flask import request

        first = app.session_interface.open_session(app, request)
        first["visited"].append("b")
        second = app.session_interface.open_session(app, request)
    assert second["visited"] == ["a"] and second["name"] == "x"
