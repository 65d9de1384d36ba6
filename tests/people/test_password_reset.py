"""Password reset by e-mail: same answer for every address, single-use expiring link, throttled, sessions end."""
import re

import sqlalchemy as sa

from lms.extensions import db
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token, sign_in, smtp_server, smtp_settings
from lms.timeutil import clock_moved


def ask(client, email):
    return client.post("/password/forgot", data={"csrf_token": csrf_token(client, "/password/forgot"),
                                                  "email": email})


def worker(app):
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0


def link_in(message) -> str:
    return re.search(r"https?://lms\.test(/password/reset/\S+)", message.get_content()).group(1)


def test_the_answer_is_the_same_whether_the_address_exists_or_not(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        client = app.test_client()
        known, unknown = ask(client, DEMO_EMAILS["learner"]), ask(client, "nobody@example.com")
        assert known.status_code == unknown.status_code == 200
        strip = lambda html: re.sub(r'name="csrf_token"[^>]*', "", html)  # noqa: E731
        assert strip(known.get_data(as_text=True)) == strip(unknown.get_data(as_text=True))
        worker(app)
        assert [message["To"] for message in mail.messages] == [DEMO_EMAILS["learner"]]


def test_reset_link_works_once_and_ends_every_session(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        signed_in = app.test_client()
        sign_in(signed_in, "learner")
        assert signed_in.get("/account").status_code == 200
        visitor = app.test_client()
        ask(visitor, DEMO_EMAILS["learner"])
        worker(app)
        path = link_in(mail.messages[0])
        short = visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "new_password": "short",
                                         "confirm_password": "short"})
        assert short.status_code == 422 and "8" in short.get_data(as_text=True)
        done = visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "new_password": "brand-new-secret",
                                        "confirm_password": "brand-new-secret"})
        assert done.status_code == 303
        assert signed_in.get("/account").status_code in (302, 401)  # the old session ended
        assert visitor.get(path).status_code == 404  # single use
        old = app.test_client()
        sign_in(old, DEMO_EMAILS["learner"], "brand-new-secret")


def test_reset_link_expires(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        client = app.test_client()
        ask(client, DEMO_EMAILS["learner"])
        worker(app)
        path = link_in(mail.messages[0])
        assert client.get(path).status_code == 200
        with clock_moved(minutes=app.config["PASSWORD_RESET_LINK_MINUTES"] + 1):
            assert client.get(path).status_code == 404
        assert client.get("/password/reset/made-up").status_code == 404


def test_requests_are_throttled_per_account_and_per_address(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(PASSWORD_RESET_MAX_PER_ACCOUNT=2, PASSWORD_RESET_MAX_PER_ADDRESS=4, **smtp_settings(mail))
        client = app.test_client()
        answers = [ask(client, DEMO_EMAILS["learner"]).status_code for _ in range(3)]
        assert answers == [200, 200, 200]  # the third gets the same answer, and no e-mail
        worker(app)
        assert len(mail.messages) == 2
        assert ask(client, "someone@example.com").status_code == 200
        refused = ask(client, "else@example.com")
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        with clock_moved(minutes=61):
            assert ask(client, DEMO_EMAILS["learner"]).status_code == 200
    from lms.auth.models import User

    with app.app_context():  # the password never changed
        assert db.session.scalar(sa.select(User.password_hash).where(User.email == DEMO_EMAILS["learner"]))
    sign_in(app.test_client(), "learner", DEMO_PASSWORD)
