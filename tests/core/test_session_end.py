"""Sessions end on the server: a copied cookie stops working after sign-out, a password change or
"sign out everywhere" (lms/auth/sessions.py), whichever worker or node it is replayed on."""
import sqlalchemy as sa

from lms.auth.models import User
from lms.auth.sessions import UserSession
from lms.extensions import db
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, csrf_token

NEW_PASSWORD = "a-brand-new-passphrase"


def sign_in(app, email=DEMO_EMAILS["learner"], password=DEMO_PASSWORD, *, remember=False):
    """A fresh browser signed in through the real form."""
    client = app.test_client()
    data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def replay(app, **cookies):
    """Another browser (or an attacker) sending copies of these cookies."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="lms.test")
    return client


def cookie(client, name):
    return client.get_cookie(name, domain="lms.test").value


def signs_in(client) -> bool:
    """True when the dashboard answers; a signed-out browser is sent to the sign-in page."""
    response = client.get("/")
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def change_password(client, current, new, confirm=None):
    return client.post("/account", data={
        "current_password": current, "new_password": new, "confirm_password": new if confirm is None else confirm,
        "csrf_token": csrf_token(client, "/account")})


def live_sessions(app, email=DEMO_EMAILS["learner"]) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(UserSession).join(
            User, User.id == UserSession.user_id).where(User.email == email))


def test_a_copied_session_cookie_stops_working_after_sign_out(app, demo):
    browser = sign_in(app)
    copied = cookie(browser, "session")
    assert signs_in(replay(app, session=copied))  # the copy works while the session lives
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    replayed = replay(app, session=copied).get("/")
    assert replayed.status_code == 302 and "/login" in replayed.headers["Location"]
    assert live_sessions(app) == 0


def test_a_copied_remember_me_cookie_stops_working_after_sign_out(app, demo):
    browser = sign_in(app, remember=True)
    copied = cookie(browser, "remember_token")
    assert signs_in(replay(app, remember_token=copied))
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/")})
    assert not signs_in(replay(app, remember_token=copied))


def test_cookies_from_before_server_side_sessions_no_longer_sign_in(app, demo):
    """A cookie that names only the account (an old one, or a forged-looking id) signs no one in."""
    client = app.test_client()
    with app.app_context():
        learner_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["learner"]))
    for stale_id in (str(learner_id), f"{learner_id}:", f"{learner_id}:no-such-session", "x:y"):
        with client.session_transaction() as session:
            session["_user_id"] = stale_id
        assert not signs_in(client), stale_id


def test_sign_out_ends_only_the_browser_that_signed_out(app, demo):
    office, phone = sign_in(app), sign_in(app)
    phone.post("/logout", data={"csrf_token": csrf_token(phone, "/")})
    assert not signs_in(phone)
    assert signs_in(office)
    assert live_sessions(app) == 1


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, demo):
    here, elsewhere = sign_in(app), sign_in(app, remember=True)
    remembered = cookie(elsewhere, "remember_token")
    response = change_password(here, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 303
    page = here.get(response.headers["Location"]).get_data(as_text=True)
    assert "Пароль изменён" in page and "Активных сеансов вашей учётной записи: 1." in page
    assert signs_in(here)
    assert not signs_in(elsewhere)
    assert not signs_in(replay(app, remember_token=remembered))
    stranger = app.test_client()
    assert stranger.post("/login", data={"email": DEMO_EMAILS["learner"], "password": DEMO_PASSWORD,
                                         "csrf_token": csrf_token(stranger)}).status_code == 401
    sign_in(app, password=NEW_PASSWORD)


def test_a_password_change_needs_the_current_password(app, demo):
    here, elsewhere = sign_in(app), sign_in(app)
    wrong = change_password(here, "not-my-password", NEW_PASSWORD)
    assert wrong.status_code == 422
    assert "Текущий пароль указан неверно." in wrong.get_data(as_text=True)
    mismatch = change_password(here, DEMO_PASSWORD, NEW_PASSWORD, confirm=NEW_PASSWORD + "!")
    assert mismatch.status_code == 400
    assert "Новые пароли не совпадают." in mismatch.get_data(as_text=True)
    short = change_password(here, DEMO_PASSWORD, "short")
    assert short.status_code == 422
    assert "Пароль должен быть не короче 8 символов." in short.get_data(as_text=True)
    assert signs_in(here) and signs_in(elsewhere)  # nothing changed, nobody was signed out
    sign_in(app, password=DEMO_PASSWORD)


def test_guessing_the_current_password_on_the_account_page_is_throttled(app_factory, demo):
    app = app_factory(LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS=2)
    client = sign_in(app)
    assert change_password(client, "guess-1", NEW_PASSWORD).status_code == 422
    assert change_password(client, "guess-2", NEW_PASSWORD).status_code == 422
    blocked = change_password(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_an_account_without_a_password_cannot_change_one(app, demo):
    browser = sign_in(app)
    with app.app_context():
        db.session.execute(sa.update(User).where(User.email == DEMO_EMAILS["learner"]).values(password_hash=None))
        db.session.commit()
    page = browser.get("/account").get_data(as_text=True)
    assert "пароля здесь у вашей учётной записи нет" in page and 'name="new_password"' not in page
    assert change_password(browser, "", NEW_PASSWORD).status_code == 400
    assert change_password(browser, "anything", NEW_PASSWORD).status_code == 422


def test_sign_out_everywhere_ends_every_session(app, demo):
    here, elsewhere = sign_in(app), sign_in(app, remember=True)
    remembered, copied = cookie(elsewhere, "remember_token"), cookie(here, "session")
    other_user = sign_in(app, DEMO_EMAILS["manager"])
    page = here.get("/account").get_data(as_text=True)
    assert "Выйти на всех устройствах" in page and "Активных сеансов вашей учётной записи: 2." in page
    response = here.post("/account/sign-out-everywhere", data={"csrf_token": csrf_token(here, "/account")})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for client in (here, elsewhere, replay(app, session=copied), replay(app, remember_token=remembered)):
        assert not signs_in(client)
    assert live_sessions(app) == 0
    assert signs_in(other_user)  # another account's sessions are its own


def test_sign_out_everywhere_needs_the_csrf_token(app, demo):
    browser = sign_in(app)
    assert browser.post("/account/sign-out-everywhere").status_code == 400
    assert signs_in(browser)


def test_the_account_page_is_linked_from_every_page_and_in_english_too(app, demo):
    browser = sign_in(app)
    assert 'href="/account"' in browser.get("/").get_data(as_text=True)
    html = browser.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Your account" in html and "Sign out everywhere" in html and "Change password" in html
