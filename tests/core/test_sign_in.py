"""Local sign-in and sign-out through the real form, with CSRF on."""
import pytest
import sqlalchemy as sa

from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token
from lms.auth.models import Dealer, User
from lms.extensions import db


def post_login(client, email, password, **headers):
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        headers=headers,
    )


def test_login_page_is_russian_by_default(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="ru">' in html
    assert "Войти" in html and "Пароль" in html


def test_login_page_follows_accept_language(client):
    html = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_sign_in_and_out(client, demo):
    response = post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD)
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Иван Петров" in page
    logout = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert logout.status_code == 302
    assert client.get("/").status_code == 302  # back to the sign-in page


def test_email_is_case_insensitive(client, demo):
    assert post_login(client, "  LEARNER@Demo.Example.com ", DEMO_PASSWORD).status_code == 302


@pytest.mark.parametrize("email,password", [
    ("learner@demo.example.com", "wrong-password"),
    ("nobody@demo.example.com", "demo-password"),
    ("not an email", "demo-password"),
])
def test_wrong_credentials_get_one_clear_message(client, demo, email, password):
    response = post_login(client, email, password)
    assert response.status_code == 401
    assert "Неверный email или пароль." in response.get_data(as_text=True)


def test_wrong_credentials_in_english(client, demo):
    response = post_login(client, DEMO_EMAILS["learner"], "nope", **{"Accept-Language": "en"})
    assert "Wrong email or password." in response.get_data(as_text=True)


def test_empty_form_names_the_missing_fields(client):
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Введите ваш email." in html and "Введите пароль." in html


def test_login_without_csrf_token_is_refused(client, demo):
    response = client.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert "Сессия истекла или форма устарела" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def set_user_active(app, email, active):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == email).values(active=active))
        db.session.commit()


def test_deactivated_user_cannot_sign_in(app, client, demo):
    set_user_active(app, DEMO_EMAILS["learner"], False)
    response = post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD)
    assert response.status_code == 401
    assert "Учётная запись отключена" in response.get_data(as_text=True)


def test_user_of_a_deactivated_dealer_cannot_sign_in(app, client, demo):
    with app.app_context():
        dealer_id = db.session.scalar(sa.select(User.dealer_id).where(User.email == DEMO_EMAILS["learner"]))
        db.session.execute(sa.update(Dealer).where(Dealer.id == dealer_id).values(active=False))
        db.session.commit()
    assert post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 401


def test_deactivation_ends_an_open_session(app, client, demo):
    post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD)
    assert client.get("/").status_code == 200
    set_user_active(app, DEMO_EMAILS["learner"], False)
    assert client.get("/").status_code == 302


def test_next_parameter_is_never_an_open_redirect(client, demo):
    response = client.post(
        "/login?next=//evil.example/steal",
        data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]


def test_next_parameter_leads_back_to_the_page(client, demo):
    response = client.post(
        "/login?next=/courses/",
        data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD, "csrf_token": csrf_token(client)},
    )
    assert response.headers["Location"].endswith("/courses/")


def test_passwords_are_stored_with_scrypt(app, demo):
    with app.app_context():
        stored = db.session.scalar(sa.select(User.password_hash).where(User.email == DEMO_EMAILS["learner"]))
    assert stored.startswith("scrypt:") and DEMO_PASSWORD not in stored


def test_language_switch_is_remembered_on_the_account(app, login_as):
    client = login_as("learner")
    client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": csrf_token(client, "/")})
    with app.app_context():
        assert db.session.scalar(sa.select(User.locale).where(User.email == DEMO_EMAILS["learner"])) == "en"
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "ru"}).get_data(as_text=True)


def test_session_cookie_is_httponly(client, demo):
    response = post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD)
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie


def post_login_from(client, address, email, password):
    return client.post("/login", environ_base={"REMOTE_ADDR": address}, data={
        "email": email, "password": password, "csrf_token": csrf_token(client)})


def test_an_address_guessing_one_account_is_throttled(app_factory, demo):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS=3)
    client = app.test_client()
    for _ in range(3):
        assert post_login(client, DEMO_EMAILS["learner"], "wrong").status_code == 401
    blocked = post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD)
    assert blocked.status_code == 429
    assert "Слишком много неудачных попыток входа" in blocked.get_data(as_text=True)
    assert int(blocked.headers["Retry-After"]) > 0
    # Another account from the same address is not affected by this account's lock.
    assert post_login(client, DEMO_EMAILS["manager"], DEMO_PASSWORD).status_code == 302


def test_an_attacker_cannot_lock_the_owner_out(app_factory, demo):
    """Wrong passwords from one address stop that address only: the owner signs in from another."""
    app = app_factory()
    attacker = app.test_client()
    statuses = [post_login_from(attacker, "203.0.113.66", DEMO_EMAILS["learner"], f"guess-{n}").status_code
                for n in range(12)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}  # the attacker is throttled
    owner = app.test_client()
    assert post_login_from(owner, "198.51.100.7", DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 302
    assert owner.get("/").status_code == 200
    # The owner's sign-in does not reopen the door for the attacker.
    assert post_login_from(attacker, "203.0.113.66", DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 429


def test_an_account_under_attack_from_many_addresses_gives_each_address_one_try(app_factory, demo):
    """Past the account's soft limit each address has one try per window; the owner still gets in."""
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT=6)
    client = app.test_client()
    for n in range(3):  # a botnet: two guesses from each of three addresses
        for _ in range(2):
            assert post_login_from(client, f"192.0.2.{n}", DEMO_EMAILS["learner"], "wrong").status_code == 401
    assert post_login_from(client, "192.0.2.1", DEMO_EMAILS["learner"], "wrong").status_code == 429
    assert post_login_from(client, "192.0.2.9", DEMO_EMAILS["learner"], "wrong").status_code == 401
    assert post_login_from(client, "192.0.2.9", DEMO_EMAILS["learner"], "wrong").status_code == 429
    assert post_login_from(client, "198.51.100.7", DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 302


def test_sign_in_is_throttled_per_address(app_factory, demo):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ADDRESS=4)
    client = app.test_client()
    for n in range(4):
        post_login(client, f"guess{n}@demo.example.com", "wrong")
    assert post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 429
    other_address = app.test_client()
    assert post_login_from(other_address, "10.9.8.7", DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 302


def test_successful_sign_in_resets_the_count_of_its_address(app_factory, demo):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS=3)
    client = app.test_client()
    post_login(client, DEMO_EMAILS["learner"], "wrong")
    post_login(client, DEMO_EMAILS["learner"], "wrong")
    assert post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 302
    with client.session_transaction() as session:
        session.clear()
    post_login(client, DEMO_EMAILS["learner"], "wrong")
    post_login(client, DEMO_EMAILS["learner"], "wrong")
    assert post_login(client, DEMO_EMAILS["learner"], DEMO_PASSWORD).status_code == 302


def test_a_write_request_after_a_long_idle_does_not_wait_for_itself(app, login_as):
    """last-seen refresh inside a write request must not open a second, blocked connection."""
    from datetime import timedelta

    from lms.timeutil import utcnow

    client = login_as("learner")
    token = csrf_token(client, "/courses/")
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == DEMO_EMAILS["learner"])
                           .values(last_seen_at=utcnow() - timedelta(hours=2)))
        db.session.commit()
    response = client.post("/locale", data={"locale": "en", "next": "/", "csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        seen = db.session.scalar(sa.select(User.last_seen_at).where(User.email == DEMO_EMAILS["learner"]))
    assert utcnow() - seen < timedelta(minutes=1)


def test_cookies_are_secure_and_httponly_behind_https(app, demo):
    client = app.test_client()
    token = csrf_token(client)
    response = client.post("/login", base_url="https://lms.test", headers={"Referer": "https://lms.test/login"}, data={
        "email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "remember_token"}
    for cookie in cookies:
        assert "; Secure" in cookie and "HttpOnly" in cookie
    plain = app.test_client()
    plain_token = csrf_token(plain)
    over_http = plain.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                           "csrf_token": plain_token})
    assert all("Secure" not in c for c in over_http.headers.getlist("Set-Cookie"))
