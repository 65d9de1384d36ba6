"""The upsert by external id never takes over an account it does not own (issue 17, item 1).

An integration creates users and updates the ones it created or an admin linked to it; anything
else is a 409 saying why, and the victim is left exactly as it was (name, dealer, active flag,
e-mail, and a password that still works only with the old address).
"""
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from lms.api.models import LINK_ADMIN, LINK_ADOPTED, LINK_CREATED, ApiUserLink
from lms.auth.models import Dealer, User
from lms.cli import cli
from lms.extensions import db
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, TEST_SECRET_KEY, api_token, csrf_token
from lms.timeutil import utcnow

ATTACKER_EMAIL = "attacker@evil-host.example.com"
LEARNER = DEMO_EMAILS["learner"]


def token_client(app, integration):
    value = api_token(app, "write:users", integration=integration)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {value}"
    return client


@pytest.fixture
def host_a(app, demo):
    return token_client(app, "partner-portal")


@pytest.fixture
def host_b(app, demo):
    return token_client(app, "regional-crm")


def dealer_ids(app):
    with app.app_context():
        return {d.tax_id: d.id for d in db.session.scalars(sa.select(Dealer))}


def snapshot(app, email):
    """Everything the issue saw an attacker change, plus the links pointing at the user."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        links = sorted((link.integration, link.external_id, link.origin)
                       for link in db.session.scalars(sa.select(ApiUserLink).where(ApiUserLink.user_id == user.id)))
        return {"id": user.id, "email": user.email, "name": user.name, "dealer_id": user.dealer_id,
                "active": user.active, "role": user.role, "locale": user.locale, "links": links}


def signs_in(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_token(client)})
    return response.status_code == 302


def hijack_body(app, email):
    other_dealer = dealer_ids(app)["3620000002"]
    return {"email": email, "name": "Захвачен", "dealer_id": other_dealer, "active": False, "role": "dealer_admin"}


def test_a_local_learner_is_not_adopted_by_email(app, host_a):
    before = snapshot(app, LEARNER)
    response = host_a.put("/api/v1/users/by-external-id/evil-1", json=hijack_body(app, LEARNER))
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "account_exists"
    assert "neither created it nor was linked to it by an administrator" in error["message"]
    assert snapshot(app, LEARNER) == before
    assert host_a.get("/api/v1/users/by-external-id/evil-1").status_code == 404


def test_the_email_change_hijack_fails_and_the_password_works_only_with_the_old_address(app, host_a):
    before = snapshot(app, LEARNER)
    # The sequence: adopt by e-mail, then move the account to the attacker's address.
    host_a.put("/api/v1/users/by-external-id/evil-2", json=hijack_body(app, LEARNER))
    moved = host_a.put("/api/v1/users/by-external-id/evil-2", json=hijack_body(app, ATTACKER_EMAIL))
    assert moved.status_code == 201  # a new, separate user with the attacker's address, nothing more
    assert moved.json["id"] != before["id"] and moved.json["email"] == ATTACKER_EMAIL
    assert snapshot(app, LEARNER) == before
    assert signs_in(app, LEARNER) and not signs_in(app, ATTACKER_EMAIL)


def test_a_user_of_another_integration_is_not_adopted(app, host_a, host_b):
    dealer = dealer_ids(app)["2310000001"]
    created = host_b.put("/api/v1/users/by-external-id/b-7",
                         json={"email": "olga@dealer-b.example.com", "name": "Ольга", "dealer_id": dealer})
    assert created.status_code == 201
    before = snapshot(app, "olga@dealer-b.example.com")
    response = host_a.put("/api/v1/users/by-external-id/a-7", json=hijack_body(app, "olga@dealer-b.example.com"))
    assert response.status_code == 409 and response.json["error"]["code"] == "account_exists"
    assert snapshot(app, "olga@dealer-b.example.com") == before
    # Its own integration still manages it.
    renamed = host_b.put("/api/v1/users/by-external-id/b-7",
                         json={"email": "olga@dealer-b.example.com", "name": "Ольга Н.", "dealer_id": dealer})
    assert renamed.status_code == 200 and renamed.json["name"] == "Ольга Н."


def test_staff_accounts_and_emails_of_other_own_ids_are_refused_with_their_own_codes(app, host_a):
    dealer = dealer_ids(app)["2310000001"]
    staff = host_a.put("/api/v1/users/by-external-id/s-1",
                       json={"email": DEMO_EMAILS["admin"], "name": "X", "dealer_id": dealer})
    assert staff.status_code == 409 and staff.json["error"]["code"] == "staff_account"
    host_a.put("/api/v1/users/by-external-id/own-1", json={"email": "own@partner.example.com", "name": "O",
                                                           "dealer_id": dealer})
    twice = host_a.put("/api/v1/users/by-external-id/own-2", json={"email": "own@partner.example.com", "name": "O",
                                                                   "dealer_id": dealer})
    assert twice.status_code == 409 and twice.json["error"]["code"] == "email_taken"


def test_own_users_are_created_and_updated_including_their_email(app, host_a):
    dealers = dealer_ids(app)
    body = {"email": "new@partner.example.com", "name": "Новый", "dealer_id": dealers["2310000001"]}
    created = host_a.put("/api/v1/users/by-external-id/crm-1", json=body)
    assert created.status_code == 201
    with app.app_context():
        link = db.session.scalar(sa.select(ApiUserLink).where(ApiUserLink.external_id == "crm-1"))
        assert (link.origin, link.linked_by_id) == (LINK_CREATED, None)
        # Even once the person has a local password, the integration that created them keeps the address.
        db.session.get(User, created.json["id"]).password_hash = db.session.scalar(
            sa.select(User.password_hash).where(User.email == LEARNER))
        db.session.commit()
    updated = host_a.put("/api/v1/users/by-external-id/crm-1", json={
        **body, "email": "renamed@partner.example.com", "name": "Переименован", "dealer_id": dealers["3620000002"],
        "active": False})
    assert updated.status_code == 200, updated.json
    assert (updated.json["email"], updated.json["name"], updated.json["dealer_id"], updated.json["active"]) == (
        "renamed@partner.example.com", "Переименован", dealers["3620000002"], False)


def test_an_admin_link_lets_the_integration_update_but_not_move_a_password_account(app, host_a, login_as):
    dealers = dealer_ids(app)
    admin = login_as("admin")
    page = admin.get("/admin/api-tokens/links")
    assert page.status_code == 200 and "Связать существующего пользователя" in page.get_data(as_text=True)
    assert admin.post("/admin/api-tokens/links", data={
        "integration": "partner-portal", "external_id": "crm-77", "user": LEARNER}).status_code == 400  # no CSRF
    linked = admin.post("/admin/api-tokens/links", data={
        "integration": "partner-portal", "external_id": "crm-77", "user": LEARNER,
        "csrf_token": csrf_token(admin, "/admin/api-tokens/links")}, follow_redirects=True)
    assert linked.status_code == 200 and "теперь partner-portal может изменять его через API" in linked.get_data(
        as_text=True)
    with app.app_context():
        link = db.session.scalar(sa.select(ApiUserLink).where(ApiUserLink.external_id == "crm-77"))
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["admin"]))
        assert (link.origin, link.linked_by_id) == (LINK_ADMIN, admin_id)
    listing = admin.get("/admin/api-tokens/links").get_data(as_text=True)
    assert "crm-77" in listing and "Связан администратором" in listing and "Администратор портала" in listing

    before = snapshot(app, LEARNER)
    moved = host_a.put("/api/v1/users/by-external-id/crm-77", json=hijack_body(app, ATTACKER_EMAIL))
    assert moved.status_code == 409 and moved.json["error"]["code"] == "email_locked"
    assert "cannot change their email" in moved.json["error"]["message"]
    assert snapshot(app, LEARNER) == before and signs_in(app, LEARNER) and not signs_in(app, ATTACKER_EMAIL)

    updated = host_a.put("/api/v1/users/by-external-id/crm-77",
                         json={"email": LEARNER, "name": "Иван П.", "dealer_id": dealers["3620000002"]})
    assert updated.status_code == 200 and updated.json["id"] == before["id"]
    assert (updated.json["name"], updated.json["dealer_id"]) == ("Иван П.", dealers["3620000002"])

    unlinked = admin.post(f"/admin/api-tokens/links/{link.id}/unlink",
                          data={"csrf_token": csrf_token(admin, "/admin/api-tokens/links")})
    assert unlinked.status_code == 302
    again = host_a.put("/api/v1/users/by-external-id/crm-77",
                       json={"email": LEARNER, "name": "Снова", "dealer_id": dealers["2310000001"]})
    assert again.status_code == 409 and again.json["error"]["code"] == "account_exists"


@pytest.mark.parametrize("form, message", [
    ({"integration": "partner-portal", "external_id": "x", "user": DEMO_EMAILS["manager"]},
     "API ими не управляет"),
    ({"integration": "no-such-host", "external_id": "x", "user": LEARNER}, "нет ни одного API-токена"),
    ({"integration": "partner-portal", "external_id": " x", "user": LEARNER}, "не с пробела"),
    ({"integration": "partner-portal", "external_id": "x", "user": "nobody@demo.example.com"},
     "Нет пользователя с таким e-mail или id"),
    ({"integration": "partner-portal", "external_id": "taken", "user": LEARNER}, "уже связан с"),
])
def test_the_admin_link_form_refuses_clearly(app, host_a, login_as, form, message):
    host_a.put("/api/v1/users/by-external-id/taken", json={
        "email": "taken@partner.example.com", "name": "T", "dealer_id": dealer_ids(app)["2310000001"]})
    admin = login_as("admin")
    response = admin.post("/admin/api-tokens/links",
                          data={**form, "csrf_token": csrf_token(admin, "/admin/api-tokens/links")})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiUserLink)) == 1


def test_only_admins_reach_the_link_page(login_as):
    assert login_as("manager").get("/admin/api-tokens/links").status_code == 403


def test_an_unconfirmed_email_adoption_gives_no_rights_until_an_admin_confirms_it(app, host_a, login_as):
    with app.app_context():
        learner_id = db.session.scalar(sa.select(User.id).where(User.email == LEARNER))
        db.session.add(ApiUserLink(integration="partner-portal", external_id="old-1", user_id=learner_id,
                                   origin=LINK_ADOPTED))
        db.session.commit()
    before = snapshot(app, LEARNER)
    response = host_a.put("/api/v1/users/by-external-id/old-1", json=hijack_body(app, LEARNER))
    assert response.status_code == 409 and response.json["error"]["code"] == "link_unconfirmed"
    assert snapshot(app, LEARNER) == before
    admin = login_as("admin")
    assert "Сопоставлен по e-mail, не подтверждён" in admin.get("/admin/api-tokens/links").get_data(as_text=True)
    confirmed = admin.post("/admin/api-tokens/links", data={
        "integration": "partner-portal", "external_id": "old-1", "user": str(learner_id),
        "csrf_token": csrf_token(admin, "/admin/api-tokens/links")})
    assert confirmed.status_code == 302
    renamed = host_a.put("/api/v1/users/by-external-id/old-1", json={
        "email": LEARNER, "name": "Иван Петров-Сидоров", "dealer_id": before["dealer_id"]})
    assert renamed.status_code == 200 and renamed.json["name"] == "Иван Петров-Сидоров"


def test_the_cli_links_and_unlinks_recording_the_admin(app, host_a, database_url, instance_root):
    env = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root), "LMS_SECRET_KEY": TEST_SECRET_KEY}
    runner = CliRunner()
    base = ["api-tokens", "link", "--integration", "partner-portal", "--external-id", "cli-9", "--user", LEARNER]
    not_admin = runner.invoke(cli, [*base, "--by", DEMO_EMAILS["manager"]], env=env)
    assert not_admin.exit_code == 2 and "administrator" in not_admin.output
    linked = runner.invoke(cli, [*base, "--by", DEMO_EMAILS["admin"]], env=env)
    assert linked.exit_code == 0, linked.output
    with app.app_context():
        link = db.session.scalar(sa.select(ApiUserLink).where(ApiUserLink.external_id == "cli-9"))
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["admin"]))
        assert (link.origin, link.linked_by_id) == (LINK_ADMIN, admin_id)
    assert host_a.put("/api/v1/users/by-external-id/cli-9", json={
        "email": LEARNER, "name": "Через CLI", "dealer_id": dealer_ids(app)["2310000001"]}).status_code == 200
    assert runner.invoke(cli, ["api-tokens", "unlink", "--integration", "partner-portal", "--external-id", "cli-9"],
                         env=env).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiUserLink)) == 0


def test_the_migration_marks_earlier_email_adoptions_unconfirmed(app, demo):
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        learner = db.session.scalar(sa.select(User).where(User.email == LEARNER))
        fresh = User(email="fresh@partner.example.com", name="F", role="learner", dealer_id=learner.dealer_id,
                     created_at=utcnow())
        db.session.add(fresh)
        db.session.flush()
        # Before api_0002 a link adopted by e-mail came long after its user; a created one came with it.
        rows = [{"ext": "adopted", "user_id": learner.id,
                 "at": learner.created_at.replace(year=learner.created_at.year + 1)},
                {"ext": "created", "user_id": fresh.id, "at": fresh.created_at}]
        db.session.commit()
        db.session.close()  # no snapshot of the old schema may outlive the migration
        downgrade(revision="api_0001")
        try:
            with db.engine.begin() as connection:
                connection.execute(sa.text("INSERT INTO api_user_link (integration, external_id, user_id, created_at) "
                                           "VALUES ('partner-portal', :ext, :user_id, :at)"), rows)
        finally:
            upgrade(revision="heads")
        origins = dict(db.session.execute(sa.select(ApiUserLink.external_id, ApiUserLink.origin)).all())
    assert origins == {"adopted": LINK_ADOPTED, "created": LINK_CREATED}
