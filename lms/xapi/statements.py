"""Storing statements: validate, fill in id/stored/authority/version, void, index, queue forwarding.

Services: the view commits, and only then answers; an acknowledged statement is on disk.
"""
from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from lms.coordination.leases import dialect_insert
from lms.extensions import db
from lms.timeutil import utcnow
from lms.xapi.agents import agent_ifi, agent_ifis
from lms.xapi.credentials import covers_activity
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.forwarding import queue_forwarding
from lms.xapi.formats import format_timestamp
from lms.xapi.learners import portal_base_url
from lms.xapi.models import XapiActivity, XapiAttachment, XapiStatement, XapiStatementLink
from lms.xapi.signatures import SIGNATURE_USAGE, check_signed_statement
from lms.xapi.validation import VOIDED_VERB, check_statement

# Properties the LRS sets or may change; two statements are "the same" when the rest is equal.
LRS_PROPERTIES = ("stored", "authority", "version")
# Other domains' rules for new statements (cmi5's session rules, e-learning progress): each is
# called as ``rule(caller, statements)`` with the batch's new statements, in order, before they are
# inserted, in the same transaction; it may raise XapiError (nothing is stored) or record progress.
STATEMENT_RULES: list = []
# ``widen(caller, statement) -> bool``: a launch credential may also write this statement about another
# activity (cmi5 lets an AU describe e.g. a video, within its session; see lms/elearning/rules.py).
LAUNCH_SCOPE_WIDENERS: list = []


def comparable(statement: dict, other: dict) -> dict:
    """The statement without what the LRS set (a timestamp it filled in counts only if ``other`` has one)."""
    return {key: value for key, value in statement.items()
            if key not in LRS_PROPERTIES and (key in other or key != "timestamp")}


def authority_for(caller) -> dict:
    return {"objectType": "Agent", "name": caller.name,
            "account": {"homePage": portal_base_url(), "name": caller.name}}


def check_launch_scope(caller, statement: dict) -> None:
    """A launch credential writes only its learner's statements about its activity (and registration)."""
    if not caller.is_launch:
        return
    if agent_ifi(statement["actor"]) != caller.learner_ifi:
        raise XapiError(403, "This launch credential may only write statements of its own learner.")
    target = statement["object"]
    if target.get("objectType", "Activity") != "Activity" or not covers_activity(caller.activity_id, target["id"]):
        if not any(widen(caller, statement) for widen in LAUNCH_SCOPE_WIDENERS):
            raise XapiError(403, "This launch credential may only write statements about its own activity.")
    registration = (statement.get("context") or {}).get("registration")
    if caller.registration and registration != caller.registration:
        raise XapiError(403, "This launch credential may only write statements of its own registration.")


def store_statements(statements: list, caller, parts: dict | None = None, *, statement_id: str | None = None
                     ) -> list[str]:
    """Validate and store ``statements``; returns their ids. ``parts`` maps sha2 → (content type, bytes)."""
    parts = parts or {}
    if not statements:
        raise bad_request("send at least one statement")
    for statement in statements:
        check_statement(statement)
        check_launch_scope(caller, statement)
        normalise_context_activities(statement)
    if statement_id is not None:
        if statements[0].get("id", statement_id).lower() != statement_id.lower():
            raise bad_request("the statementId parameter and the statement's id differ")
        statements[0]["id"] = statement_id
    check_attachment_parts(statements, parts)
    ids = [statement.setdefault("id", str(uuid.uuid4())).lower() for statement in statements]
    if len(set(ids)) != len(ids):
        raise bad_request("a batch contains the same statement id twice")
    existing = {row.statement_id: row.statement for row in db.session.execute(
        sa.select(XapiStatement.statement_id, XapiStatement.statement).where(XapiStatement.statement_id.in_(ids)))}
    now = utcnow()
    stored_text = format_timestamp(now)
    authority = authority_for(caller)
    fresh = []
    for statement, sid in zip(statements, ids):
        statement["id"] = sid
        if sid in existing:
            if comparable(existing[sid], statement) != comparable(statement, existing[sid]):
                raise XapiError(409, f"statement {sid} already exists with other content")
            continue
        statement["stored"] = stored_text
        statement.setdefault("timestamp", stored_text)
        statement["authority"] = authority
        statement.setdefault("version", "1.0.0")
        fresh.append(statement)
    for rule in STATEMENT_RULES:
        rule(caller, fresh)
    apply_voiding(fresh, ids)
    for statement in fresh:
        insert_statement(statement, now, caller)
    for sha2, (content_type, content) in parts.items():
        # Two requests may carry the same attachment at once: the second insert waits for the
        # first and then does nothing, where a look-then-add would fail on the primary key.
        db.session.execute(dialect_insert(XapiAttachment.__table__)
                           .values(sha2=sha2, content_type=content_type, content=content)
                           .on_conflict_do_nothing(index_elements=["sha2"]))
    if fresh:
        queue_forwarding(fresh)
    return ids


def normalise_context_activities(statement: dict) -> None:
    """A single context activity is stored (and returned) as a one-item array, as the spec requires."""
    for body in (statement, statement["object"] if statement["object"].get("objectType") == "SubStatement" else {}):
        activities = (body.get("context") or {}).get("contextActivities") or {}
        for key, listed in activities.items():
            if not isinstance(listed, list):
                activities[key] = [listed]


def check_attachment_parts(statements: list, parts: dict) -> None:
    """Every attachment without a fileUrl arrives as a part; no part is left unclaimed; signatures hold."""
    needed = set()
    for statement in statements:
        for attachment in statement.get("attachments") or ():
            if attachment["usageType"] == SIGNATURE_USAGE:
                check_signed_statement(statement, attachment, parts)
            elif "fileUrl" not in attachment and attachment["sha2"] not in parts:
                raise bad_request(f"attachment {attachment['sha2']} has neither a fileUrl nor a part")
            needed.add(attachment["sha2"])
        target = statement["object"]
        for attachment in (target.get("attachments") or ()) if target.get("objectType") == "SubStatement" else ():
            needed.add(attachment["sha2"])
    stray = set(parts) - needed
    if stray:
        raise bad_request("a multipart part matches no attachment: " + ", ".join(sorted(stray)))


def apply_voiding(fresh: list, ids: list) -> None:
    for statement in fresh:
        if statement["verb"]["id"] != VOIDED_VERB:
            continue
        target_id = statement["object"]["id"].lower()
        target = db.session.scalar(sa.select(XapiStatement).where(XapiStatement.statement_id == target_id))
        if target is None:
            in_batch = [s for s in fresh if s["id"] == target_id]
            if in_batch and in_batch[0]["verb"]["id"] == VOIDED_VERB:
                raise bad_request("a voiding statement cannot be voided")
            continue
        if target.verb_id == VOIDED_VERB:
            raise bad_request("a voiding statement cannot be voided")
        target.voided = True


def statement_links(statement: dict) -> set[tuple[str, str]]:
    """Every (kind, value) the statement mentions: agents anywhere and activities anywhere."""
    links = set()

    def agents(value):
        if isinstance(value, dict):
            links.update(("agent", ifi) for ifi in agent_ifis(value))

    def activities(value):
        if isinstance(value, dict) and value.get("objectType", "Activity") == "Activity" and "id" in value:
            links.add(("activity", value["id"]))

    def walk(body):
        agents(body.get("actor"))
        target = body.get("object") or {}
        kind = target.get("objectType", "Activity")
        if kind in ("Agent", "Group"):
            agents(target)
        activities(target)
        context = body.get("context") or {}
        agents(context.get("instructor"))
        agents(context.get("team"))
        for listed in (context.get("contextActivities") or {}).values():
            for activity in listed if isinstance(listed, list) else [listed]:
                activities(activity)
        if kind == "SubStatement":
            walk(target)

    walk(statement)
    agents(statement.get("authority"))
    return links


def insert_statement(statement: dict, now, caller) -> None:
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    row = XapiStatement(
        statement_id=statement["id"], actor_ifi=agent_ifi(statement["actor"]),
        object_agent_ifi=agent_ifi(target) if kind in ("Agent", "Group") else None,
        verb_id=statement["verb"]["id"], activity_id=target["id"] if kind == "Activity" else None,
        target_statement_id=target["id"].lower() if kind == "StatementRef" else None,
        registration=((statement.get("context") or {}).get("registration") or "").lower() or None,
        stored=now, voided=False, token_id=caller.token_id, statement=statement)
    db.session.add(row)
    db.session.flush()
    for link_kind, value in statement_links(statement):
        if len(value) <= 1000:
            db.session.add(XapiStatementLink(stored_seq=row.stored_seq, kind=link_kind, value=value))
    if kind == "Activity" and "definition" in target and len(target["id"]) <= 1000:
        remember_activity(target)


def remember_activity(activity: dict) -> None:
    """Keep the activity's latest definition. Many learners finishing the same quiz at once all
    write its activity: the insert is ``ON CONFLICT DO NOTHING`` (a look-then-add lost that race
    with a duplicate key, a 500), and an unchanged definition is not rewritten, so the row is
    not locked by every statement about a popular activity."""
    inserted = db.session.execute(dialect_insert(XapiActivity.__table__)
                                  .values(activity_id=activity["id"], definition=activity["definition"])
                                  .on_conflict_do_nothing(index_elements=["activity_id"]))
    if inserted.rowcount == 1:
        return
    row = db.session.get(XapiActivity, activity["id"], populate_existing=True)
    merged = dict(row.definition)
    for key, value in activity["definition"].items():
        if key in ("name", "description") and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    if merged != row.definition:
        row.definition = merged


def parse_statements_body(raw: bytes):
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise bad_request("the body is not valid JSON") from None
    return value
