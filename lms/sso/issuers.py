"""Trusted SSO issuers read from a TOML file, each with its verification key source, checked once at start-up."""
from __future__ import annotations

import json
import logging
import re
import threading
import time
import tomllib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping, Protocol
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

from lms.sso.redirects import LOOPBACK_HOSTS, normalise_origin

log = logging.getLogger(__name__)

OUR_ROLES = frozenset({"learner", "dealer_admin", "author", "manager", "admin"})
SECRET_ALGORITHMS = frozenset({"HS256"})
PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
KEY_SOURCES = ("secret", "public_key_file", "jwks_file", "jwks_url")
REQUIRED_KEYS = ("name", "iss", "audience", "algorithms")
OPTIONAL_KEYS = ("frame_ancestors", "roles", "link_existing_accounts")
MIN_SECRET_BYTES = 32
MIN_RSA_BITS = 2048
MAX_JWKS_BYTES = 256 * 1024
JWKS_FETCH_TIMEOUT_SECONDS = 5.0
_EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
_ISSUER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_JWK_ALGORITHMS = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}

Fetch = Callable[[str, float], bytes]


class IssuerConfigError(ValueError):
    """The issuers file is unusable; the message names the file, the issuer and the key at fault."""


class SigningKeyError(Exception):
    """No key can verify this token (base of the three reasons below)."""


class UnknownKeyId(SigningKeyError):
    """The token's ``kid`` is not in the issuer's key set, even after a refresh."""


class KeyAlgorithmMismatch(SigningKeyError):
    """The selected key cannot be used with the token's algorithm (the algorithm-confusion guard)."""


class KeySetUnavailable(SigningKeyError):
    """The remote key set could not be fetched and no copy is cached."""


class KeySource(Protocol):
    """Where an issuer's verification key comes from."""

    def key_for(self, kid: str | None, algorithm: str) -> Any:
        """The key that verifies a token with this ``kid`` and ``alg``; raises SigningKeyError."""


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


def key_fits_algorithm(key: Any, algorithm: str) -> bool:
    """True when ``key`` is the right kind of public key for ``algorithm`` (RSA for RS/PS, the right curve for ES)."""
    if algorithm[:2] in ("RS", "PS"):
        return isinstance(key, rsa.RSAPublicKey)
    if algorithm in _EC_CURVES:
        return isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == _EC_CURVES[algorithm]
    if algorithm == "EdDSA":
        return isinstance(key, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey))
    return False


class SharedSecret:
    """An HS256 secret shared with the issuer."""

    def __init__(self, secret: bytes):
        self._secret = secret

    def key_for(self, kid: str | None, algorithm: str) -> bytes:
        if algorithm not in SECRET_ALGORITHMS:
            raise KeyAlgorithmMismatch(algorithm)
        return self._secret


class PublicKey:
    """A single PEM public key; the token's ``kid`` is not needed."""

    def __init__(self, key: Any):
        self._key = key

    def key_for(self, kid: str | None, algorithm: str) -> Any:
        if not key_fits_algorithm(self._key, algorithm):
            raise KeyAlgorithmMismatch(algorithm)
        return self._key


@dataclass(frozen=True)
class _Jwk:
    public_key: Any
    algorithm: str | None


def parse_jwks(document: bytes) -> dict[str | None, _Jwk]:
    """Signing keys of a JWKS document by ``kid``; raises ValueError on anything malformed or secret."""
    try:
        data = json.loads(document)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"not valid JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise ValueError('not a JWK set (expected an object with a "keys" list)')
    keys: dict[str | None, _Jwk] = {}
    for index, jwk in enumerate(data["keys"]):
        if not isinstance(jwk, dict):
            raise ValueError(f"key #{index + 1} is not an object")
        if jwk.get("use", "sig") != "sig" or jwk.get("kty") not in _JWK_ALGORITHMS:
            continue  # encryption keys and symmetric ("oct") keys never verify our tokens
        if "d" in jwk:
            raise ValueError(f"key #{index + 1} contains private key material")
        kid = jwk.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise ValueError(f'key #{index + 1} has a non-string "kid"')
        if kid in keys:
            raise ValueError(f'"kid" {kid!r} appears twice')
        try:
            public_key = _JWK_ALGORITHMS[jwk["kty"]].from_jwk(jwk)
        except Exception as error:  # PyJWT raises several types for bad key material
            raise ValueError(f"key #{index + 1} is not a usable public key ({error})") from None
        algorithm = jwk.get("alg")
        if algorithm is not None and (not isinstance(algorithm, str) or not key_fits_algorithm(public_key, algorithm)):
            raise ValueError(f'key #{index + 1} does not fit its "alg" {algorithm!r}')
        keys[kid] = _Jwk(public_key, algorithm)
    if not keys:
        raise ValueError("contains no public signing keys")
    if None in keys and len(keys) > 1:
        raise ValueError('has several keys, so every key needs a "kid"')
    return keys


def _select_jwk(keys: Mapping[str | None, _Jwk], kid: str | None, algorithm: str) -> Any:
    if kid is None:
        if len(keys) != 1:
            raise UnknownKeyId(kid)
        entry = next(iter(keys.values()))
    elif kid in keys:
        entry = keys[kid]
    else:
        raise UnknownKeyId(kid)
    if entry.algorithm not in (None, algorithm) or not key_fits_algorithm(entry.public_key, algorithm):
        raise KeyAlgorithmMismatch(algorithm)
    return entry.public_key


class StaticKeySet:
    """A JWK set read from a file at start-up."""

    def __init__(self, keys: dict[str | None, _Jwk]):
        self._keys = keys

    def key_for(self, kid: str | None, algorithm: str) -> Any:
        return _select_jwk(self._keys, kid, algorithm)


def fetch_url(url: str, timeout: float) -> bytes:
    """GET ``url`` with a timeout and a size cap (the default JWKS fetcher)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "dealer-lms-sso"})
    # nosec B310: load_issuers accepts only https (or http on localhost) jwks_url values
    with urllib.request.urlopen(request, timeout=timeout) as response:  # nosec B310
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        raise ValueError(f"JWK set larger than {MAX_JWKS_BYTES} bytes")
    return body


class RemoteKeySet:
    """A JWK set fetched from the issuer's URL, cached, and refetched on an unknown ``kid`` at most once per interval.

    The interval stops a stream of tokens with invented ``kid`` values from making us hammer the
    issuer's URL; ``max_age_seconds`` makes retired keys drop out even when no unknown kid appears.
    """

    def __init__(self, url: str, *, fetch: Fetch = fetch_url, clock: Callable[[], float] = time.monotonic,
                 min_refresh_seconds: float = 60.0, max_age_seconds: float = 3600.0,
                 timeout: float = JWKS_FETCH_TIMEOUT_SECONDS):
        self.url = url
        self._fetch, self._clock, self._timeout = fetch, clock, timeout
        self._min_refresh, self._max_age = min_refresh_seconds, max_age_seconds
        self._keys: dict[str | None, _Jwk] | None = None
        self._fetched_at = self._attempted_at = float("-inf")
        self._lock = threading.Lock()

    def key_for(self, kid: str | None, algorithm: str) -> Any:
        with self._lock:
            if self._keys is None or self._clock() - self._fetched_at >= self._max_age:
                self._refresh_if_allowed()
            if self._keys is None:
                raise KeySetUnavailable(self.url)
            try:
                return _select_jwk(self._keys, kid, algorithm)
            except UnknownKeyId:
                if not self._refresh_if_allowed():
                    raise
                return _select_jwk(self._keys, kid, algorithm)

    def _refresh_if_allowed(self) -> bool:
        """Fetch again unless we tried within the interval; a failed fetch keeps the previous keys."""
        now = self._clock()
        if now - self._attempted_at < self._min_refresh:
            return False
        self._attempted_at = now
        try:
            keys = parse_jwks(self._fetch(self.url, self._timeout))
        except Exception as error:  # network, HTTP and document errors all mean "keep what we have"
            log.warning("SSO key set %s could not be refreshed: %s", self.url, error)
            return False
        self._keys, self._fetched_at = keys, now
        return True


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
