"""multipart/mixed bodies of statements with attachments: parsing requests, building responses."""
from __future__ import annotations

import hashlib
import json
import re
import uuid

from lms.xapi.errors import bad_request

_BOUNDARY = re.compile(r'boundary=(?:"([^"]+)"|([^;\s]+))', re.IGNORECASE)


def parse_multipart(content_type: str, body: bytes) -> tuple[bytes, str, dict]:
    """(first part's bytes, its content type, {sha2: (content type, bytes)}) of a multipart/mixed body."""
    match = _BOUNDARY.search(content_type or "")
    if not match:
        raise bad_request("a multipart/mixed body needs a boundary")
    delimiter = b"--" + (match.group(1) or match.group(2)).encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 3:
        raise bad_request("the multipart body has no parts")
    parts = []
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, sep, content = chunk.partition(b"\r\n\r\n")
        if not sep:
            head, sep, content = chunk.partition(b"\n\n")
        if not sep:
            raise bad_request("a multipart part has no header block")
        if content.endswith(b"\r\n"):
            content = content[:-2]
        elif content.endswith(b"\n"):
            content = content[:-1]
        headers = {}
        for line in head.decode("latin-1").splitlines():
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip().lower()] = value.strip()
        parts.append((headers, content))
    if not parts:
        raise bad_request("the multipart body has no parts")
    first_headers, first = parts[0]
    first_type = first_headers.get("content-type", "").split(";")[0].strip().lower()
    if first_type != "application/json":
        raise bad_request("the first part of a multipart body must be the statements, application/json")
    attachments = {}
    for headers, content in parts[1:]:
        sha2 = headers.get("x-experience-api-hash")
        if not sha2:
            raise bad_request("every attachment part needs an X-Experience-API-Hash header")
        if headers.get("content-transfer-encoding", "binary").lower() != "binary":
            raise bad_request("attachment parts must use Content-Transfer-Encoding: binary")
        if hashlib.sha256(content).hexdigest() != sha2.lower() and len(sha2) == 64:
            raise bad_request(f"attachment {sha2} does not match its hash")
        attachments[sha2] = (headers.get("content-type", "application/octet-stream"), content)
    return first, first_type, attachments


def build_multipart(document, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(body, content type) of JSON ``document`` followed by (sha2, content type, bytes) parts."""
    boundary = uuid.uuid4().hex
    out = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(),
           json.dumps(document, ensure_ascii=False).encode("utf-8"), b"\r\n"]
    for sha2, content_type, content in attachments:
        out += [f"--{boundary}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
                f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode(), content, b"\r\n"]
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/mixed; boundary={boundary}"
