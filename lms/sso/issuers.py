"""Trusted SSO issuers read from a TOML file, each with its verification key source, checked once at start-up."""
from __future__ import annotations

import logging
import re
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

# Re-exported: the token validator and the tests take the key classes from here too.
from lms.sso.keys import (  # noqa: F401
    Fetch,
    KeyAlgorithmMismatch,
    KeySetUnavailable,
    KeySource,
    MIN_RSA_BITS,
    JWKS_FETCH_TIMEOUT_SECONDS,
    PUBLIC_KEY_ALGORITHMS,
    PublicKey,
    RemoteKeySet,
    SECRET_ALGORITHMS,
    SharedSecret,
    SigningKeyError,
    StaticKeySet,
    UnknownKeyId,
    fetch_url,
    key_fits_algorithm,
    parse_jwks,
)
from lms.sso.redirects import LOOPBACK_HOSTS, normalise_origin

log = logging.getLogger(__name__)

OUR_ROLES = frozenset({"learner", "dealer_admin", "author", "manager", "admin"})
KEY_SOURCES = ("secret", "public_key_file", "jwks_file", "jwks_url")
REQUIRED_KEYS = ("name", "iss", "audience", "algorithms")
OPTIONAL_KEYS = ("frame_ancestors", "roles", "link_existing_accounts")
MIN_SECRET_BYTES = 32
_ISSUER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class IssuerConfigError(ValueError):
    """The issuers file is unusable; the message names the file, the issuer and the key at fault."""


@dataclass(frozen=True)
class Issuer:
    """One trusted host portal: who it is, what it may sign with, where it may frame us, how its roles map."""

    name: str
    iss: str
    audience: str
    algorithms: tuple[str, ...]
    key_source: KeySource = field(repr=False, compare=False)
    frame_ancestors: tuple[str, ...] = ()
    roles: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # Trusted to verify e-mail addresses: a first sign-in may take over the unmanaged dealer-staff
    # account that has the claimed e-mail. Off by default: a matching e-mail proves nothing.
    link_existing_accounts: bool = False


class _Reader:
    """Reads one [[issuer]] table, raising IssuerConfigError that names the file, issuer and key."""

    def __init__(self, path: Path, table: dict[str, Any], label: str):
        self.path, self.table, self.label = path, table, label

    def fail(self, key: str | None, problem: str) -> IssuerConfigError:
        where = f'{self.label}: key "{key}"' if key else self.label
        return IssuerConfigError(f"SSO issuers file {self.path}: {where}: {problem}")

    def text(self, key: str) -> str:
        value = self.table[key]
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "must be a non-empty string")
        return value

    def file(self, key: str) -> bytes:
        target = self.path.parent / Path(self.text(key)).expanduser()
        try:
            return target.read_bytes()
        except OSError as error:
            raise self.fail(key, f"cannot read {target}: {error.strerror or error}") from None


def _algorithms(reader: _Reader) -> tuple[str, ...]:
    value = reader.table["algorithms"]
    if not isinstance(value, list) or not value or not all(isinstance(a, str) for a in value):
        raise reader.fail("algorithms", "must be a non-empty list of strings")
    for algorithm in value:
        if algorithm.lower() == "none":
            raise reader.fail("algorithms", '"none" is not allowed')
        if algorithm not in SECRET_ALGORITHMS | PUBLIC_KEY_ALGORITHMS:
            raise reader.fail("algorithms", f'"{algorithm}" is not a supported algorithm')
    return tuple(dict.fromkeys(value))


def _key_source(reader: _Reader, algorithms: tuple[str, ...], options: dict[str, Any]) -> KeySource:
    present = [key for key in KEY_SOURCES if key in reader.table]
    if len(present) != 1:
        found = ", ".join(present) or "none"
        raise reader.fail(None, f"needs exactly one key source among {', '.join(KEY_SOURCES)} (found: {found})")
    source = present[0]
    if source == "secret":
        if set(algorithms) - SECRET_ALGORITHMS:
            raise reader.fail("algorithms", 'a "secret" issuer may only use HS256 (no public-key algorithms)')
        secret = reader.text("secret").encode()
        if len(secret) < MIN_SECRET_BYTES:
            raise reader.fail("secret", f"must be at least {MIN_SECRET_BYTES} bytes long")
        return SharedSecret(secret)
    if set(algorithms) & SECRET_ALGORITHMS:
        raise reader.fail("algorithms", f'HS256 needs a "secret"; it cannot be used with "{source}"')
    if source == "public_key_file":
        pem = reader.file(source)
        try:
            key = load_pem_public_key(pem)
        except ValueError:
            raise reader.fail(source, "is not a PEM public key") from None
        if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
            raise reader.fail(source, f"RSA key is shorter than {MIN_RSA_BITS} bits")
        unusable = [a for a in algorithms if not key_fits_algorithm(key, a)]
        if unusable:
            raise reader.fail("algorithms", f'{", ".join(unusable)} cannot be used with this public key')
        return PublicKey(key)
    if source == "jwks_file":
        document = reader.file(source)
        try:
            keys = parse_jwks(document)
        except ValueError as error:
            raise reader.fail(source, f"JWK set {error}") from None
        for jwk in keys.values():
            if not any(key_fits_algorithm(jwk.public_key, a) for a in algorithms):
                raise reader.fail(source, f"a key fits none of the algorithms {', '.join(algorithms)}")
        return StaticKeySet(keys)
    url = reader.text(source)
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS)
    if not secure or not parts.hostname:
        raise reader.fail(source, "must be an https:// URL (plain http only for localhost)")
    return RemoteKeySet(url, **options)


def _frame_ancestors(reader: _Reader) -> tuple[str, ...]:
    value = reader.table.get("frame_ancestors", [])
    if not isinstance(value, list):
        raise reader.fail("frame_ancestors", "must be a list of origins")
    origins = []
    for item in value:
        origin = normalise_origin(item)
        if origin is None:
            raise reader.fail("frame_ancestors", f"{item!r} is not an https origin such as https://portal.example.com"
                              " (no wildcards, paths or plain http)")
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def _roles(reader: _Reader) -> Mapping[str, str]:
    value = reader.table.get("roles", {})
    if not isinstance(value, dict):
        raise reader.fail("roles", "must be a table mapping claim roles to ours")
    for claim_role, our_role in value.items():
        if our_role not in OUR_ROLES:
            raise reader.fail("roles", f"{claim_role!r} maps to {our_role!r}, which is not one of "
                              f"{', '.join(sorted(OUR_ROLES))}")
    return MappingProxyType(dict(value))


def _flag(reader: _Reader, key: str) -> bool:
    value = reader.table.get(key, False)
    if not isinstance(value, bool):
        raise reader.fail(key, "must be true or false")
    return value


def load_issuers(path: str | Path, *, fetch: Fetch = fetch_url, clock: Callable[[], float] = time.monotonic,
                 jwks_min_refresh_seconds: float = 60.0, jwks_max_age_seconds: float = 3600.0) -> dict[str, Issuer]:
    """Read and check the trusted issuers file; returns issuers by name or raises IssuerConfigError.

    Load once per process and keep the result: ``jwks_url`` issuers cache their keys in it.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise IssuerConfigError(f"SSO issuers file {path}: cannot read: {error.strerror or error}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise IssuerConfigError(f"SSO issuers file {path}: not valid TOML: {error}") from None
    unknown = sorted(set(document) - {"issuer"})
    if unknown:
        raise IssuerConfigError(f"SSO issuers file {path}: unknown top-level key {unknown[0]!r}")
    tables = document.get("issuer")
    if not isinstance(tables, list) or not tables:
        raise IssuerConfigError(f"SSO issuers file {path}: no [[issuer]] tables")
    remote_options = {"fetch": fetch, "clock": clock, "min_refresh_seconds": jwks_min_refresh_seconds,
                      "max_age_seconds": jwks_max_age_seconds}
    issuers: dict[str, Issuer] = {}
    seen_iss: dict[str, str] = {}
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise IssuerConfigError(f"SSO issuers file {path}: issuer #{number} is not a table")
        raw_name = table.get("name")
        label = f'issuer "{raw_name}"' if isinstance(raw_name, str) and raw_name else f"issuer #{number}"
        reader = _Reader(path, table, label)
        for key in table:
            if key not in REQUIRED_KEYS + OPTIONAL_KEYS + KEY_SOURCES:
                raise reader.fail(key, "is not a known key")
        for key in REQUIRED_KEYS:
            if key not in table:
                raise reader.fail(key, "is missing")
        name = reader.text("name")
        if not _ISSUER_NAME.fullmatch(name):
            raise reader.fail("name", "may hold only letters, digits, '.', '_' and '-' (at most 64)")
        if name in issuers:
            raise reader.fail("name", "is used by another issuer")
        iss = reader.text("iss")
        if iss in seen_iss:
            raise reader.fail("iss", f'{iss!r} is already used by issuer "{seen_iss[iss]}"')
        algorithms = _algorithms(reader)
        issuers[name] = Issuer(
            name=name, iss=iss, audience=reader.text("audience"), algorithms=algorithms,
            key_source=_key_source(reader, algorithms, remote_options),
            frame_ancestors=_frame_ancestors(reader), roles=_roles(reader),
            link_existing_accounts=_flag(reader, "link_existing_accounts"),
        )
        seen_iss[iss] = name
    return issuers
