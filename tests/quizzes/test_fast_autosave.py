"""The autosave's WSGI fast path (lms/quizzes/fast_autosave.py): it answers the common save before
Flask builds a request, with the same bytes and headers Flask would send, and leaves every other
case to Flask, whose answer is the same as before the fast path existed.

``answered`` is the fast path's own count of the saves it answered in this app.
"""
import pytest
import sqlalchemy as sa
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, slot_version, start, stored

from lms.extensions import db
from lms.quizzes.fast_autosave import FastAutosave
from lms.quizzes.models import Attempt
from lms.testing import statements_sent

HTTPS = "https://lms.test"


@pytest.fixture
def qapp(app_factory):
    app = app_factory(QUIZ_GRACE_SECONDS=30)
    load_demo(app)
    return app


def fast_path(app) -> FastAutosave:
    wrapper = app.wsgi_app
    while not isinstance(wrapper, FastAutosave):
        wrapper = getattr(wrapper, "wsgi_app", None) or wrapper.app  # ProxyFix keeps it in .app
    return wrapper


def exam(app, client=None, *, fast=True):
    """A learner's open attempt, its first slot saved: (client, attempt id, the page's CSRF token).
    The page's first save is answered by the fast path too: it checks the token's signature itself."""
    quiz = build_quiz(app, types=["single_choice"], copies=3)
    client = client or login(app.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    before = fast_path(app).answered
    assert autosave(client, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    assert fast_path(app).answered == before + fast
    return client, attempt_id, token


def comparable(response) -> dict:
    headers = {name: value for name, value in response.headers.items() if name != "X-Request-ID"}
    return {"status": response.status_code, "body": response.get_data(), "headers": headers}


def test_a_save_is_answered_by_the_fast_path_with_what_flask_sends(qapp):
    client, attempt_id, token = exam(qapp)
    through_flask = autosave(client, attempt_id, 2, {"s2": ["oa"]}, token, version=None)  # no version: Flask
    answered = fast_path(qapp).answered
    fast = autosave(client, attempt_id, 2, {"s2": ["ob"]}, token)
    assert fast_path(qapp).answered == answered + 1
    assert comparable(fast) == comparable(through_flask)  # the same position: the same bytes
    assert fast.get_json() == {"saved": True, "position": 2} and fast.headers["X-Request-ID"]
    assert stored(qapp, attempt_id)[2] == {"choice": "ob"}


def test_https_saves_send_hsts_and_need_a_same_origin_referer(qapp):
    client = qapp.test_client()
    login(client, "learner")
    quiz = build_quiz(qapp, types=["single_choice"], copies=2)
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    page = f"{HTTPS}/quizzes/attempts/{attempt_id}"

    def save(choice, referer, version=None):
        version = version or slot_version(qapp, attempt_id, 1)
        return client.post(f"/quizzes/attempts/{attempt_id}/autosave", base_url=HTTPS,
                           json={"position": 1, "version": version, "fields": {"s1": [choice]}},
                           headers={"X-CSRFToken": token, "Accept": "application/json", "Referer": referer})

    answered = fast_path(qapp).answered
    foreign_first = save("oa", "https://evil.example/page")  # not yet remembered: refused all the same
    assert foreign_first.status_code == 400 and fast_path(qapp).answered == answered
    fast = save("ob", page)
    assert fast.status_code == 200 and fast_path(qapp).answered == answered + 1
    assert fast.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    foreign = save("oc", "https://evil.example/page")
    assert foreign.status_code == 400 and foreign.get_json()["error"]["code"] == "csrf_failed"
    assert fast_path(qapp).answered == answered + 1
    assert stored(qapp, attempt_id)[1] == {"choice": "ob"}


def test_behind_a_proxy_the_fast_path_sees_the_forwarded_scheme(app_factory):
    app = app_factory(TRUSTED_PROXIES=1)
    load_demo(app)
    client, attempt_id, token = exam(app)
    answered = fast_path(app).answered
    response = client.post(f"/quizzes/attempts/{attempt_id}/autosave",
                           json={"position": 2, "version": slot_version(app, attempt_id, 2), "fields": {"s2": ["oa"]}},
                           headers={"X-CSRFToken": token, "X-Forwarded-Proto": "https",
                                    "Referer": f"https://lms.test/quizzes/attempts/{attempt_id}"})
    assert response.status_code == 200 and fast_path(app).answered == answered + 1
    assert "Strict-Transport-Security" in response.headers


@pytest.mark.parametrize("case", ["altered token", "no token", "token of another session"])
def test_a_csrf_failure_falls_through_to_flask_wtfs_refusal(qapp, case):
    client, attempt_id, token = exam(qapp)
    other_token = page_token(*exam(qapp, login(qapp.test_client(), "learner2"))[:2])
    sent = {"altered token": token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "no token": "",
            "token of another session": other_token}[case]
    answered = fast_path(qapp).answered
    response = client.post(f"/quizzes/attempts/{attempt_id}/autosave",
                           json={"position": 1, "version": slot_version(qapp, attempt_id, 1), "fields": {"s1": ["oc"]}},
                           headers={"X-CSRFToken": sent, "Accept": "application/json"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "csrf_failed"
    assert fast_path(qapp).answered == answered
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}}


def test_a_refused_statement_runs_once_and_flask_explains(qapp):
    client, attempt_id, token = exam(qapp)
    with qapp.app_context():
        db.session.execute(sa.update(Attempt).where(Attempt.id == attempt_id).values(state="finished"))
        db.session.commit()
        engine = db.engine
    with statements_sent(engine) as sent:
        response = autosave(client, attempt_id, 2, {"s2": ["oa"]}, token)
    assert response.status_code == 409, response.get_data(as_text=True)
    upserts = [s for s in sent if s.split()[0].upper() == "INSERT" and "quiz_answer" in s]
    assert len(upserts) == 1, sent  # the fast path's statement; the view went straight to save_answers
    assert 2 not in stored(qapp, attempt_id)


def test_what_the_fast_path_cannot_decide_gets_flasks_answer(qapp):
    client, attempt_id, token = exam(qapp)
    answered = fast_path(qapp).answered
    post = lambda body, **h: client.post(f"/quizzes/attempts/{attempt_id}/autosave", data=body,  # noqa: E731
                                         headers={"X-CSRFToken": token, "Accept": "application/json", **h})
    json_type = {"Content-Type": "application/json"}
    version = slot_version(qapp, attempt_id, 2)
    assert post(b'{"position": 2, "fields": {"s2": ["o\\u0000"]}}', **json_type).status_code == 400  # input guard
    assert post(b'{"position": 2, "version": %d, "fields": {"s2": [1]}}' % version, **json_type).status_code == 422
    assert post(b'{"position": 0, "fields": {}}', **json_type).get_json()["error"]["code"] == "bad_request"
    assert post(b'{"position": 2,', **json_type).status_code == 400
    # Not JSON by its type: the full path reads it as before (no JSON body, so a 400).
    assert post(b'{"position": 2, "version": %d, "fields": {"s2": ["oa"]}}' % version,
                **{"Content-Type": "text/plain"}).status_code == 400
    assert fast_path(qapp).answered == answered
    # No version (an older page): the body the fast path read is still there for the view.
    assert post(b'{"position": 3, "fields": {"s3": ["oa"]}}', **json_type).status_code == 200
    assert stored(qapp, attempt_id)[3] == {"choice": "oa"}


def test_another_learners_attempt_and_a_stale_save_are_refused_as_before(qapp):
    client, attempt_id, token = exam(qapp)
    other, _other_attempt, other_token = exam(qapp, login(qapp.test_client(), "learner2"))
    assert autosave(other, attempt_id, 2, {"s2": ["oa"]}, other_token).status_code == 404
    assert autosave(client, attempt_id, 2, {"s2": ["ob"]}, token, seq=5).status_code == 200
    stale = autosave(client, attempt_id, 2, {"s2": ["oc"]}, token, seq=4)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "stale_answer"
    assert stored(qapp, attempt_id)[2] == {"choice": "ob"}


def test_an_incoming_request_id_is_sent_back_and_metrics_count_the_save(qapp):
    from lms.observability.metrics import process_metrics

    client, attempt_id, token = exam(qapp)
    histogram = process_metrics().autosave_seconds.labels("200")
    count = lambda: next(s.value for m in histogram.collect() for s in m.samples  # noqa: E731
                         if s.name.endswith("_count"))
    before, answered = count(), fast_path(qapp).answered
    response = client.post(f"/quizzes/attempts/{attempt_id}/autosave", json={
        "position": 2, "version": slot_version(qapp, attempt_id, 2), "fields": {"s2": ["oa"]}},
        headers={"X-CSRFToken": token, "X-Request-ID": "portal-trace-42"})
    assert response.status_code == 200 and fast_path(qapp).answered == answered + 1
    assert response.headers["X-Request-ID"] == "portal-trace-42"
    assert count() == before + 1


def test_an_embedded_session_gets_its_issuers_frame_ancestors(app_factory, tmp_path):
    issuers = tmp_path / "issuers.toml"
    issuers.write_text('[[issuer]]\nname = "host"\niss = "https://host.example"\naudience = "lms"\n'
                       'algorithms = ["HS256"]\nsecret = "' + "s" * 40 + '"\n'
                       'frame_ancestors = ["https://host.example"]\n')
    app = app_factory(SSO_ISSUERS=str(issuers))
    load_demo(app)
    client, attempt_id, token = exam(app)
    with client.session_transaction() as session:
        session["lms_sso_embed"], session["lms_sso_issuer"] = True, "host"
    body = {"position": 2, "version": slot_version(app, attempt_id, 2), "fields": {"s2": ["oa"]}}
    url, headers = f"/quizzes/attempts/{attempt_id}/autosave", {"X-CSRFToken": token, "Sec-Fetch-Dest": "empty"}
    through_flask = client.post(url, json=body | {"version": None}, headers=headers)
    answered = fast_path(app).answered
    fast = client.post(url, json=body, headers=headers)
    assert fast.status_code == through_flask.status_code == 200 and fast_path(app).answered == answered + 1
    policy = fast.headers["Content-Security-Policy"]
    assert policy == through_flask.headers["Content-Security-Policy"]
    assert policy.endswith("frame-ancestors https://host.example")


def test_an_unknown_request_function_turns_the_fast_path_off(app_factory):
    from flask import Blueprint

    from lms import hookimpl

    class Stamp:
        @hookimpl
        def lms_register_blueprints(self, app):
            bp = Blueprint("stamp", __name__)
            bp.after_app_request(lambda response: response.headers.setdefault("X-Stamp", "1") and response)
            app.register_blueprint(bp)

    app = app_factory(plugins=[Stamp()])
    load_demo(app)
    client, attempt_id, token = exam(app, fast=False)
    response = autosave(client, attempt_id, 2, {"s2": ["oa"]}, token)
    assert response.status_code == 200 and response.headers["X-Stamp"] == "1"
    assert fast_path(app).answered == 0
    assert stored(app, attempt_id)[2] == {"choice": "oa"}


@pytest.mark.parametrize("header, expected", [
    ("session=abc.def; lang=ru", "abc.def"),
    ("lang=ru;session=a=b", "a=b"),
    ("session=one; session=two", None),  # which one werkzeug would take is Flask's to decide
    ('session="quoted"', None),
    ("sessions=x; other=session", None),
    ("", None),
])
def test_the_session_cookie_is_read_as_werkzeug_reads_it_or_left_to_flask(header, expected):
    from lms.quizzes.fast_autosave import _cookie

    assert _cookie(header, "session") == expected
