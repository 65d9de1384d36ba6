"""PAdES signatures on certificate PDFs: pdfsig and pyHanko agree, and any change after signing is caught."""

import datetime
import subprocess
from io import BytesIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from lms.certificates.keys import (
    DEV_COMMON_NAME,
    SigningKeyError,
    ensure_dev_signing_identity,
    load_signing_identity,
    signing_identity_from_config,
)
from lms.certificates.render import render_certificate_pdf
from lms.certificates.signing import build_pdf_signer, sign_pdf, validate_signed_pdf

CERT_HTML = "<html><body><h1>Сертификат</h1><p>Иван Петров — 2026-000042</p></body></html>"


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    # pdfsig exits non-zero for an untrusted (self-signed) issuer; only its report matters here.
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def make_certificate(subject_key, common_name, *, issuer_key=None, issuer_name=None, ca=False):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name or name)
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=not ca, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .sign(issuer_key or subject_key, hashes.SHA256())
    )


@pytest.fixture(scope="module")
def unsigned_pdf() -> bytes:
    return render_certificate_pdf(CERT_HTML)


@pytest.fixture(scope="module")
def dev_identity(tmp_path_factory):
    paths = ensure_dev_signing_identity(tmp_path_factory.mktemp("instance"))
    return load_signing_identity(paths.key_path, paths.cert_path)


@pytest.fixture(scope="module")
def signed_pdf(unsigned_pdf, dev_identity) -> bytes:
    return sign_pdf(unsigned_pdf, build_pdf_signer(dev_identity))


def test_pdfsig_reports_a_valid_pades_signature_over_the_whole_document(signed_pdf, tmp_path):
    report = pdfsig(signed_pdf, tmp_path)
    assert "Signature is Valid." in report
    assert "Total document signed" in report and "Not total document signed" not in report
    assert "ETSI.CAdES.detached" in report
    assert DEV_COMMON_NAME in report


def test_pyhanko_finds_the_signature_intact_valid_and_trusted(signed_pdf, dev_identity):
    check = validate_signed_pdf(signed_pdf, dev_identity.certificate)
    assert (check.intact, check.valid, check.trusted, check.entire_file, check.unmodified) == (
        True, True, True, True, True,
    )
    assert check.ok and check.error is None
    assert DEV_COMMON_NAME in check.signer_subject


def test_signature_is_not_trusted_against_another_root(signed_pdf):
    other_key = ec.generate_private_key(ec.SECP256R1())
    check = validate_signed_pdf(signed_pdf, make_certificate(other_key, "Someone else"))
    assert check.intact and not check.trusted and not check.ok


def test_one_changed_byte_fails_validation(signed_pdf, dev_identity):
    # Flip a byte inside the signed page content (the first stream), not in the signature itself.
    position = signed_pdf.index(b"stream\n") + 20
    tampered = bytearray(signed_pdf)
    tampered[position] ^= 0x01
    check = validate_signed_pdf(bytes(tampered), dev_identity.certificate)
    assert not check.ok
    assert not check.intact or check.error


def test_incremental_update_after_signing_fails_pyhanko_and_pdfsig_shows_it(signed_pdf, dev_identity, tmp_path):
    writer = IncrementalPdfFileWriter(BytesIO(signed_pdf))
    overlay = generic.StreamObject(stream_data=b"q 1 0 0 rg 20 20 200 40 re f Q")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    appended = BytesIO()
    writer.write(appended)
    modified = appended.getvalue()
    assert modified.startswith(signed_pdf)  # a true incremental update: the signed bytes are untouched

    check = validate_signed_pdf(modified, dev_identity.certificate)
    assert check.intact and check.valid  # the signed revision itself is still fine...
    assert not check.entire_file and not check.unmodified and not check.ok  # ...but it is not the document

    report = pdfsig(modified, tmp_path)
    assert "Signature is Valid." in report
    assert "Not total document signed" in report


def test_one_signer_signs_many_documents(unsigned_pdf, dev_identity):
    signer = build_pdf_signer(dev_identity)
    first, second = sign_pdf(unsigned_pdf, signer), sign_pdf(unsigned_pdf, signer)
    assert validate_signed_pdf(first, dev_identity.certificate).ok
    assert validate_signed_pdf(second, dev_identity.certificate).ok


def test_unsigned_and_garbage_pdfs_are_reported_not_raised(unsigned_pdf, dev_identity):
    assert "found 0" in validate_signed_pdf(unsigned_pdf, dev_identity.certificate).error
    assert not validate_signed_pdf(b"%PDF-1.7 nonsense", dev_identity.certificate).ok


def test_rsa_key_from_pkcs12_with_passphrase_signs_valid_pdfs(unsigned_pdf, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    certificate = make_certificate(key, "Dealer LMS RSA signer")
    bundle = pkcs12.serialize_key_and_certificates(
        b"org", key, certificate, None, serialization.BestAvailableEncryption(b"s3cret")
    )
    (tmp_path / "org.p12").write_bytes(bundle)

    identity = load_signing_identity(tmp_path / "org.p12", passphrase="s3cret")
    assert identity.jwt_algorithm == "RS256"
    signed = sign_pdf(unsigned_pdf, build_pdf_signer(identity))
    assert validate_signed_pdf(signed, certificate).ok
    report = pdfsig(signed, tmp_path)
    assert "Signature is Valid." in report and "Total document signed" in report

    with pytest.raises(SigningKeyError):
        load_signing_identity(tmp_path / "org.p12", passphrase="wrong")


def test_chain_from_config_validates_against_the_organisation_root(unsigned_pdf, tmp_path):
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = make_certificate(root_key, "Manufacturer Root CA", ca=True)
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf = make_certificate(leaf_key, "Manufacturer Training", issuer_key=root_key, issuer_name=root.subject)
    encryption = serialization.BestAvailableEncryption(b"pass phrase")
    (tmp_path / "key.pem").write_bytes(
        leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    (tmp_path / "cert.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "chain.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    config = {
        "CERT_SIGNING_KEY": str(tmp_path / "key.pem"),
        "CERT_SIGNING_CERT": str(tmp_path / "cert.pem"),
        "CERT_SIGNING_PASSPHRASE": "pass phrase",
        "CERT_SIGNING_CHAIN": str(tmp_path / "chain.pem"),
    }
    identity = signing_identity_from_config(config, tmp_path / "instance")
    assert not identity.is_development and identity.chain == (root,)
    signed = sign_pdf(unsigned_pdf, build_pdf_signer(identity))
    assert validate_signed_pdf(signed, root).ok
    assert not (tmp_path / "instance").exists()  # a configured key never creates a dev pair


def test_certificate_not_matching_the_key_is_rejected(tmp_path):
    key, other = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                          serialization.NoEncryption())
    )
    (tmp_path / "cert.pem").write_bytes(make_certificate(other, "x").public_bytes(serialization.Encoding.PEM))
    with pytest.raises(SigningKeyError) as caught:
        load_signing_identity(tmp_path / "key.pem", tmp_path / "cert.pem")
    assert caught.value.message == "The signing certificate does not match the signing key"


def test_dev_identity_is_p256_self_signed_private_and_created_once(tmp_path):
    first = ensure_dev_signing_identity(tmp_path)
    key_before = first.key_path.read_bytes()
    second = ensure_dev_signing_identity(tmp_path)
    assert first == second and second.key_path.read_bytes() == key_before
    assert first.key_path.stat().st_mode & 0o077 == 0
    identity = signing_identity_from_config({}, tmp_path)
    assert identity.is_development and identity.jwt_algorithm == "ES256"
    assert isinstance(identity.private_key, ec.EllipticCurvePrivateKey)
    assert identity.private_key.curve.name == "secp256r1"
    subject = identity.certificate.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == DEV_COMMON_NAME
    assert identity.certificate.issuer == subject
    assert [p.name for p in tmp_path.iterdir()] == [first.key_path.parent.name]  # no staging left over
