"""Attachments in multipart/mixed and signed statements (JWS checked against the statement)."""
import base64
import hashlib
import json

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi_kit import new_id, statement, token_headers


@pytest.fixture
def rw(app):
    return token_headers(app, "xapi:read", "xapi:write")


def multipart(first: dict | list, parts: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "xapi-test-boundary"
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(first).encode(), b"\r\n"]
    for content_type, content in parts:
        out += [f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {hashlib.sha256(content).hexdigest()}\r\n\r\n".encode(), content, b"\r\n"]
    out.append(f"--{boundary}--".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"


def attachment(content: bytes, content_type="text/plain", usage="http://example.com/usage/notes") -> dict:
    return {"usageType": usage, "display": {"en": "notes"}, "contentType": content_type, "length": len(content),
            "sha2": hashlib.sha256(content).hexdigest()}


def test_attachment_round_trip(client, rw):
    content = "Привет, LRS".encode()
    body, content_type = multipart(statement(attachments=[attachment(content)]), [("text/plain", content)])
    (sid,) = client.post("/xapi/statements", data=body, headers={**rw, "Content-Type": content_type}).json
    got = client.get(f"/xapi/statements?statementId={sid}&attachments=true", headers=rw)
    assert got.mimetype == "multipart/mixed" and content in got.data
    plain = client.get(f"/xapi/statements?statementId={sid}", headers=rw)
    assert plain.mimetype == "application/json" and plain.json["attachments"][0]["length"] == len(content)


def test_missing_or_stray_parts_are_refused(client, rw):
    content = b"abc"
    body, content_type = multipart(statement(attachments=[attachment(content)]), [])
    assert client.post("/xapi/statements", data=body, headers={**rw, "Content-Type": content_type}).status_code == 400
    body, content_type = multipart(statement(), [("text/plain", content)])
    assert client.post("/xapi/statements", data=body, headers={**rw, "Content-Type": content_type}).status_code == 400


def jws(payload: dict, key, alg="RS256") -> bytes:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps({'alg': alg}).encode())}.{b64(json.dumps(payload).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}".encode()


def test_signed_statements(client, rw):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signed = statement(id=new_id())
    signature = jws(signed, key)
    sig_attachment = attachment(signature, "application/octet-stream", "http://adlnet.gov/expapi/attachments/signature")
    body, content_type = multipart({**signed, "attachments": [sig_attachment]},
                                   [("application/octet-stream", signature)])
    assert client.post("/xapi/statements", data=body, headers={**rw, "Content-Type": content_type}).status_code == 200
    tampered = statement(id=new_id(), verb="http://adlnet.gov/expapi/verbs/passed")
    body, content_type = multipart({**tampered, "attachments": [sig_attachment]},
                                   [("application/octet-stream", signature)])
    assert client.post("/xapi/statements", data=body, headers={**rw, "Content-Type": content_type}).status_code == 400
