"""The autosave skips loading the account, so its own SQL checks that the sign-in session still lives
(lms/auth/sessions.py): an ended session saves nothing, by the one-statement path or the full one."""
import pytest
from quiz_testkit import autosave, build_quiz, load_demo, login, page_token, start, stored

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token


@pytest.fixture
def qapp(app_factory):
    app = app_factory(QUIZ_GRACE_SECONDS=30)
    load_demo(app)
    return app


def refused_as_signed_out(response):
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("version", ["sent", None], ids=["one-statement save", "full save"])
def test_sign_out_everywhere_ends_the_autosave_of_every_browser(qapp, version):
    quiz = build_quiz(qapp, types=["single_choice"])
    exam_room = login(qapp.test_client(), "learner")
    attempt_id = start(exam_room, quiz["quiz_id"])
    token = page_token(exam_room, attempt_id)
    send = {} if version else {"version": None}
    assert autosave(exam_room, attempt_id, 1, {"s1": ["oa"]}, token, **send).status_code == 200

    phone = login(qapp.test_client(), "learner")
    phone.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(phone, "/account")})

    assert refused_as_signed_out(autosave(exam_room, attempt_id, 1, {"s1": ["ob"]}, token, **send))
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}}


def test_a_copied_cookie_cannot_autosave_after_sign_out(qapp):
    quiz = build_quiz(qapp, types=["single_choice"])
    learner = login(qapp.test_client(), "learner")
    attempt_id = start(learner, quiz["quiz_id"])
    token = page_token(learner, attempt_id)
    copy = qapp.test_client()
    copy.set_cookie("session", learner.get_cookie("session", domain="lms.test").value, domain="lms.test")
    assert autosave(copy, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    learner.post("/logout", data={"csrf_token": token})
    assert refused_as_signed_out(autosave(copy, attempt_id, 1, {"s1": ["oc"]}, token))
    assert refused_as_signed_out(autosave(copy, attempt_id, 1, {"s1": ["oc"]}, token, version=None))
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}}


def test_another_learners_attempt_is_still_404_for_a_live_session(qapp):
    """Only an ended session turns the refusal into "sign in again"; a live one keeps its 404."""
    quiz = build_quiz(qapp, types=["single_choice"])
    owner = login(qapp.test_client(), "learner")
    attempt_id = start(owner, quiz["quiz_id"])
    other = login(qapp.test_client(), "learner2")
    token = csrf_token(other, "/")
    assert autosave(other, attempt_id, 1, {"s1": ["oa"]}, token, version=None).status_code == 404
    assert stored(qapp, attempt_id) == {}


def test_a_remembered_browser_autosaves_until_its_session_ends(qapp):
    """A browser back with only its remember-me cookie is signed in by Flask-Login, session included."""
    quiz = build_quiz(qapp, types=["single_choice"])
    learner = qapp.test_client()
    learner.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                 "remember": "y", "csrf_token": csrf_token(learner)})
    attempt_id = start(learner, quiz["quiz_id"])
    next_day = qapp.test_client()
    next_day.set_cookie("remember_token", learner.get_cookie("remember_token", domain="lms.test").value,
                        domain="lms.test")
    token = page_token(next_day, attempt_id)
    assert autosave(next_day, attempt_id, 1, {"s1": ["oa"]}, token).status_code == 200
    learner.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(learner, "/account")})
    assert refused_as_signed_out(autosave(next_day, attempt_id, 1, {"s1": ["ob"]}, token))
    assert stored(qapp, attempt_id) == {1: {"choice": "oa"}}
