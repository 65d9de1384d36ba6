"""The trusted-issuers TOML file: a good file loads; each kind of mistake stops start-up with a precise message."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from lms.sso.issuers import IssuerConfigError, PublicKey, RemoteKeySet, SharedSecret, StaticKeySet, load_issuers

SECRET = "s" * 32


@pytest.fixture(scope="module")
def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def key_files(tmp_path, rsa_key) -> Path:
    """PEM and JWKS files in a keys/ folder next to where the TOML file will be written."""
    keys = tmp_path / "keys"
    keys.mkdir()
    public = rsa_key.public_key()
    (keys / "rsa.pem").write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo))
    (keys / "private.pem").write_bytes(rsa_key.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    jwk = RSAAlgorithm.to_jwk(public, as_dict=True) | {"kid": "k1"}
    (keys / "set.json").write_text(json.dumps({"keys": [jwk]}))
    private_jwk = RSAAlgorithm.to_jwk(rsa_key, as_dict=True) | {"kid": "k1"}
    (keys / "private-set.json").write_text(json.dumps({"keys": [private_jwk]}))
    (keys / "oct-set.json").write_text(json.dumps({"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "x"}]}))
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    (keys / "small.pem").write_bytes(small.public_bytes(serialization.Encoding.PEM,
                                                        serialization.PublicFormat.SubjectPublicKeyInfo))
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "issuers.toml"
    path.write_text(text, encoding="utf-8")
    return path


def issuer_table(name="acme", iss="https://acme.example", source=f'secret = "{SECRET}"', algorithms='["HS256"]',
                 extra="") -> str:
    return (f'[[issuer]]\nname = "{name}"\niss = "{iss}"\naudience = "dealer-lms"\n'
            f"algorithms = {algorithms}\n{source}\n{extra}\n")


def test_a_complete_file_loads_every_key_source(key_files):
    path = write(key_files, "".join([
        issuer_table("hs", "https://hs.example",
                     extra='frame_ancestors = ["https://Partner.Example.com:443", "http://localhost:5000"]\n'
                           '[issuer.roles]\nstudent = "learner"\nboss = "dealer_admin"'),
        issuer_table("pem", "https://pem.example", 'public_key_file = "keys/rsa.pem"', '["RS256", "PS256"]'),
        issuer_table("jwks", "https://jwks.example", 'jwks_file = "keys/set.json"', '["RS256"]'),
        issuer_table("remote", "https://remote.example", 'jwks_url = "https://remote.example/jwks.json"',
                     '["ES256"]'),
    ]))
    issuers = load_issuers(path)
    assert list(issuers) == ["hs", "pem", "jwks", "remote"]
    hs = issuers["hs"]
    assert (hs.iss, hs.audience, hs.algorithms) == ("https://hs.example", "dealer-lms", ("HS256",))
    assert hs.frame_ancestors == ("https://partner.example.com", "http://localhost:5000")
    assert dict(hs.roles) == {"student": "learner", "boss": "dealer_admin"}
    assert isinstance(hs.key_source, SharedSecret)
    assert isinstance(issuers["pem"].key_source, PublicKey)
    assert isinstance(issuers["jwks"].key_source, StaticKeySet)
    assert isinstance(issuers["remote"].key_source, RemoteKeySet)
    assert issuers["pem"].frame_ancestors == () and dict(issuers["pem"].roles) == {}


BAD_FILES = {
    "unknown key": (issuer_table(extra='colour = "red"'), 'issuer "acme": key "colour": is not a known key'),
    "missing key": (issuer_table().replace('audience = "dealer-lms"\n', ""), 'issuer "acme": key "audience": is missing'),
    "missing name": (issuer_table().replace('name = "acme"\n', ""), 'issuer #1: key "name": is missing'),
    "no key source": (issuer_table(source=""), 'issuer "acme": needs exactly one key source'),
    "two key sources": (issuer_table(extra='jwks_url = "https://acme.example/jwks"'),
                        "(found: secret, jwks_url)"),
    "alg none": (issuer_table(algorithms='["HS256", "none"]'),
                 'issuer "acme": key "algorithms": "none" is not allowed'),
    "alg None capitalised": (issuer_table(algorithms='["None"]'), '"none" is not allowed'),
    "unknown alg": (issuer_table(algorithms='["HS1"]'), '"HS1" is not a supported algorithm'),
    "empty algorithms": (issuer_table(algorithms="[]"), 'key "algorithms": must be a non-empty list'),
    "RS256 with a secret": (issuer_table(algorithms='["HS256", "RS256"]'),
                            'key "algorithms": a "secret" issuer may only use HS256'),
    "HS256 with a PEM key": (issuer_table(source='public_key_file = "keys/rsa.pem"', algorithms='["RS256", "HS256"]'),
                             'key "algorithms": HS256 needs a "secret"; it cannot be used with "public_key_file"'),
    "ES256 with an RSA key": (issuer_table(source='public_key_file = "keys/rsa.pem"', algorithms='["ES256"]'),
                              'key "algorithms": ES256 cannot be used with this public key'),
    "short secret": (issuer_table(source='secret = "too-short"'), 'key "secret": must be at least 32 bytes'),
    "missing PEM file": (issuer_table(source='public_key_file = "keys/nope.pem"', algorithms='["RS256"]'),
                         'key "public_key_file": cannot read'),
    "private key as PEM": (issuer_table(source='public_key_file = "keys/private.pem"', algorithms='["RS256"]'),
                           'key "public_key_file": is not a PEM public key'),
    "small RSA key": (issuer_table(source='public_key_file = "keys/small.pem"', algorithms='["RS256"]'),
                      "shorter than 2048 bits"),
    "private JWKS": (issuer_table(source='jwks_file = "keys/private-set.json"', algorithms='["RS256"]'),
                     'key "jwks_file": JWK set key #1 contains private key material'),
    "symmetric JWKS": (issuer_table(source='jwks_file = "keys/oct-set.json"', algorithms='["RS256"]'),
                       "contains no public signing keys"),
    "missing JWKS file": (issuer_table(source='jwks_file = "keys/nope.json"', algorithms='["RS256"]'),
                          'key "jwks_file": cannot read'),
    "JWKS not JSON": (issuer_table(source='jwks_file = "keys/rsa.pem"', algorithms='["RS256"]'), "not valid JSON"),
    "plain http JWKS URL": (issuer_table(source='jwks_url = "http://keys.example/jwks"', algorithms='["RS256"]'),
                            'key "jwks_url": must be an https:// URL'),
    "duplicate iss": (issuer_table() + issuer_table(name="other"),
                      'issuer "other": key "iss": \'https://acme.example\' is already used by issuer "acme"'),
    "duplicate name": (issuer_table() + issuer_table(iss="https://other.example"),
                       'issuer "acme": key "name": is used by another issuer'),
    "wildcard ancestor": (issuer_table(extra='frame_ancestors = ["*"]'), 'key "frame_ancestors": \'*\' is not'),
    "wildcard subdomain": (issuer_table(extra='frame_ancestors = ["https://*.example.com"]'), "no wildcards"),
    "ancestor with path": (issuer_table(extra='frame_ancestors = ["https://portal.example.com/app"]'), "is not"),
    "plain http ancestor": (issuer_table(extra='frame_ancestors = ["http://portal.example.com"]'), "is not"),
    "CSP injection": (issuer_table(extra='frame_ancestors = ["https://a.example; script-src *"]'), "is not"),
    "unknown role": (issuer_table(extra='[issuer.roles]\nboss = "superuser"'),
                     "key \"roles\": 'boss' maps to 'superuser', which is not one of"),
    "unknown top-level key": ("debug = true\n" + issuer_table(), "unknown top-level key 'debug'"),
    "no issuers": ("", "no [[issuer]] tables"),
    "not TOML": ("[[issuer]\nname = ", "not valid TOML"),
}


@pytest.mark.parametrize("text, message", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_names_the_issuer_and_key(key_files, text, message):
    path = write(key_files, text)
    with pytest.raises(IssuerConfigError) as refused:
        load_issuers(path)
    assert message in str(refused.value)
    assert str(path) in str(refused.value)


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(IssuerConfigError, match="cannot read"):
        load_issuers(tmp_path / "absent.toml")


def test_absolute_key_paths_are_used_as_given(key_files, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    source = f'public_key_file = "{key_files / "keys" / "rsa.pem"}"'
    issuers = load_issuers(write(elsewhere, issuer_table(source=source, algorithms='["RS256"]')))
    assert isinstance(issuers["acme"].key_source, PublicKey)


def test_an_ec_key_accepts_only_its_own_curve(tmp_path):
    key = ec.generate_private_key(ec.SECP384R1()).public_key()
    (tmp_path / "ec.pem").write_bytes(key.public_bytes(serialization.Encoding.PEM,
                                                       serialization.PublicFormat.SubjectPublicKeyInfo))
    good = write(tmp_path, issuer_table(source='public_key_file = "ec.pem"', algorithms='["ES384"]'))
    assert load_issuers(good)["acme"].algorithms == ("ES384",)
    bad = write(tmp_path, issuer_table(source='public_key_file = "ec.pem"', algorithms='["ES256"]'))
    with pytest.raises(IssuerConfigError, match="ES256 cannot be used with this public key"):
        load_issuers(bad)
