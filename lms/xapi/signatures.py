"""Signed statements (xAPI 1.0.3 Data 2.6): the JWS attachment must be well-formed, RS256/384/512,
carry the statement itself as its payload, and verify against its x5c certificate when one is given."""
from __future__ import annotations

import base64
import binascii
import json

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lms.xapi.errors import bad_request

SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}
# Properties outside the signed payload: the LRS sets them, the signature is attached after signing.
UNSIGNED = ("attachments", "stored", "authority", "version")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def check_signed_statement(statement: dict, attachment: dict, parts: dict) -> None:
    if attachment["contentType"] != "application/octet-stream":
        raise bad_request("a signature attachment's contentType must be application/octet-stream")
    part = parts.get(attachment["sha2"])
    if part is None:
        raise bad_request("the signature attachment was not sent as a part")
    try:
        header_text, payload_text, signature_text = part[1].decode("ascii").strip().split(".")
        header = json.loads(b64url_decode(header_text))
        payload = json.loads(b64url_decode(payload_text))
        signature = b64url_decode(signature_text)
    except (ValueError, UnicodeDecodeError, binascii.Error, RecursionError):
        raise bad_request("the signature is not a JWS in compact serialization with a JSON payload") from None
    if not isinstance(header, dict) or header.get("alg") not in ALGORITHMS:
        raise bad_request("the signature's algorithm must be RS256, RS384 or RS512")
    if not isinstance(payload, dict) or signed_view(payload, statement) != signed_view(statement, payload):
        raise bad_request("the signature's payload is not this statement")
    certificates = header.get("x5c")
    if certificates:
        verify_with_certificate(certificates, header["alg"], f"{header_text}.{payload_text}".encode("ascii"),
                                signature)


def signed_view(statement: dict, other: dict) -> dict:
    """The statement as signed: without LRS-set properties, and without an id the other side lacks."""
    view = {key: value for key, value in statement.items() if key not in UNSIGNED}
    if "id" not in other:
        view.pop("id", None)
    elif "id" in view:
        view["id"] = str(view["id"]).lower()
    return view


def verify_with_certificate(certificates, algorithm: str, signed: bytes, signature: bytes) -> None:
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(certificates[0]))
        key = certificate.public_key()
    except (ValueError, TypeError, IndexError, binascii.Error):
        raise bad_request("the signature's x5c certificate cannot be read") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise bad_request("the signature's x5c certificate has no RSA key")
    try:
        key.verify(signature, signed, padding.PKCS1v15(), ALGORITHMS[algorithm]())
    except InvalidSignature:
        raise bad_request("the signature does not verify against its x5c certificate") from None
