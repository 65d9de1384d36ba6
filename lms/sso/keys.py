"""Where SSO verification keys come from: a shared secret, a PEM public key, or a JSON Web Key Set
(a file, or a URL fetched and refreshed in the background), each checked against the algorithms
its issuer allows. The issuers file (issuers.py) picks one source per issuer."""
from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol

from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from jwt.algorithms import ECAlgorithm, OKPAlgorithm, RSAAlgorithm

log = logging.getLogger(__name__)
JWKS_FETCH_TIMEOUT_SECONDS = 5.0


SECRET_ALGORITHMS = frozenset({"HS256"})


PUBLIC_KEY_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


MIN_RSA_BITS = 2048


MAX_JWKS_BYTES = 256 * 1024


_EC_CURVES = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}


_JWK_ALGORITHMS = {"RSA": RSAAlgorithm, "EC": ECAlgorithm, "OKP": OKPAlgorithm}


Fetch = Callable[[str, float], bytes]


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
