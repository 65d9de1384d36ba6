"""SSO sign-in through /sso/jwt with real keys: RS256 (rotated JWKS), ES256 and HS256 provision users and
dealers; every attack is refused with a clear reason, nothing is created and the token is never logged."""
from __future__ import annotations

import hashlib
import hmac
import logging
import time
from datetime import timedelta

import jwt
import pytest
import sqlalchemy as sa

from lms import hookimpl
from lms.auth.models import Dealer, User
from lms.extensions import db
from lms.sso.issuers import IssuerConfigError
from lms.sso.models import SsoDealerLink, SsoIdentity, SsoUsedJti
from lms.timeutil import utcnow
from sso_kit import (HTTPS, RSA_ISS, b64, claims, es_token, hs_token, keys, public_pem, rs_token,
                     write_issuers)


class ProvisionedRecorder:
    """Records lms_user_provisioned as a plugin would receive it."""

    def __init__(self):
        self.calls = []

    @hookimpl
    def lms_user_provisioned(self, user_id, source):
        self.calls.append((user_id, source))


@pytest.fixture(scope="module")
def issuers_file(tmp_path_factory):
    return write_issuers(tmp_path_factory.mktemp("sso"))


@pytest.fixture
def recorder():
    return ProvisionedRecorder()


@pytest.fixture
def sso_app(app_factory, issuers_file, recorder):
    return app_factory(plugins=[recorder], SSO_ISSUERS=str(issuers_file))


@pytest.fixture
def sso_client(sso_app):
    return sso_app.test_client()


def counts(app) -> dict:
    with app.app_context():
        return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (User, Dealer, SsoIdentity, SsoDealerLink, SsoUsedJti)}


def sso_user(app, issuer: str, sub: str) -> User:
    with app.app_context():
        user = db.session.scalar(sa.select(User).join(SsoIdentity, SsoIdentity.user_id == User.id)
                                 .where(SsoIdentity.issuer == issuer, SsoIdentity.sub == sub)
                                 .options(sa.orm.joinedload(User.dealer)))
        db.session.expunge_all()
        return user


def sign_in(client, token, **data):
    return client.post("/sso/jwt", data={"token": token, **data})


def test_rs256_tokens_of_both_rotated_keys_sign_in_and_provision(sso_app, sso_client, recorder):
    response = sign_in(sso_client, rs_token("2024"))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = sso_user(sso_app, "rsa-portal", "emp-1001")
    assert (user.email, user.name, user.role, user.locale, user.password_hash) == (
        "ivan.sidorov@sever.example", "Иван Сидоров", "learner", "ru", None)
    assert (user.dealer.name, user.dealer.tier, user.dealer.region) == ("Автоцентр Север", "gold", "Северо-Запад")
    assert recorder.calls == [(user.id, "sso")]
    assert "Иван Сидоров" in sso_client.get("/").get_data(as_text=True)  # signed in

    other = sso_app.test_client()
    assert sign_in(other, rs_token("2025", sub="emp-1002", email="olga@sever.example", name="Ольга",
                                   roles=["dealer-boss"])).status_code == 302
    boss = sso_user(sso_app, "rsa-portal", "emp-1002")
    assert (boss.role, boss.dealer_id) == ("dealer_admin", user.dealer_id)  # same host dealer, one dealer here
    assert counts(sso_app)["Dealer"] == 1 and len(recorder.calls) == 2


def test_es256_and_hs256_issuers_sign_in_and_provision(sso_app, sso_client):
    assert sign_in(sso_client, es_token(sub="ec-7", email="ec@dealer.example",
                                        dealer={"id": "77", "name": "ЕС-Моторс"})).status_code == 302
    ec_user = sso_user(sso_app, "ec-portal", "ec-7")
    assert (ec_user.role, ec_user.dealer.name, ec_user.dealer.tier, ec_user.dealer.region) == (
        "learner", "ЕС-Моторс", "", "")  # the ec issuer maps no roles: learner by default
    assert sign_in(sso_app.test_client(), hs_token(sub="hs-1", email="hs@dealer.example",
                                                   dealer={"id": "77"})).status_code == 302
    hs_user = sso_user(sso_app, "hs-portal", "hs-1")
    # The same external dealer id from another issuer is another dealer: ids are per issuer.
    assert hs_user.dealer_id != ec_user.dealer_id and hs_user.dealer.name == "77"


def alg_none():
    return f'{b64({"alg": "none", "typ": "JWT"})}.{b64(claims())}.'


def hs256_with_rsa_public_key():
    signing_input = f'{b64({"alg": "HS256", "typ": "JWT", "kid": "2024"})}.{b64(claims())}'
    signature = hmac.new(public_pem(keys()["2024"]), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def tampered():
    header, _payload, signature = rs_token().split(".")
    return f'{header}.{b64(claims(roles=["trainer"]))}.{signature}'


def now() -> int:
    return int(time.time())


REFUSALS = {
    "alg_none": (alg_none, "algorithm_not_allowed", 401),
    "hs256_with_rsa_public_key": (hs256_with_rsa_public_key, "algorithm_not_allowed", 401),
    "expired": (lambda: rs_token(iat=now() - 400, exp=now() - 100), "expired", 401),
    "not_yet_valid": (lambda: rs_token(nbf=now() + 200, exp=now() + 250), "not_yet_valid", 401),
    "issued_in_the_future": (lambda: rs_token(iat=now() + 200, exp=now() + 300), "not_yet_valid", 401),
    "wrong_aud": (lambda: rs_token(aud="another-app"), "bad_audience", 401),
    "wrong_iss": (lambda: rs_token(iss="https://evil.example"), "unknown_issuer", 401),
    "iss_of_another_issuer": (lambda: rs_token(iss="https://ec.example"), "algorithm_not_allowed", 401),
    "unknown_kid": (lambda: rs_token(kid="2099", key="2024"), "unknown_kid", 401),
    "tampered_payload": (tampered, "bad_signature", 401),
    "lifetime_too_long": (lambda: rs_token(exp=now() + 3600), "lifetime_too_long", 401),
    "missing_jti": (lambda: rs_token(jti=None), "missing_claim", 401),
    "token_100kb": (lambda: rs_token(padding="x" * 100_000), "token_too_large", 413),
    "garbage": (lambda: "not-a-token<script>", "malformed", 401),
    "empty": (lambda: "", "malformed", 401),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_bad_tokens_are_refused_clearly_and_create_nothing(case, sso_app, sso_client, caplog, recorder):
    make, code, status = REFUSALS[case]
    token = make()
    before = counts(sso_app)
    caplog.set_level(logging.INFO, logger="lms.sso")
    response = sign_in(sso_client, token)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert "Вход не выполнен" in page and f"Код: {code}" in page  # a clear page, in Russian by default
    assert counts(sso_app) == before and recorder.calls == []
    assert f"SSO sign-in refused: {code}" in caplog.text
    if len(token) > 10:
        assert token not in caplog.text
        assert not [part for part in token.split(".") if len(part) >= 16 and part[-16:] in caplog.text]
    with sso_client.session_transaction() as session:
        assert "_user_id" not in session


def test_a_refusal_is_json_when_the_client_asks_for_json(sso_client):
    response = sso_client.post("/sso/jwt", data={"token": rs_token(aud="x")},
                               headers={"Accept": "application/json"})
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert error == {"code": "bad_audience", "message": "Токен входа предназначен для другого приложения."}


def test_the_refusal_page_speaks_english_when_asked(sso_client):
    response = sso_client.get("/sso/jwt", query_string={"token": "garbage"},
                              headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert "The sign-in token is not a valid token." in response.get_data(as_text=True)


def test_a_replayed_token_is_refused(sso_app, sso_client):
    token = rs_token()
    assert sign_in(sso_client, token).status_code == 302
    response = sign_in(sso_app.test_client(), token)
    assert response.status_code == 401 and "Код: replayed" in response.get_data(as_text=True)


def test_replay_is_refused_across_processes_sharing_the_database(app_factory, issuers_file):
    first, second = (app_factory(SSO_ISSUERS=str(issuers_file)) for _ in range(2))
    token = hs_token(sub="hs-replay")
    assert sign_in(first.test_client(), token).status_code == 302
    response = second.test_client().get("/sso/jwt", query_string={"token": token},
                                        headers={"Accept": "application/json"})
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "replayed"


def test_get_works_and_next_deep_links_to_a_course(sso_client):
    response = sso_client.get("/sso/jwt", query_string={"token": rs_token(), "next": "/courses/tractor-basics"})
    assert response.status_code == 302 and response.headers["Location"] == "/courses/tractor-basics"


@pytest.mark.parametrize("next_value", ["//evil.example", "https://evil.example/", "/\\evil.example",
                                        "/%2F%2Fevil.example", "javascript:alert(1)"])
def test_an_offsite_next_is_ignored(sso_client, next_value):
    response = sign_in(sso_client, rs_token(), next=next_value)
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_the_endpoint_needs_no_csrf_token_even_from_a_cross_site_https_form(sso_client):
    response = sso_client.post("/sso/jwt", data={"token": rs_token()}, base_url=HTTPS,
                               headers={"Referer": "https://portal.rsa.example/launch", "Origin": "https://portal.rsa.example"})
    assert response.status_code == 302


def test_later_sign_ins_update_name_dealer_tier_region_and_role(sso_app, sso_client, recorder):
    sign_in(sso_client, rs_token())
    first = sso_user(sso_app, "rsa-portal", "emp-1001")
    sign_in(sso_client, rs_token(key="2025", kid="2025", name="Иван Сидоров-Новый", email="ivan@sever.example",
                                 roles=["dealer-boss", "employee"],
                                 dealer={"id": "D-77", "name": "Север Плюс", "tier": "platinum", "region": "Карелия"}))
    again = sso_user(sso_app, "rsa-portal", "emp-1001")
    assert again.id == first.id and again.dealer_id == first.dealer_id
    assert (again.name, again.email, again.role) == ("Иван Сидоров-Новый", "ivan@sever.example", "dealer_admin")
    assert (again.dealer.name, again.dealer.tier, again.dealer.region) == ("Север Плюс", "platinum", "Карелия")
    sign_in(sso_client, rs_token(roles=["employee"], dealer={"id": "D-88", "name": "Юг"}))
    moved = sso_user(sso_app, "rsa-portal", "emp-1001")
    assert (moved.role, moved.dealer.name) == ("learner", "Юг") and moved.dealer_id != first.dealer_id
    sign_in(sso_client, rs_token(roles=["trainer"], dealer=None))
    staff = sso_user(sso_app, "rsa-portal", "emp-1001")
    assert (staff.role, staff.dealer_id) == ("author", None)  # manufacturer staff belong to no dealer
    assert recorder.calls == [(first.id, "sso")]  # provisioned once, updated later
    assert counts(sso_app)["SsoIdentity"] == 1


def test_an_existing_local_account_with_the_same_email_is_not_taken_over(sso_app, sso_client, demo):
    # More of this rule (other issuers' accounts, trusted issuers, admin links) in test_sso_account_linking.py.
    before = counts(sso_app)
    token = rs_token(sub="attacker-1", email="learner@demo.example.com", name="Чужой", roles=["employee"])
    response = sso_client.post("/sso/jwt", data={"token": token}, headers={"Accept": "application/json"})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "account_exists"
    assert counts(sso_app) == before
    with sso_app.app_context():
        local = db.session.scalar(sa.select(User).where(User.email == "learner@demo.example.com"))
        assert (local.name, local.password_hash is not None) == ("Иван Петров", True)
    assert "Иван Петров" not in sso_client.get("/").get_data(as_text=True)


def test_a_learner_without_a_dealer_claim_is_refused(sso_app, sso_client):
    before = counts(sso_app)
    response = sso_client.post("/sso/jwt", data={"token": hs_token(sub="no-dealer", dealer=None)},
                               headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "dealer_required"
    assert counts(sso_app) == before


def test_a_deactivated_account_cannot_sign_in_through_sso(sso_app, sso_client):
    sign_in(sso_client, rs_token())
    user = sso_user(sso_app, "rsa-portal", "emp-1001")
    with sso_app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    response = sign_in(sso_app.test_client(), rs_token())
    assert response.status_code == 403 and "Код: deactivated" in response.get_data(as_text=True)


def test_signing_in_replaces_whoever_was_signed_in(sso_app, demo):
    client = sso_app.test_client()
    from lms.testing import csrf_token
    client.post("/login", data={"email": "admin@demo.example.com", "password": "demo-password",
                                "csrf_token": csrf_token(client)})
    assert "Администратор портала" in client.get("/").get_data(as_text=True)
    sign_in(client, rs_token())
    page = client.get("/").get_data(as_text=True)
    assert "Иван Сидоров" in page and "Администратор портала" not in page


def test_expired_jti_records_are_purged_on_sign_in(sso_app, sso_client):
    with sso_app.app_context():
        db.session.add(SsoUsedJti(issuer="rsa-portal", jti="old", expires_at=utcnow() - timedelta(minutes=5)))
        db.session.add(SsoUsedJti(issuer="rsa-portal", jti="fresh", expires_at=utcnow() + timedelta(minutes=1)))
        db.session.commit()
    sign_in(sso_client, rs_token(jti="new"))
    with sso_app.app_context():
        assert set(db.session.scalars(sa.select(SsoUsedJti.jti))) == {"fresh", "new"}


def test_a_bad_issuers_file_stops_start_up_naming_issuer_and_key(app_factory, tmp_path):
    bad = tmp_path / "issuers.toml"
    bad.write_text('[[issuer]]\nname = "weak"\niss = "https://weak.example"\naudience = "lms"\n'
                   'algorithms = ["HS256"]\nsecret = "short"\n')
    with pytest.raises(IssuerConfigError, match='issuer "weak": key "secret": must be at least 32 bytes'):
        app_factory(SSO_ISSUERS=str(bad))


def test_issuers_come_from_the_lms_sso_issuers_environment_variable(app_factory, issuers_file, monkeypatch):
    monkeypatch.setenv("LMS_SSO_ISSUERS", str(issuers_file))
    app = app_factory()
    assert set(app.extensions["lms_sso"].issuers) == {"rsa-portal", "ec-portal", "hs-portal"}
    assert sign_in(app.test_client(), es_token()).status_code == 302


def test_without_issuers_every_token_is_refused(client):
    response = sign_in(client, rs_token())
    assert response.status_code == 401 and "Код: unknown_issuer" in response.get_data(as_text=True)


def test_the_example_issuers_file_loads(tmp_path):
    """docs/sso-issuers.example.toml stays valid (its PEM key file is replaced by a generated one)."""
    from pathlib import Path

    from lms.sso.issuers import load_issuers
    from cryptography.hazmat.primitives.asymmetric import ec

    example = Path(__file__).resolve().parents[2] / "docs" / "sso-issuers.example.toml"
    (tmp_path / "keys").mkdir()
    (tmp_path / "keys" / "regional-crm.pem").write_bytes(public_pem(ec.generate_private_key(ec.SECP256R1())))
    (tmp_path / "issuers.toml").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    issuers = load_issuers(tmp_path / "issuers.toml", fetch=lambda url, timeout: b'{"keys": []}')
    assert set(issuers) == {"partner-portal", "regional-crm", "legacy-intranet"}
    assert issuers["partner-portal"].roles["dealer_manager"] == "dealer_admin"


def test_two_processes_racing_with_one_token_sign_in_once(app_factory, issuers_file):
    """Both apps insert the jti at the same moment: the unique key lets exactly one through."""
    import threading

    apps = [app_factory(SSO_ISSUERS=str(issuers_file)) for _ in range(2)]
    token = rs_token(sub="racer")
    barrier, statuses = threading.Barrier(2), []

    def run(app):
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post("/sso/jwt", data={"token": token},
                                    headers={"Accept": "application/json"}).status_code)

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302, 401]
    assert counts(apps[0])["SsoIdentity"] == 1


def test_a_new_sso_sign_in_ends_the_previous_session_of_that_browser_on_the_server(sso_app, sso_client):
    """Issue 17: the previous person's session ends on the server, so a copy of their cookie made
    before the new sign-in no longer works."""
    from lms.auth.sessions import UserSession

    assert sign_in(sso_client, rs_token("2024")).status_code == 302
    first = sso_client.get_cookie(sso_app.config["SESSION_COOKIE_NAME"], domain="lms.test").value
    assert sign_in(sso_client, rs_token("2025", sub="emp-1002", email="olga@sever.example",
                                        name="Ольга")).status_code == 302
    replay = sso_app.test_client()
    replay.set_cookie(sso_app.config["SESSION_COOKIE_NAME"], first, domain="lms.test")
    assert replay.get("/").status_code == 302  # to the sign-in page
    with sso_app.app_context():
        ivan = sso_user(sso_app, "rsa-portal", "emp-1001")
        assert db.session.scalar(sa.select(sa.func.count()).where(UserSession.user_id == ivan.id)) == 0
