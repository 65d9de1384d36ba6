"""Text the database cannot store (NUL, lone surrogates) is refused once, at the edge, with a clear 400.

PostgreSQL is where these really failed (a NUL in any text parameter, a surrogate psycopg cannot
encode); the suite runs on both databases, so each case here reached a 500 there before the guard.
"""
import io
import json
import re

import pytest
import sqlalchemy as sa

from lms.courses.models import CourseAsset
from lms.extensions import db
from lms.input_guard import holds_unstorable
from lms.quizzes.models import Answer, Question
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

from tests.courses.course_helpers import CONTENT, course_id, make_course
from tests.quizzes.quiz_testkit import attempt_slots, autosave, build_quiz, login, page_token, start
from tests.security.test_csrf_every_route import sample_url

RU_REFUSAL = "Отправленные данные содержат символ, который нельзя сохранить"
EN_REFUSAL = "What you sent contains a character that cannot be stored"


def test_sign_in_with_a_nul_in_the_email_is_a_400_page_in_russian(client, demo):
    """The reported case: no account needed, and the e-mail reached the sign-in throttle's query."""
    response = client.post("/login", data={"email": "learner\x00@demo.example.com", "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert RU_REFUSAL in html and '<html lang="ru">' in html
    good = client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                       "csrf_token": csrf_token(client)})
    assert good.status_code == 302  # the refusal did not count as a failed sign-in or lock anything


def test_the_refusal_follows_the_users_language(client, demo):
    response = client.post("/login", data={"email": "x\x00", "password": "p", "csrf_token": csrf_token(client)},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and EN_REFUSAL in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/verify/abc%00def", "/verify/abc?lang=%00", "/login?next=/%00", "/?%00=1"])
def test_nul_in_a_path_or_query_string_is_refused_before_any_view(client, demo, url):
    response = client.get(url)
    assert response.status_code == 400, url
    assert RU_REFUSAL in response.get_data(as_text=True)


def test_every_route_refuses_nul_in_its_query_string_and_form(app, login_as):
    """The whole portal, core and plugins, as an administrator who may reach every page."""
    client = login_as("admin")
    token = csrf_token(client, "/")
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = sample_url(rule)
        if "GET" in rule.methods:
            response = client.get(url + "?q=%00")
            assert response.status_code == 400, f"GET {rule.rule}: {response.status_code}"
            checked += 1
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(url, method=method, data={"csrf_token": token, "title": "a\x00b"})
            assert response.status_code == 400, f"{method} {rule.rule}: {response.status_code}"
            checked += 1
    assert checked > 100


def test_api_json_with_nul_or_a_lone_surrogate_at_any_depth_is_a_json_400(client, demo):
    bodies = [
        '{"email": "a\\u0000@x.example", "name": "A"}',
        '{"name": "A", "profile": {"tags": ["ok", "bad\\ud800"]}}',
        '{"na\\u0000me": "key, not value"}',
        '{"name": "low half alone \\uDC00"}',
    ]
    for body in bodies:
        response = client.put("/api/v1/users/by-external-id/crm-1", data=body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json["error"]["code"] == "invalid_characters"
        assert response.json["error"]["message"].startswith("Отправленные данные")


def test_json_too_deeply_nested_is_a_400_not_a_crash(client, demo):
    body = "[" * 50_000 + "]" * 50_000
    response = client.put("/api/v1/users/by-external-id/crm-1", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["error"]["code"] == "invalid_characters"


def test_json_escapes_that_are_fine_pass_the_guard():
    assert not holds_unstorable(json.loads('{"emoji": "\\ud83d\\ude00", "path": "C:\\\\u0000", "n": [1, null]}'))
    assert holds_unstorable(json.loads('[{"a": [[["\\u0000"]]]}]'))


@pytest.fixture
def quiz_app(app_factory):
    from tests.quizzes.quiz_testkit import load_demo

    app = app_factory()
    load_demo(app)
    return app


def test_autosave_refuses_nul_and_lone_surrogates_and_keeps_emoji(quiz_app):
    quiz = build_quiz(quiz_app, types=["short_answer", "essay"])
    client = login(quiz_app.test_client(), "learner")
    attempt_id = start(client, quiz["quiz_id"])
    token = page_token(client, attempt_id)
    (short, _), (essay, _) = attempt_slots(quiz_app, attempt_id)
    for text in ("nul\x00inside", "half \ud83d only"):
        response = autosave(client, attempt_id, short, {f"s{short}": [text]}, token)
        assert response.status_code == 400, response.get_data(as_text=True)
        assert response.json["error"]["code"] == "invalid_characters"
    saved = autosave(client, attempt_id, essay, {f"s{essay}": ["Отлично 😀 [ok]"]}, token)
    assert saved.status_code == 200 and saved.json["saved"] is True
    with quiz_app.app_context():
        responses = db.session.scalars(sa.select(Answer.response)).all()
    assert len(responses) == 1 and "😀" in json.dumps(responses[0], ensure_ascii=False)


def test_a_text_upload_with_nul_is_refused_naming_the_file(quiz_app):
    from lms.events import commit
    from lms.quizzes.bank import ensure_category

    with quiz_app.app_context():
        category_id = ensure_category(["Bank"]).id
        commit()
    client = login(quiz_app.test_client(), "author")
    token = csrf_token(client, f"/quizzes/bank?category={category_id}")
    response = client.post(f"/quizzes/bank/{category_id}/import", content_type="multipart/form-data",
                           data={"csrf_token": token,
                                 "gift-file": (io.BytesIO(b"::Q1:: 2+2 {=4 ~5}\n\n::Q2\x00:: x {T}\n"), "bank.gift")})
    assert response.status_code == 400
    assert re.search(r"Файл bank\.gift содержит символ NUL", response.get_data(as_text=True))
    with quiz_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_binary_uploads_with_zero_bytes_pass(app, login_as):
    pdf = (CONTENT / "fertilizer-safety/assets/pamyatka-razliv.pdf").read_bytes()
    assert b"\x00" in pdf
    make_course(app, "guarded")
    client = login_as("author")
    target = course_id(app, "guarded")
    response = client.post(f"/courses/manage/{target}/assets", content_type="multipart/form-data",
                           data={"csrf_token": csrf_token(client, f"/courses/manage/{target}"),
                                 "file": (io.BytesIO(pdf), "памятка.pdf")})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(CourseAsset.name)) == "памятка.pdf"
