"""State, activity profile and agent profile documents, with ETag concurrency. Services: the view commits."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import sqlalchemy as sa

from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.models import XapiDocument

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class DocumentKey:
    kind: str
    activity_id: str = ""
    agent_ifi: str = ""
    registration: str = ""


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()  # xAPI asks for SHA-1 ETags


def _where(key: DocumentKey):
    return (XapiDocument.kind == key.kind, XapiDocument.activity_id == key.activity_id,
            XapiDocument.agent_ifi == key.agent_ifi, XapiDocument.registration == key.registration)


def find_document(key: DocumentKey, document_id: str) -> XapiDocument | None:
    return db.session.scalar(sa.select(XapiDocument).where(*_where(key), XapiDocument.document_id == document_id))


def list_document_ids(key: DocumentKey, since=None) -> list[str]:
    query = sa.select(XapiDocument.document_id).where(*_where(key)).order_by(XapiDocument.id)
    if since is not None:
        query = query.where(XapiDocument.updated > since)
    return list(db.session.scalars(query))


def check_preconditions(existing: XapiDocument | None, if_match: str | None, if_none_match: str | None,
                        *, require: bool) -> None:
    """412 when If-Match / If-None-Match do not hold; 409 when a profile is overwritten blindly."""
    if if_match is not None:
        tags = {tag.strip().strip('"') for tag in if_match.split(",")}
        if existing is None or ("*" not in tags and existing.etag not in tags):
            raise XapiError(412, "If-Match does not match the document's current ETag")
    if if_none_match is not None:
        tags = {tag.strip().strip('"') for tag in if_none_match.split(",")}
        if existing is not None and ("*" in tags or existing.etag in tags):
            raise XapiError(412, "If-None-Match: the document exists")
    if require and existing is not None and if_match is None and if_none_match is None:
        raise XapiError(409, "the document exists: send If-Match with its ETag (or If-None-Match: *)")


def put_document(key: DocumentKey, document_id: str, content: bytes, content_type: str) -> XapiDocument:
    existing = find_document(key, document_id)
    if existing is None:
        existing = XapiDocument(kind=key.kind, activity_id=key.activity_id, agent_ifi=key.agent_ifi,
                                registration=key.registration, document_id=document_id)
        db.session.add(existing)
    existing.content, existing.content_type = content, content_type or "application/octet-stream"
    existing.etag, existing.updated = etag_of(content), utcnow()
    return existing


def merge_document(key: DocumentKey, document_id: str, content: bytes, content_type: str) -> XapiDocument:
    """POST: JSON objects merge key by key (top level); anything else is a 400."""
    existing = find_document(key, document_id)
    incoming = _json_object(content, content_type, "the posted document")
    if existing is None:
        return put_document(key, document_id, content, JSON_TYPE)
    current = _json_object(existing.content, existing.content_type, "the stored document")
    current.update(incoming)
    return put_document(key, document_id, json.dumps(current, ensure_ascii=False).encode("utf-8"), JSON_TYPE)


def _json_object(content: bytes, content_type: str, what: str) -> dict:
    if (content_type or "").split(";")[0].strip().lower() != JSON_TYPE:
        raise bad_request(f"{what} must be application/json to be merged")
    try:
        value = json.loads(content)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise bad_request(f"{what} must be a JSON object to be merged")
    return value


def delete_documents(key: DocumentKey, document_id: str | None) -> None:
    query = sa.delete(XapiDocument).where(*_where(key))
    if document_id is not None:
        query = query.where(XapiDocument.document_id == document_id)
    db.session.execute(query.execution_options(synchronize_session=False))
