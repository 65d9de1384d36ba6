"""SSO token validation with real keys and real signatures: good tokens pass, each attack is refused with its code."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from lms.sso.issuers import load_issuers
from lms.sso.tokens import MAX_TOKEN_BYTES, REQUIRED_CLAIMS, SsoClaims, SsoError, validate_sso_token

HS_SECRET = "a-shared-secret-of-at-least-32-bytes!"
AUDIENCE = "dealer-lms"


class JtiLedger:
    """An in-memory stand-in for the database replay store, with the same contract."""

    def __init__(self):
        self.seen: dict[tuple[str, str], datetime] = {}

    def __call__(self, issuer: str, jti: str, exp: datetime) -> bool:
        if (issuer, jti) in self.seen:
            return False
        self.seen[(issuer, jti)] = exp
        return True


def new_rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(public_key) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def jwks(*pairs) -> str:
    return json.dumps({"keys": [RSAAlgorithm.to_jwk(key.public_key(), as_dict=True) | {"kid": kid, "use": "sig"}
                                for kid, key in pairs]})


@pytest.fixture(scope="module")
def keys():
    return {"rsa_2024": new_rsa(), "rsa_2025": new_rsa(), "ec": ec.generate_private_key(ec.SECP256R1())}


@pytest.fixture(scope="module")
def issuers(keys, tmp_path_factory):
    folder = tmp_path_factory.mktemp("issuers")
    (folder / "rotating.json").write_text(jwks(("2024", keys["rsa_2024"]), ("2025", keys["rsa_2025"])))
    (folder / "ec.pem").write_bytes(pem(keys["ec"].public_key()))
    (folder / "issuers.toml").write_text(f"""
[[issuer]]
name = "rsa-portal"
iss = "https://rsa.example"
audience = "{AUDIENCE}"
algorithms = ["RS256"]
jwks_file = "rotating.json"
[issuer.roles]
employee = "learner"
dealer-boss = "dealer_admin"

[[issuer]]
name = "ec-portal"
iss = "https://ec.example"
audience = "{AUDIENCE}"
algorithms = ["ES256"]
public_key_file = "ec.pem"

[[issuer]]
name = "hs-portal"
iss = "https://hs.example"
audience = "{AUDIENCE}"
algorithms = ["HS256"]
secret = "{HS_SECRET}"
[issuer.roles]
author = "author"
""")
    return load_issuers(folder / "issuers.toml")


def claims_now(iss="https://rsa.example", **changes):
    now = int(time.time())
    claims = {"iss": iss, "aud": AUDIENCE, "sub": "user-42", "iat": now, "exp": now + 120, "jti": f"jti-{now}-{id(changes)}",
              "email": "Ivan.Petrov@Dealer.example", "name": "Иван Петров", "locale": "ru",
              "roles": ["employee", "dealer-boss", "astronaut"],
              "dealer": {"id": "D-7", "name": "Автоцентр Север", "tier": "gold", "region": "NW"}}
    claims.update(changes)
    return {key: value for key, value in claims.items() if value is not None}


def rs_token(keys, kid="2024", key_name="rsa_2024", **changes):
    return jwt.encode(claims_now(**changes), keys[key_name], algorithm="RS256", headers={"kid": kid} if kid else None)


def refused(token, issuers, code, ledger=None, **kwargs) -> SsoError:
    with pytest.raises(SsoError) as caught:
        validate_sso_token(token, issuers, jti_is_new=ledger or JtiLedger(), **kwargs)
    assert caught.value.code == code, caught.value
    if isinstance(token, str) and len(token) > 20:
        assert token not in str(caught.value) and token[-20:] not in caught.value.message
    return caught.value


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_rs256_tokens_from_both_rotated_keys_pass(keys, issuers):
    ledger = JtiLedger()
    for kid, key_name in (("2024", "rsa_2024"), ("2025", "rsa_2025")):
        claims = validate_sso_token(rs_token(keys, kid, key_name, jti=f"j-{kid}"), issuers, jti_is_new=ledger)
        assert isinstance(claims, SsoClaims)
        assert (claims.issuer, claims.iss, claims.sub, claims.jti) == ("rsa-portal", "https://rsa.example",
                                                                       "user-42", f"j-{kid}")
    assert claims.roles == ("learner", "dealer_admin")  # "astronaut" is not mapped, so it is ignored
    assert claims.dealer == {"id": "D-7", "name": "Автоцентр Север", "tier": "gold", "region": "NW"}
    assert (claims.email, claims.name, claims.locale) == ("Ivan.Petrov@dealer.example", "Иван Петров", "ru")
    assert set(ledger.seen) == {("rsa-portal", "j-2024"), ("rsa-portal", "j-2025")}
    assert ledger.seen[("rsa-portal", "j-2025")] == claims.exp and claims.exp.tzinfo is None


def test_es256_and_hs256_tokens_pass(keys, issuers):
    es = jwt.encode(claims_now("https://ec.example", roles=None, dealer=None), keys["ec"], algorithm="ES256")
    claims = validate_sso_token(es, issuers, jti_is_new=JtiLedger())
    assert (claims.issuer, claims.roles, claims.dealer) == ("ec-portal", (), None)
    hs = jwt.encode(claims_now("https://hs.example", roles=["author"]), HS_SECRET, algorithm="HS256")
    assert validate_sso_token(hs, issuers, jti_is_new=JtiLedger()).roles == ("author",)


def test_alg_none_is_refused(issuers):
    unsigned = f'{b64({"alg": "none", "typ": "JWT"})}.{b64(claims_now())}.'
    refused(unsigned, issuers, "algorithm_not_allowed")


def test_hs256_signed_with_the_rsa_public_key_is_refused(keys, issuers):
    """The classic key-confusion attack: the public PEM used as an HMAC secret."""
    public_pem = pem(keys["rsa_2024"].public_key())
    signing_input = f'{b64({"alg": "HS256", "typ": "JWT", "kid": "2024"})}.{b64(claims_now())}'
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    refused(f"{signing_input}.{b64(signature)}", issuers, "algorithm_not_allowed")


def test_expired_and_not_yet_valid_tokens_are_refused(keys, issuers):
    now = int(time.time())
    refused(rs_token(keys, iat=now - 400, exp=now - 100), issuers, "expired")
    refused(rs_token(keys, iat=now, nbf=now + 200, exp=now + 250), issuers, "not_yet_valid")
    refused(rs_token(keys, iat=now + 200, exp=now + 300), issuers, "not_yet_valid")


def test_clock_skew_within_60_seconds_is_tolerated(keys, issuers):
    now = int(time.time())
    validate_sso_token(rs_token(keys, iat=now - 200, exp=now - 30), issuers, jti_is_new=JtiLedger())
    validate_sso_token(rs_token(keys, iat=now + 30, exp=now + 100, jti="skewed"), issuers, jti_is_new=JtiLedger())
    refused(rs_token(keys, iat=now - 200, exp=now - 90), issuers, "expired")


def test_an_explicit_now_decides_the_time_checks(keys, issuers):
    issued = datetime(2024, 3, 1, 9, 0, tzinfo=timezone.utc)
    token = rs_token(keys, iat=int(issued.timestamp()), exp=int(issued.timestamp()) + 300)
    naive_utc = (issued + timedelta(minutes=2)).replace(tzinfo=None)
    assert validate_sso_token(token, issuers, now=naive_utc, jti_is_new=JtiLedger()).exp == datetime(2024, 3, 1, 9, 5)
    refused(token, issuers, "expired", now=issued + timedelta(minutes=7))
    refused(token, issuers, "not_yet_valid", now=issued - timedelta(minutes=5))


def test_wrong_audience_and_wrong_issuer_are_refused(keys, issuers):
    refused(rs_token(keys, aud="another-app"), issuers, "bad_audience")
    refused(rs_token(keys, iss="https://unknown.example"), issuers, "unknown_issuer")
    intruder = ec.generate_private_key(ec.SECP256R1())
    forged = jwt.encode(claims_now("https://ec.example"), intruder, algorithm="ES256")
    refused(forged, issuers, "bad_signature")  # claims a trusted issuer, signed with someone else's key
    refused(rs_token(keys, iss="https://ec.example"), issuers, "algorithm_not_allowed")


def test_unknown_or_absent_kid_is_refused(keys, issuers):
    refused(rs_token(keys, kid="2099"), issuers, "unknown_kid")
    refused(rs_token(keys, kid=None), issuers, "unknown_kid")  # two keys in the set: which one?
    refused(rs_token(keys, kid="2025", key_name="rsa_2024"), issuers, "bad_signature")


def test_a_tampered_payload_is_refused(keys, issuers):
    header, _, signature = rs_token(keys).split(".")
    promoted = b64(claims_now(roles=["dealer-boss"], sub="someone-else"))
    refused(f"{header}.{promoted}.{signature}", issuers, "bad_signature")


def test_a_replayed_jti_is_refused(keys, issuers):
    ledger = JtiLedger()
    token = rs_token(keys, jti="once-only")
    validate_sso_token(token, issuers, jti_is_new=ledger)
    error = refused(token, issuers, "replayed", ledger=ledger)
    assert error.issuer == "rsa-portal"


def test_the_replay_store_is_consulted_only_for_otherwise_valid_tokens(keys, issuers):
    ledger = JtiLedger()
    now = int(time.time())
    refused(rs_token(keys, iat=now - 400, exp=now - 100), issuers, "expired", ledger=ledger)
    refused(rs_token(keys, aud="x"), issuers, "bad_audience", ledger=ledger)
    assert ledger.seen == {}


def test_a_100_kb_token_is_refused_before_parsing(keys, issuers):
    huge = rs_token(keys, padding="x" * 100_000)
    assert len(huge) > 100_000
    refused(huge, issuers, "token_too_large")
    refused("é" * (MAX_TOKEN_BYTES // 2 + 1), issuers, "token_too_large")


@pytest.mark.parametrize("garbage", ["", "garbage", "a.b.c", "....", "eyJ.eyJ.sig", "a b.c d.e f", None, b"x.y.z", 42,
                                     f'{b64(b"[1, 2]")}.{b64(b"{}")}.', f'{b64({"alg": "RS256"})}.{b64(b"not json")}.x'])
def test_garbage_is_refused_as_malformed(issuers, garbage):
    refused(garbage, issuers, "malformed")


@pytest.mark.parametrize("claim", REQUIRED_CLAIMS)
def test_each_required_claim_is_required(keys, issuers, claim):
    error = refused(rs_token(keys, **{claim: None}), issuers, "missing_claim")
    assert error.params == {"claim": claim}
    assert error.message % error.params == f"The sign-in token lacks the required claim {claim}."


def test_a_lifetime_over_five_minutes_is_refused(keys, issuers):
    now = int(time.time())
    refused(rs_token(keys, iat=now, exp=now + 301), issuers, "lifetime_too_long")
    assert refused(rs_token(keys, iat=now, exp=now), issuers, "bad_claim").params == {"claim": "exp"}
    validate_sso_token(rs_token(keys, iat=now, exp=now + 300), issuers, jti_is_new=JtiLedger())


@pytest.mark.parametrize("changes, claim", [
    ({"dealer": {"id": 7, "name": "Numeric id"}}, "dealer.id"),
    ({"dealer": {"name": "No id"}}, "dealer.id"),
    ({"dealer": "D-7"}, "dealer"),
    ({"dealer": {"id": "D-7", "tier": ["gold"]}}, "dealer.tier"),
    ({"roles": "employee"}, "roles"),
    ({"roles": ["employee", 3]}, "roles"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b.example\r\nBcc: x@y.example"}, "email"),
    ({"locale": "ru; DROP"}, "locale"),
    ({"sub": 42}, "sub"),
    ({"sub": "   "}, "sub"),
    ({"jti": 42}, "jti"),
    ({"exp": "tomorrow"}, "exp"),
    ({"iat": True}, "iat"),
    # What the database cannot store (issue 17): NUL and lone surrogates.
    ({"sub": "user\x00-42"}, "sub"),
    ({"jti": "jti-\udc00"}, "jti"),
    ({"name": "Иван \ud800"}, "name"),
    ({"dealer": {"id": "D-7", "name": "Север\udfff"}}, "dealer.name"),
])
def test_badly_shaped_claims_are_refused(keys, issuers, changes, claim):
    error = refused(rs_token(keys, **changes), issuers, "bad_claim")
    assert error.params == {"claim": claim}


class KeyServer:
    """A real HTTP server on 127.0.0.1 that serves whatever JWK set the test puts in ``document``."""

    def __init__(self):
        self.document = json.dumps({"keys": []})
        self.requests = 0
        self.status = 200
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                owner.requests += 1
                body = owner.document.encode()
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass  # keep test output clean

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/.well-known/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class ManualClock:
    """Monotonic seconds that only move when the test says so."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def key_server():
    server = KeyServer()
    yield server
    server.close()


def remote_issuers(tmp_path, url, clock):
    (tmp_path / "issuers.toml").write_text(f"""
[[issuer]]
name = "remote"
iss = "https://rsa.example"
audience = "{AUDIENCE}"
algorithms = ["RS256"]
jwks_url = "{url}"
""")
    return load_issuers(tmp_path / "issuers.toml", clock=clock, jwks_min_refresh_seconds=60)


def test_jwks_url_is_refreshed_on_an_unknown_kid_but_not_hammered(keys, key_server, tmp_path):
    clock = ManualClock()
    issuers = remote_issuers(tmp_path, key_server.url, clock)
    key_server.document = jwks(("2024", keys["rsa_2024"]))
    validate_sso_token(rs_token(keys, jti="r1"), issuers, jti_is_new=JtiLedger())
    validate_sso_token(rs_token(keys, jti="r2"), issuers, jti_is_new=JtiLedger())
    assert key_server.requests == 1  # cached

    key_server.document = jwks(("2024", keys["rsa_2024"]), ("2025", keys["rsa_2025"]))  # the host rotates
    refused(rs_token(keys, "2025", "rsa_2025"), issuers, "unknown_kid")  # too soon after the first fetch
    assert key_server.requests == 1

    clock.now += 61
    validate_sso_token(rs_token(keys, "2025", "rsa_2025", jti="r3"), issuers, jti_is_new=JtiLedger())
    assert key_server.requests == 2

    for attempt in range(5):  # a stream of invented kids costs at most one fetch per interval
        refused(rs_token(keys, kid=f"invented-{attempt}"), issuers, "unknown_kid")
    assert key_server.requests == 2
    clock.now += 61
    refused(rs_token(keys, kid="invented-again"), issuers, "unknown_kid")
    assert key_server.requests == 3


def test_an_unreachable_jwks_url_refuses_with_key_unavailable(keys, key_server, tmp_path):
    clock = ManualClock()
    key_server.status = 500
    issuers = remote_issuers(tmp_path, key_server.url, clock)
    refused(rs_token(keys), issuers, "key_unavailable")
    assert key_server.requests == 1
    key_server.status, key_server.document = 200, jwks(("2024", keys["rsa_2024"]))
    clock.now += 61
    validate_sso_token(rs_token(keys), issuers, jti_is_new=JtiLedger())
    assert key_server.requests == 2
