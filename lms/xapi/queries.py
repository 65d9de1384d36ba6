"""Reading statements: by id, and with the GET /statements filters, in pages linked by ``more``."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlalchemy as sa

from lms.extensions import db
from lms.xapi.agents import agent_ifi, ids_only
from lms.xapi.credentials import covers_activity
from lms.xapi.errors import XapiError, bad_request
from lms.xapi.formats import check_iri, is_uuid, parse_timestamp
from lms.xapi.models import XapiAttachment, XapiStatement, XapiStatementLink
from lms.xapi.validation import check_agent

FILTERS = ("agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until",
           "limit", "format", "attachments", "ascending", "page_after")
SINGLE = ("statementId", "voidedStatementId")
FORMATS = ("exact", "ids", "canonical")


@dataclass
class StatementQuery:
    agent_ifi: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: object = None
    until: object = None
    limit: int = 0
    ascending: bool = False
    page_after: int | None = None


def parse_bool(args, name: str) -> bool:
    value = args.get(name, "false")
    if value not in ("true", "false"):
        raise bad_request(f"{name} must be true or false")
    return value == "true"


def parse_agent_param(text: str, name: str = "agent") -> dict:
    try:
        agent = json.loads(text)
    except (ValueError, RecursionError):
        raise bad_request(f"{name} must be an Agent or Group as JSON") from None
    check_agent(agent, name)
    if agent_ifi(agent) is None:
        raise bad_request(f"{name} must have an identifier")
    return agent


def parse_query(args, max_limit: int) -> StatementQuery:
    unknown = sorted(set(args) - set(FILTERS) - set(SINGLE))
    if unknown:
        raise bad_request(f"unknown parameters: {', '.join(unknown)}")
    query = StatementQuery()
    if "agent" in args:
        query.agent_ifi = agent_ifi(parse_agent_param(args["agent"]))
    for name in ("verb", "activity"):
        if name in args:
            check_iri(args[name], name)
            setattr(query, name, args[name])
    if "registration" in args:
        if not is_uuid(args["registration"]):
            raise bad_request("registration must be a UUID")
        query.registration = args["registration"].lower()
    for name in ("since", "until"):
        if name in args:
            moment = parse_timestamp(args[name])
            if moment is None:
                raise bad_request(f"{name} must be an ISO 8601 timestamp")
            setattr(query, name, moment.replace(tzinfo=None))
    query.related_activities = parse_bool(args, "related_activities")
    query.related_agents = parse_bool(args, "related_agents")
    query.ascending = parse_bool(args, "ascending")
    parse_bool(args, "attachments")
    if args.get("format", "exact") not in FORMATS:
        raise bad_request("format must be exact, ids or canonical")
    limit = args.get("limit", "0")
    if not limit.isdigit() or len(limit) > 9:
        raise bad_request("limit must be a non-negative integer")
    query.limit = min(int(limit) or max_limit, max_limit)
    if "page_after" in args:
        if not args["page_after"].isdigit() or len(args["page_after"]) > 18:
            raise bad_request("page_after is not a valid page marker")
        query.page_after = int(args["page_after"])
    return query


def branches(query: StatementQuery) -> list[list]:
    """The filters as alternatives, each one index-friendly: the agent as actor, or as object."""
    shared = []
    if query.verb:
        shared.append(XapiStatement.verb_id == query.verb)
    if query.activity:
        shared.append(_linked("activity", query.activity) if query.related_activities
                      else XapiStatement.activity_id == query.activity)
    if query.registration:
        shared.append(XapiStatement.registration == query.registration)
    if not query.agent_ifi:
        return [shared]
    if query.related_agents:
        return [[_linked("agent", query.agent_ifi), *shared]]
    return [[XapiStatement.actor_ifi == query.agent_ifi, *shared],
            [XapiStatement.object_agent_ifi == query.agent_ifi, *shared]]


def _linked(kind: str, value: str):
    return XapiStatement.stored_seq.in_(
        sa.select(XapiStatementLink.stored_seq).where(XapiStatementLink.kind == kind, XapiStatementLink.value == value))


def run_query(query: StatementQuery) -> tuple[list[XapiStatement], bool]:
    """One page of unvoided matching statements (plus those that target a matching one); (rows, more).

    Each alternative (agent as actor, agent as object, statements referring to a match) is its own
    ordered, limited subquery, so each walks one composite index; their union is then ordered again.
    """
    common = [XapiStatement.voided.is_(False)]
    if query.since is not None:
        common.append(XapiStatement.stored > query.since)
    if query.until is not None:
        common.append(XapiStatement.stored <= query.until)
    if query.page_after is not None:
        common.append(XapiStatement.stored_seq > query.page_after if query.ascending
                      else XapiStatement.stored_seq < query.page_after)
    order = XapiStatement.stored_seq.asc() if query.ascending else XapiStatement.stored_seq.desc()
    alternatives = branches(query)
    if alternatives[0]:
        # Statements about matching statements (StatementRef objects) match too (xAPI 1.0.3, 2.1.3).
        targets = sa.union(*(sa.select(XapiStatement.statement_id).where(*branch) for branch in alternatives))
        alternatives.append([XapiStatement.target_statement_id.in_(sa.select(targets.subquery().c[0]))])
    limit = query.limit + 1
    if len(alternatives) == 1:
        chosen = sa.select(XapiStatement).where(*alternatives[0], *common)
    else:
        parts = [sa.select(XapiStatement.stored_seq).where(*branch, *common).order_by(order).limit(limit).subquery()
                 for branch in alternatives]
        seqs = sa.union(*(sa.select(part.c.stored_seq) for part in parts)).subquery()
        chosen = sa.select(XapiStatement).where(XapiStatement.stored_seq.in_(sa.select(seqs.c.stored_seq)))
    rows = list(db.session.scalars(chosen.order_by(order).limit(limit)))
    return rows[:query.limit], len(rows) > query.limit


def restrict_to_launch(query: StatementQuery, caller) -> None:
    """A launch credential reads only its learner's statements about its activity."""
    if not caller.is_launch:
        return
    if query.agent_ifi not in (None, caller.learner_ifi) or (query.activity and
                                                             not covers_activity(caller.activity_id, query.activity)):
        raise XapiError(403, "This launch credential may only read its own learner's statements.")
    query.agent_ifi, query.related_agents = caller.learner_ifi, False


def statement_by_id(statement_id: str, *, voided: bool, caller) -> XapiStatement:
    if not is_uuid(statement_id):
        raise bad_request("statementId must be a UUID")
    row = db.session.scalar(sa.select(XapiStatement).where(XapiStatement.statement_id == statement_id.lower()))
    if row is None or row.voided != voided:
        raise XapiError(404, "no such statement")
    if caller.is_launch and row.actor_ifi != caller.learner_ifi:
        raise XapiError(404, "no such statement")
    return row


def formatted(statement: dict, fmt: str, languages: list[str]) -> dict:
    """``exact`` as stored; ``ids`` keeps identifiers only; ``canonical`` keeps one language per map."""
    if fmt == "exact":
        return statement
    statement = json.loads(json.dumps(statement))
    if fmt == "ids":
        _reduce_ids(statement)
    else:
        _reduce_languages(statement, languages)
    return statement


def _reduce_ids(body: dict) -> None:
    for key in ("actor", "authority"):
        if isinstance(body.get(key), dict):
            body[key] = ids_only(body[key])
    body["verb"] = {"id": body["verb"]["id"]}
    target = body.get("object") or {}
    kind = target.get("objectType", "Activity")
    if kind == "Activity":
        body["object"] = {"id": target["id"]}
    elif kind in ("Agent", "Group"):
        body["object"] = ids_only(target)
    elif kind == "SubStatement":
        _reduce_ids(target)
    context = body.get("context") or {}
    for key in ("instructor", "team"):
        if isinstance(context.get(key), dict):
            context[key] = ids_only(context[key])
    for key, listed in (context.get("contextActivities") or {}).items():
        context["contextActivities"][key] = [{"id": a["id"]} for a in (listed if isinstance(listed, list) else [listed])]


def _reduce_languages(value, languages: list[str]) -> None:
    if isinstance(value, list):
        for item in value:
            _reduce_languages(item, languages)
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        if key in ("display", "name", "description") and isinstance(item, dict) and item \
                and all(isinstance(text, str) for text in item.values()):
            chosen = next((tag for lang in languages for tag in item if tag.lower().startswith(lang.lower())),
                          next(iter(item)))
            value[key] = {chosen: item[chosen]}
        elif key != "extensions":
            _reduce_languages(item, languages)


def attachment_parts(statements: list[dict]) -> list[tuple[str, str, bytes]]:
    wanted = []
    for statement in statements:
        for attachment in statement.get("attachments") or ():
            if attachment["sha2"] not in wanted:
                wanted.append(attachment["sha2"])
    if not wanted:
        return []
    rows = {row.sha2: row for row in db.session.scalars(sa.select(XapiAttachment)
                                                        .where(XapiAttachment.sha2.in_(wanted)))}
    return [(sha2, rows[sha2].content_type, rows[sha2].content) for sha2 in wanted if sha2 in rows]
