"""Shared test kit for the SSO HTTP tests: real keys, an issuers file, tokens signed with PyJWT."""
from __future__ import annotations

import base64
import json
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from lms.testing import fresh_sso_claims

AUDIENCE = "dealer-lms"
HS_SECRET = "hs-portal-shared-secret-of-32-bytes-or-more"
RSA_ISS, EC_ISS, HS_ISS = "https://rsa.example", "https://ec.example", "https://hs.example"
RSA_PARENT = "https://portal.rsa.example"
EC_PARENTS = ("https://ec.example:8443", "https://partners.ec.example")
HTTPS = "https://lms.test"


@lru_cache(maxsize=None)
def keys() -> dict:
    return {"2024": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "2025": rsa.generate_private_key(public_exponent=65537, key_size=2048),
            "ec": ec.generate_private_key(ec.SECP256R1())}


def public_pem(private_key) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


def write_issuers(folder: Path) -> Path:
    """Three issuers: RS256 with a rotating two-key JWKS, ES256 with a PEM key, HS256 with a secret."""
    k = keys()
    jwks = {"keys": [RSAAlgorithm.to_jwk(k[kid].public_key(), as_dict=True) | {"kid": kid, "use": "sig"}
                     for kid in ("2024", "2025")]}
    (folder / "rsa-jwks.json").write_text(json.dumps(jwks))
    (folder / "ec.pem").write_bytes(public_pem(k["ec"]))
    path = folder / "issuers.toml"
    path.write_text(f"""
[[issuer]]
name = "rsa-portal"
iss = "{RSA_ISS}"
audience = "{AUDIENCE}"
algorithms = ["RS256"]
jwks_file = "rsa-jwks.json"
frame_ancestors = ["{RSA_PARENT}"]
[issuer.roles]
employee = "learner"
dealer-boss = "dealer_admin"
trainer = "author"

[[issuer]]
name = "ec-portal"
iss = "{EC_ISS}"
audience = "{AUDIENCE}"
algorithms = ["ES256"]
public_key_file = "ec.pem"
frame_ancestors = {json.dumps(list(EC_PARENTS))}

[[issuer]]
name = "hs-portal"
iss = "{HS_ISS}"
audience = "{AUDIENCE}"
algorithms = ["HS256"]
secret = "{HS_SECRET}"
""")
    return path


def claims(**changes) -> dict:
    """A complete, currently valid claim set; ``None`` values drop a claim."""
    return fresh_sso_claims(**{
        "iss": RSA_ISS, "aud": AUDIENCE, "sub": "emp-1001", "email": "ivan.sidorov@sever.example",
        "name": "Иван Сидоров", "locale": "ru", "roles": ["employee"],
        "dealer": {"id": "D-77", "name": "Автоцентр Север", "tier": "gold", "region": "Северо-Запад"}, **changes})


def rs_token(kid: str = "2024", key: str | None = None, **changes) -> str:
    return jwt.encode(claims(**changes), keys()[key or kid], algorithm="RS256", headers={"kid": kid})


def es_token(**changes) -> str:
    return jwt.encode(claims(**{"iss": EC_ISS, **changes}), keys()["ec"], algorithm="ES256")


def hs_token(**changes) -> str:
    return jwt.encode(claims(**{"iss": HS_ISS, **changes}), HS_SECRET, algorithm="HS256")


def b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
