"""Open Badges 3.0 export: our VC-JWT verifies with the published JWKS and has the fixture's shape."""

import base64
import datetime
import hashlib
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from lms.certificates.openbadges import (
    BadgeVerificationError,
    build_open_badge_credential,
    hashed_identity,
    issuer_jwks,
    issuer_profile,
    revocation_list,
    sign_badge_jwt,
    verify_badge_jwt,
)
from lms.testing import shared_fixture

# VC 1.1 -> 2.0 renamed issuanceDate to validFrom; in a VC-JWT the JWS itself is the proof.
VC2_RENAMES = {"issuanceDate": "validFrom"}
JWT_PROVIDES = {"proof"}


def fixture_text(name: str) -> str:
    return shared_fixture("ob30", name).read_text(encoding="utf-8")


def decode_segment(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def make_credential(**overrides):
    values = dict(
        credential_id="https://lms.example.com/verify/k3mzq7x2c4vbn5a6s8d9f0g1hq",
        issuer=issuer_profile(
            issuer_id="https://lms.example.com/badges/issuer",
            name="Обучение дилеров",
            url="https://lms.example.com/",
        ),
        achievement_id="https://lms.example.com/courses/hybrid-service",
        achievement_name="Обслуживание гибридных силовых установок, версия 2.1",
        achievement_description="Сертификат о прохождении курса и итогового теста.",
        criteria="https://lms.example.com/courses/hybrid-service",
        subject_id="urn:uuid:6f1c4f0e-5d4b-4f59-9d43-0c6d1b2f8a11",
        valid_from=datetime.datetime(2026, 3, 15, 9, 30),
        valid_until=datetime.date(2099, 3, 15),
        status_url="https://lms.example.com/badges/revocations",
        recipient_identifiers=[hashed_identity("Ivan.Petrov@Dealer.example", salt="c0ffee")],
    )
    values.update(overrides)
    return build_open_badge_credential(**values)


@pytest.fixture(params=["ES256", "RS256"])
def badge_key(request):
    if request.param == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_our_jwt_decodes_with_the_published_jwks_and_has_the_required_fields(badge_key):
    credential = make_credential()
    jwks = json.loads(json.dumps(issuer_jwks(badge_key.public_key())))  # as published over HTTP
    token = sign_badge_jwt(credential, badge_key)

    claims = verify_badge_jwt(token, jwks)

    header = jwt.get_unverified_header(token)
    assert header["alg"] == jwks["keys"][0]["alg"] and header["kid"] == jwks["keys"][0]["kid"]
    assert claims["iss"] == "https://lms.example.com/badges/issuer"
    assert claims["jti"] == credential["id"]
    assert claims["sub"] == "urn:uuid:6f1c4f0e-5d4b-4f59-9d43-0c6d1b2f8a11"
    assert claims["nbf"] == int(datetime.datetime(2026, 3, 15, 9, 30, tzinfo=datetime.timezone.utc).timestamp())
    assert claims["exp"] == int(datetime.datetime(2099, 3, 15, tzinfo=datetime.timezone.utc).timestamp())
    vc = claims["vc"]
    assert vc["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["type"] == ["Profile"]
    assert vc["validFrom"] == "2026-03-15T09:30:00Z" and vc["validUntil"] == "2099-03-15T00:00:00Z"
    assert vc["credentialStatus"] == {
        "id": "https://lms.example.com/badges/revocations", "type": "1EdTechRevocationList",
    }
    subject = vc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    for key in ("id", "type", "name", "description", "criteria"):
        assert achievement[key], key
    assert achievement["type"] == ["Achievement"]


def test_our_credential_has_every_key_of_the_1edtech_fixture():
    fixture_json = json.loads(fixture_text("simple.json"))
    fixture_jwt_vc = decode_segment(fixture_text("simple.jwt").strip().split(".")[1])["vc"]
    ours = make_credential()
    for source in (fixture_json, fixture_jwt_vc):
        expected = {VC2_RENAMES.get(key, key) for key in source} - JWT_PROVIDES
        assert expected <= ours.keys(), expected - ours.keys()
        for key in ("issuer", "credentialSubject"):
            assert source[key].keys() <= ours[key].keys()
        assert set(source["type"]) <= set(ours["type"])


def test_our_jwt_carries_the_same_claims_as_the_fixture_jwt(badge_key):
    fixture_header, fixture_claims = (decode_segment(s) for s in fixture_text("simple.jwt").strip().split(".")[:2])
    header, claims, _ = sign_badge_jwt(make_credential(), badge_key).split(".")
    assert fixture_claims.keys() <= decode_segment(claims).keys()
    assert fixture_header.keys() <= decode_segment(header).keys()


def test_tampered_token_fails(badge_key):
    token = sign_badge_jwt(make_credential(), badge_key)
    header, claims, signature = token.split(".")
    forged = decode_segment(claims)
    forged["vc"]["credentialSubject"]["achievement"]["name"] = "Something never passed"
    forged_claims = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(BadgeVerificationError):
        verify_badge_jwt(f"{header}.{forged_claims}.{signature}", issuer_jwks(badge_key.public_key()))


def test_token_signed_by_another_key_with_the_same_kid_fails():
    ours, theirs = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    token = sign_badge_jwt(make_credential(), theirs, kid="org-2026")
    with pytest.raises(BadgeVerificationError):
        verify_badge_jwt(token, issuer_jwks(ours.public_key(), kid="org-2026"))


def test_unknown_kid_fails():
    key = ec.generate_private_key(ec.SECP256R1())
    token = sign_badge_jwt(make_credential(), key, kid="old-key")
    with pytest.raises(BadgeVerificationError) as caught:
        verify_badge_jwt(token, issuer_jwks(key.public_key(), kid="new-key"))
    assert caught.value.params == {"kid": "old-key"}


def test_expired_badge_fails_and_no_expiry_means_no_exp_claim():
    key = ec.generate_private_key(ec.SECP256R1())
    jwks = issuer_jwks(key.public_key())
    expired = make_credential(valid_from=datetime.date(2020, 1, 1), valid_until=datetime.date(2021, 1, 1))
    with pytest.raises(BadgeVerificationError) as caught:
        verify_badge_jwt(sign_badge_jwt(expired, key), jwks)
    assert caught.value.message == "The badge has expired"
    assert verify_badge_jwt(sign_badge_jwt(expired, key), jwks, check_times=False)["vc"]["validUntil"]

    lifelong = make_credential(valid_until=None)
    claims = verify_badge_jwt(sign_badge_jwt(lifelong, key), jwks)
    assert "exp" not in claims and "validUntil" not in claims["vc"]


def test_recipient_email_is_hashed_never_shown():
    identity = hashed_identity("  Ivan.Petrov@Dealer.example ", salt="c0ffee")
    expected = hashlib.sha256(b"ivan.petrov@dealer.examplec0ffee").hexdigest()
    assert identity["identityHash"] == f"sha256${expected}"
    assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
    assert "dealer.example" not in json.dumps(make_credential()).lower()
    assert hashed_identity("a@b.c")["salt"] != hashed_identity("a@b.c")["salt"]


def test_narrative_criteria_and_revocation_list_document():
    credential = make_credential(criteria="Pass the final test with at least 80%.")
    assert credential["credentialSubject"]["achievement"]["criteria"] == {
        "narrative": "Pass the final test with at least 80%."
    }
    listing = revocation_list(
        "https://lms.example.com/badges/revocations",
        [(credential["id"], "Issued in error"), ("https://lms.example.com/verify/other", None)],
    )
    assert listing["revokedCredentials"] == [
        {"id": credential["id"], "revocationReason": "Issued in error"},
        {"id": "https://lms.example.com/verify/other"},
    ]
