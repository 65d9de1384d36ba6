"""The organisation's certificate signing identity: key + X.509 certificate (+ chain) from PEM or PKCS#12, or a dev pair."""

import datetime
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEV_COMMON_NAME = "Dealer LMS development signing key"
DEV_ORGANIZATION = "Dealer LMS (development only)"
DEV_DIRECTORY = "certificate-signing-dev"
DEV_KEY_FILE = "signing-key.pem"
DEV_CERT_FILE = "signing-cert.pem"
DEV_VALIDITY_DAYS = 3650
MIN_RSA_BITS = 2048


class SigningKeyError(ValueError):
    """The configured signing key or certificate is unusable; ``message`` is an English msgid for admins."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


@dataclass(frozen=True)
class SigningIdentity:
    """A private key, its certificate and the intermediate chain, ready for PAdES and VC-JWT signing."""

    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()
    is_development: bool = False

    @property
    def jwt_algorithm(self) -> str:
        """The JOSE algorithm matching the key: ES256 for P-256, RS256 for RSA."""
        if isinstance(self.private_key, rsa.RSAPrivateKey):
            return "RS256"
        return {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}[
            self.private_key.curve.name
        ]


class DevSigningPaths(NamedTuple):
    """Where the generated development key and certificate live."""

    key_path: Path
    cert_path: Path


def _as_bytes(passphrase: str | bytes | None) -> bytes | None:
    """Normalise a passphrase from config (usually text) to the bytes cryptography expects."""
    if passphrase is None or passphrase == "":
        return None
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else passphrase


def _read(path: str | os.PathLike) -> bytes:
    """Read a key/cert file, turning OS errors into an admin-readable SigningKeyError."""
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise SigningKeyError(
            "Cannot read the signing file %(path)s: %(error)s", path=str(path), error=error.strerror
        ) from error


def _is_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data


def _load_pem_certificates(path: str | os.PathLike) -> list[x509.Certificate]:
    """Load every certificate in a PEM (or a single DER) file."""
    data = _read(path)
    try:
        return x509.load_pem_x509_certificates(data) if _is_pem(data) else [x509.load_der_x509_certificate(data)]
    except ValueError as error:
        raise SigningKeyError(
            "The file %(path)s does not contain a valid certificate", path=str(path)
        ) from error


def _check_key(private_key) -> None:
    """Accept only keys that both pyHanko/poppler and JOSE handle well: EC P-256/384/521 or RSA >= 2048."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        if private_key.key_size < MIN_RSA_BITS:
            raise SigningKeyError("The RSA signing key must have at least 2048 bits")
        return
    if isinstance(private_key, ec.EllipticCurvePrivateKey) and private_key.curve.name in (
        "secp256r1",
        "secp384r1",
        "secp521r1",
    ):
        return
    raise SigningKeyError(
        "Unsupported signing key type %(type)s: use ECDSA P-256 or RSA", type=type(private_key).__name__
    )


def load_signing_identity(
    key_path: str | os.PathLike,
    cert_path: str | os.PathLike | None = None,
    *,
    passphrase: str | bytes | None = None,
    chain_paths: Sequence[str | os.PathLike] = (),
) -> SigningIdentity:
    """Load a key and certificate from PEM files, or both (plus chain) from one PKCS#12 file at ``key_path``."""
    data = _read(key_path)
    secret = _as_bytes(passphrase)
    chain: list[x509.Certificate] = []
    certificate = None
    try:
        if _is_pem(data):
            private_key = serialization.load_pem_private_key(data, password=secret)
        else:
            bundle = pkcs12.load_pkcs12(data, secret)
            private_key = bundle.key
            certificate = bundle.cert.certificate if bundle.cert else None
            chain.extend(extra.certificate for extra in bundle.additional_certs)
    except (ValueError, TypeError) as error:
        raise SigningKeyError(
            "Cannot load the signing key %(path)s: wrong passphrase or not a PEM/PKCS#12 key",
            path=str(key_path),
        ) from error
    if private_key is None:
        raise SigningKeyError("The PKCS#12 file %(path)s holds no private key", path=str(key_path))
    _check_key(private_key)
    if cert_path is not None:
        certificate, *extra = _load_pem_certificates(cert_path)
        chain = extra + chain
    if certificate is None:
        raise SigningKeyError("No signing certificate configured for the signing key")
    for path in chain_paths:
        chain.extend(_load_pem_certificates(path))
    public_der = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if certificate.public_key().public_bytes(*public_der) != private_key.public_key().public_bytes(*public_der):
        raise SigningKeyError("The signing certificate does not match the signing key")
    chain = [cert for cert in chain if cert != certificate]
    return SigningIdentity(private_key=private_key, certificate=certificate, chain=tuple(chain))


def _self_signed_dev_certificate(private_key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    """A self-signed certificate fit for PDF signing (digitalSignature + nonRepudiation), for development."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, DEV_COMMON_NAME),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEV_ORGANIZATION),
        ]
    )
    now = datetime.datetime.now(datetime.timezone.utc)
    public_key = private_key.public_key()
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=DEV_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(private_key, hashes.SHA256())
    )


def ensure_dev_signing_identity(instance_dir: str | os.PathLike) -> DevSigningPaths:
    """Create (once) an ECDSA P-256 key and self-signed cert in the instance folder and return their paths."""
    final_dir = Path(instance_dir) / DEV_DIRECTORY
    paths = DevSigningPaths(final_dir / DEV_KEY_FILE, final_dir / DEV_CERT_FILE)
    if paths.key_path.is_file() and paths.cert_path.is_file():
        return paths
    Path(instance_dir).mkdir(parents=True, exist_ok=True)
    private_key = ec.generate_private_key(ec.SECP256R1())
    certificate = _self_signed_dev_certificate(private_key)
    # Build the pair in a private temp dir and rename it into place: the rename is atomic, so two
    # workers starting together never end up with one's key next to the other's certificate.
    staging = Path(tempfile.mkdtemp(prefix=".dev-signing-", dir=instance_dir))
    try:
        key_pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        key_fd = os.open(staging / DEV_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(key_fd, "wb") as key_file:
            key_file.write(key_pem)
        (staging / DEV_CERT_FILE).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        try:
            staging.rename(final_dir)
        except OSError:
            if not (paths.key_path.is_file() and paths.cert_path.is_file()):
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return paths


def signing_identity_from_config(config: Mapping, instance_dir: str | os.PathLike) -> SigningIdentity:
    """Load ``CERT_SIGNING_KEY``/``_CERT``/``_PASSPHRASE``/``_CHAIN`` from config, or the dev pair when no key is set."""
    key_path = config.get("CERT_SIGNING_KEY")
    if not key_path:
        dev = ensure_dev_signing_identity(instance_dir)
        identity = load_signing_identity(dev.key_path, dev.cert_path)
        return SigningIdentity(identity.private_key, identity.certificate, (), is_development=True)
    chain = config.get("CERT_SIGNING_CHAIN") or ()
    if isinstance(chain, str):
        chain = [part.strip() for part in chain.split(",") if part.strip()]
    return load_signing_identity(
        key_path,
        config.get("CERT_SIGNING_CERT") or None,
        passphrase=config.get("CERT_SIGNING_PASSPHRASE"),
        chain_paths=chain,
    )
