"""SSO never hands an issuer an account because its token names that account's e-mail (issue 17, item 1).

A first sign-in whose e-mail belongs to an existing account is refused (409) and changes nothing,
unless an admin linked the account to that (issuer, sub), or the issuer is trusted with
``link_existing_accounts`` and the account is dealer staff no other issuer or integration manages.
An issuer that did not create a password account never moves it to another address.
"""
from __future__ import annotations

import jwt
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from lms.api.tokens import create_token
from lms.auth.models import Dealer, User
from lms.cli import cli
from lms.events import commit
from lms.extensions import db
from lms.sso.issuers import IssuerConfigError
from lms.sso.models import IDENTITY_ADMIN, IDENTITY_CREATED, IDENTITY_EMAIL, SsoIdentity
from lms.testing import DEMO_EMAILS, DEMO_PASSWORD, TEST_SECRET_KEY, csrf_token
from sso_kit import AUDIENCE, claims, hs_token, rs_token, write_issuers

TRUSTED_ISS = "https://trusted.example"
TRUSTED_SECRET = "trusted-portal-shared-secret-of-32-bytes-at-least"
LEARNER = DEMO_EMAILS["learner"]


@pytest.fixture(scope="module")
def issuers_file(tmp_path_factory):
    path = write_issuers(tmp_path_factory.mktemp("sso-linking"))
    with path.open("a", encoding="utf-8") as issuers:
        issuers.write(f"""
[[issuer]]
name = "trusted-portal"
iss = "{TRUSTED_ISS}"
audience = "{AUDIENCE}"
algorithms = ["HS256"]
secret = "{TRUSTED_SECRET}"
link_existing_accounts = true
""")
    return path


@pytest.fixture
def sso_app(app_factory, issuers_file):
    return app_factory(SSO_ISSUERS=str(issuers_file))


def trusted_token(**changes) -> str:
    return jwt.encode(claims(**{"iss": TRUSTED_ISS, **changes}), TRUSTED_SECRET, algorithm="HS256")


def sign_in(app, token):
    client = app.test_client()
    return client, client.post("/sso/jwt", data={"token": token}, headers={"Accept": "application/json"})


def account(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        identities = sorted((i.issuer, i.sub, i.origin)
                            for i in db.session.scalars(sa.select(SsoIdentity).where(SsoIdentity.user_id == user.id)))
        return {"id": user.id, "email": user.email, "name": user.name, "dealer_id": user.dealer_id,
                "role": user.role, "active": user.active, "identities": identities}


def counts(app):
    with app.app_context():
        return [db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (User, Dealer, SsoIdentity)]


def password_signs_in(app, email):
    client = app.test_client()
    return client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                       "csrf_token": csrf_token(client)}).status_code == 302


def home_page(client) -> str | None:
    """The dashboard as this browser sees it, or None when it is not signed in."""
    response = client.get("/")
    return None if response.status_code == 302 else response.get_data(as_text=True)


def test_an_account_provisioned_by_another_issuer_is_not_taken_over(sso_app):
    _client, first = sign_in(sso_app, hs_token(sub="b-1", email="olga@dealer.example", name="Ольга"))
    assert first.status_code == 302
    before, totals = account(sso_app, "olga@dealer.example"), counts(sso_app)
    client, response = sign_in(sso_app, rs_token(sub="a-1", email="olga@dealer.example", name="Захвачена",
                                                 dealer={"id": "EVIL", "name": "Чужой дилер"}))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "account_exists"
    assert "попросите администратора" in response.get_json()["error"]["message"].lower()
    assert account(sso_app, "olga@dealer.example") == before and counts(sso_app) == totals
    assert home_page(client) is None


def test_the_refusal_page_says_why_in_the_users_language(sso_app, demo):
    client = sso_app.test_client()
    response = client.post("/sso/jwt", data={"token": rs_token(sub="a-2", email=LEARNER)})
    assert response.status_code == 409
    assert "На учебном портале уже есть учётная запись с вашим e-mail" in response.get_data(as_text=True)


def test_a_claimed_placeholder_address_aims_at_nobody(sso_app):
    sign_in(sso_app, hs_token(sub="b-2", email=None, name="Без почты"))
    with sso_app.app_context():
        placeholder = db.session.scalar(sa.select(User.email).where(User.name == "Без почты"))
    before = account(sso_app, placeholder)
    _client, response = sign_in(sso_app, rs_token(sub="a-3", email=placeholder, name="Другой"))
    assert response.status_code == 302
    assert account(sso_app, placeholder) == before
    with sso_app.app_context():
        other = db.session.scalar(sa.select(User).where(User.name == "Другой"))
        assert other.id != before["id"] and other.email != placeholder


def test_a_trusted_issuer_links_a_local_learner_by_email_but_cannot_move_its_address(sso_app, demo):
    before = account(sso_app, LEARNER)
    client, response = sign_in(sso_app, trusted_token(sub="t-1", email=LEARNER, name="Иван Петров (портал)"))
    assert response.status_code == 302
    assert "Иван Петров (портал)" in home_page(client)
    linked = account(sso_app, LEARNER)
    assert linked["identities"] == [("trusted-portal", "t-1", IDENTITY_EMAIL)]
    assert linked["name"] == "Иван Петров (портал)"
    # The learner has a password the issuer did not set: a new address would inherit it.
    sign_in(sso_app, trusted_token(sub="t-1", email="attacker@evil.example"))
    assert account(sso_app, LEARNER)["id"] == before["id"]
    assert password_signs_in(sso_app, LEARNER) and not password_signs_in(sso_app, "attacker@evil.example")


@pytest.mark.parametrize("owner", ["staff", "other_issuer", "other_integration"])
def test_a_trusted_issuer_still_cannot_link_staff_or_accounts_others_manage(sso_app, demo, owner):
    email = DEMO_EMAILS["manager"] if owner == "staff" else "managed@dealer.example.com"
    if owner == "other_issuer":
        sign_in(sso_app, hs_token(sub="b-3", email=email))
    elif owner == "other_integration":
        with sso_app.app_context():
            _token, value = create_token(name="crm", integration="regional-crm", scopes=["write:users"])
            dealer_id = db.session.scalar(sa.select(User.dealer_id).where(User.email == LEARNER))
            commit()
        created = sso_app.test_client().put("/api/v1/users/by-external-id/c-1",
                                            headers={"Authorization": f"Bearer {value}"},
                                            json={"email": email, "name": "Из CRM", "dealer_id": dealer_id})
        assert created.status_code == 201
    before, totals = account(sso_app, email), counts(sso_app)
    client, response = sign_in(sso_app, trusted_token(sub="t-2", email=email, name="Захвачен"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "account_exists"
    assert account(sso_app, email) == before and counts(sso_app) == totals
    assert home_page(client) is None


def test_a_trusted_issuer_links_a_user_its_own_api_integration_created(sso_app, demo):
    with sso_app.app_context():
        _token, value = create_token(name="own", integration="trusted-portal", scopes=["write:users"])
        dealer_id = db.session.scalar(sa.select(User.dealer_id).where(User.email == LEARNER))
        commit()
    created = sso_app.test_client().put(
        "/api/v1/users/by-external-id/p-1", headers={"Authorization": f"Bearer {value}"},
        json={"email": "own@dealer.example.com", "name": "Свой", "dealer_id": dealer_id})
    _client, response = sign_in(sso_app, trusted_token(sub="t-3", email="own@dealer.example.com"))
    assert response.status_code == 302
    linked = account(sso_app, "own@dealer.example.com")
    assert (linked["id"], linked["identities"]) == (created.json["id"], [("trusted-portal", "t-3", IDENTITY_EMAIL)])


def test_an_admin_link_lets_an_issuer_in_and_is_recorded(sso_app, demo, database_url, instance_root, issuers_file):
    env = {"LMS_DATABASE_URL": database_url, "LMS_INSTANCE_PATH": str(instance_root),
           "LMS_SECRET_KEY": TEST_SECRET_KEY, "LMS_SSO_ISSUERS": str(issuers_file)}
    runner = CliRunner()
    before = account(sso_app, LEARNER)
    link = ["sso", "link", "--issuer", "rsa-portal", "--sub", "emp-42", "--user", LEARNER]
    assert runner.invoke(cli, [*link, "--by", DEMO_EMAILS["author"]], env=env).exit_code == 2
    unknown = runner.invoke(cli, ["sso", "link", "--issuer", "nope", "--sub", "x", "--user", LEARNER,
                                  "--by", DEMO_EMAILS["admin"]], env=env)
    assert unknown.exit_code == 2 and "No SSO issuer is named 'nope'" in unknown.output
    linked = runner.invoke(cli, [*link, "--by", DEMO_EMAILS["admin"]], env=env)
    assert linked.exit_code == 0, linked.output
    with sso_app.app_context():
        identity = db.session.scalar(sa.select(SsoIdentity).where(SsoIdentity.sub == "emp-42"))
        admin_id = db.session.scalar(sa.select(User.id).where(User.email == DEMO_EMAILS["admin"]))
        assert (identity.user_id, identity.origin, identity.linked_by_id) == (before["id"], IDENTITY_ADMIN, admin_id)

    client, response = sign_in(sso_app, rs_token(sub="emp-42", email="ivan.other@sever.example", name="Иван П."))
    assert response.status_code == 302 and "Иван П." in home_page(client)
    after = account(sso_app, LEARNER)
    # A password account keeps its address: the issuer did not create it.
    assert (after["id"], after["name"], after["email"]) == (before["id"], "Иван П.", LEARNER)
    assert password_signs_in(sso_app, LEARNER)

    assert runner.invoke(cli, ["sso", "unlink", "--issuer", "rsa-portal", "--sub", "emp-42"], env=env).exit_code == 0
    _client, again = sign_in(sso_app, rs_token(sub="emp-42", email=LEARNER))
    assert again.status_code == 409


def test_an_account_the_issuer_created_follows_its_address(sso_app):
    sign_in(sso_app, rs_token(sub="c-1", email="first@dealer.example"))
    sign_in(sso_app, rs_token(sub="c-1", email="second@dealer.example"))
    moved = account(sso_app, "second@dealer.example")
    assert moved["identities"] == [("rsa-portal", "c-1", IDENTITY_CREATED)]


def test_the_trust_flag_must_be_a_boolean(app_factory, tmp_path):
    bad = tmp_path / "issuers.toml"
    bad.write_text(f'[[issuer]]\nname = "x"\niss = "https://x.example"\naudience = "lms"\n'
                   f'algorithms = ["HS256"]\nsecret = "{TRUSTED_SECRET}"\nlink_existing_accounts = "yes"\n')
    with pytest.raises(IssuerConfigError, match='key "link_existing_accounts": must be true or false'):
        app_factory(SSO_ISSUERS=str(bad))
