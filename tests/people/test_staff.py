"""Dealer admins invite and deactivate their own staff only; admins edit users; admin lists search and page."""
import re

import pytest
import sqlalchemy as sa

from lms.extensions import db
from lms.testing import DEMO_EMAILS, csrf_token, sign_in, smtp_server, smtp_settings
from lms.timeutil import clock_moved


def uid(app, email):
    from lms.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email))


def is_active(app, email):
    from lms.auth.models import User

    with app.app_context():
        return db.session.scalar(sa.select(User.active).where(User.email == email))


def test_dealer_admin_invites_a_colleague_by_a_single_use_link(app_factory, demo):
    with smtp_server() as mail:
        app = app_factory(**smtp_settings(mail))
        admin = app.test_client()
        sign_in(admin, "dealer_admin")
        token = csrf_token(admin, "/staff/")
        sent = admin.post("/staff/", data={"csrf_token": token, "email": "new.mechanic@agro.example",
                                           "name": "Новый Механик"})
        assert sent.status_code == 303
        taken = admin.post("/staff/", data={"csrf_token": token, "email": DEMO_EMAILS["learner"], "name": "Дубль"})
        assert taken.status_code == 422
        assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
        [invitation] = mail.to("new.mechanic@agro.example")
        path = re.search(r"https?://lms\.test(/invitation/\S+)", invitation.get_content()).group(1)
        visitor = app.test_client()
        with clock_moved(days=app.config["INVITATION_LINK_DAYS"] + 1):
            assert visitor.get(path).status_code == 404
        accepted = visitor.post(path, data={"csrf_token": csrf_token(visitor, path), "name": "Николай Механик",
                                            "new_password": "mechanic-pass", "confirm_password": "mechanic-pass"})
        assert accepted.status_code == 303
        assert visitor.get(path).status_code == 404  # used
        sign_in(app.test_client(), "new.mechanic@agro.example", "mechanic-pass")
    from lms.auth.models import User

    with app.app_context():
        person = db.session.scalar(sa.select(User).where(User.email == "new.mechanic@agro.example"))
        dealer_admin = db.session.scalar(sa.select(User).where(User.email == DEMO_EMAILS["dealer_admin"]))
        assert person.dealer_id == dealer_admin.dealer_id and person.role == "learner"
        assert person.name == "Николай Механик"


ROLES = ["dealer_admin", "learner", "author", "manager", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["learner", "learner2"])
def test_who_may_deactivate_whom(app, demo, role, target):
    """learner is the dealer admin's own staff; learner2 belongs to another dealer."""
    client = app.test_client()
    sign_in(client, role)
    answer = client.post(f"/staff/{uid(app, DEMO_EMAILS[target])}/active",
                         data={"csrf_token": csrf_token(client, "/"), "active": "0"})
    allowed = role == "admin" or (role == "dealer_admin" and target == "learner")
    assert (answer.status_code == 303) == allowed, answer.status_code
    if not allowed:
        assert answer.status_code in (403, 404)
    assert is_active(app, DEMO_EMAILS[target]) is (not allowed)


def test_deactivation_signs_the_person_out(app, demo):
    learner = app.test_client()
    sign_in(learner, "learner")
    admin = app.test_client()
    sign_in(admin, "dealer_admin")
    admin.post(f"/staff/{uid(app, DEMO_EMAILS['learner'])}/active", data={"csrf_token": csrf_token(admin, "/"),
                                                                          "active": "0"})
    assert learner.get("/account").status_code in (302, 401)
    assert "learner2@" not in admin.get("/staff/").get_data(as_text=True)  # only their own dealer's staff


def test_admin_edits_a_user_with_clear_messages(app, demo):
    client = app.test_client()
    sign_in(client, "admin")
    learner = uid(app, DEMO_EMAILS["learner"])
    page = client.get(f"/admin/users/{learner}/edit")
    assert page.status_code == 200
    dealer_id = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected',
                          page.get_data(as_text=True))
    dealer = next(group for group in dealer_id.groups() if group)
    token = csrf_token(client, f"/admin/users/{learner}/edit")
    clash = client.post(f"/admin/users/{learner}/edit", data={
        "csrf_token": token, "email": DEMO_EMAILS["manager"], "name": "Иван", "role": "learner",
        "dealer_id": dealer, "active": "y"})
    assert clash.status_code == 422 and "Этот e-mail уже используется" in clash.get_data(as_text=True)
    assert 'value="Иван"' in clash.get_data(as_text=True)  # nothing typed is lost
    saved = client.post(f"/admin/users/{learner}/edit", data={
        "csrf_token": token, "email": "ivan.petrov@agro.example", "name": "Иван Петров", "role": "dealer_admin",
        "dealer_id": dealer, "active": "y"})
    assert saved.status_code == 303
    from lms.auth.models import User

    with app.app_context():
        user = db.session.get(User, learner)
        assert (user.email, user.role) == ("ivan.petrov@agro.example", "dealer_admin")


def test_admin_lists_search_and_page(app, demo):
    from lms.auth.services import create_user
    from lms.events import commit

    with app.app_context():
        for number in range(60):
            create_user(email=f"extra{number:02d}@agro.example", name=f"Extra {number:02d}", role="author")
        commit()
    client = app.test_client()
    sign_in(client, "admin")
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Страница 1 из 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Страница 2 из 2" in second
    found = client.get("/admin/users?q=extra0").get_data(as_text=True)
    assert found.count("@agro.example") == 10 and "Страница" not in found
    assert client.get("/admin/users?page=999999999999999999999&q=%25").status_code == 200
    dealers = client.get("/admin/dealers?q=2310000001").get_data(as_text=True)
    assert "АгроСнаб-Юг" in dealers and "СибАгроТорг" not in dealers
