"""Statement validation per xAPI 1.0.3 (Data section): a bad statement is a 400 with what is wrong."""
from __future__ import annotations

import re

from lms.xapi.errors import bad_request
from lms.xapi.formats import (check_duration, check_iri, check_language_map, check_timestamp, check_uuid,
                              require_type)

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
STATEMENT_KEYS = {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
                  "version", "attachments", "objectType"}
SUBSTATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
AGENT_KEYS = {"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"}
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_TYPES = {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
                     "sequencing", "likert", "numeric", "other"}
COMPONENT_LISTS = {"choice": ("choices",), "sequencing": ("choices",), "likert": ("scale",),
                   "matching": ("source", "target"), "performance": ("steps",)}
ALL_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
DEFINITION_KEYS = {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                   "correctResponsesPattern", *ALL_COMPONENT_LISTS}
_MBOX = re.compile(r"mailto:[^@\s]+@[^@\s]+")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
_VERSION = re.compile(r"1\.0(\.\d+)?")


def check_keys(value: dict, allowed: set, where: str) -> None:
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise bad_request(f"{where}: unknown properties {', '.join(unknown)}")


def check_extensions(value, where: str) -> None:
    require_type(value, dict, where)
    for key in value:
        check_iri(key, f"{where} key")


def check_agent(value, where: str, *, object_type_required: bool = False) -> None:
    require_type(value, dict, where)
    kind = value.get("objectType", None if object_type_required else "Agent")
    if kind == "Group":
        return check_group(value, where)
    if kind != "Agent":
        raise bad_request(f"{where}: objectType must be Agent or Group")
    check_keys(value, AGENT_KEYS, where)
    if "name" in value:
        require_type(value["name"], str, f"{where}.name")
    if check_ifis(value, where) != 1:
        raise bad_request(f"{where}: an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")


def check_group(value: dict, where: str) -> None:
    check_keys(value, GROUP_KEYS, where)
    if "name" in value:
        require_type(value["name"], str, f"{where}.name")
    count = check_ifis(value, where)
    if count > 1:
        raise bad_request(f"{where}: a Group has at most one identifier")
    members = value.get("member")
    if count == 0 and members is None:
        raise bad_request(f"{where}: an anonymous Group needs members")
    if members is not None:
        require_type(members, list, f"{where}.member")
        if count == 0 and not members:
            raise bad_request(f"{where}: an anonymous Group needs members")
        for index, member in enumerate(members):
            require_type(member, dict, f"{where}.member[{index}]")
            if member.get("objectType") == "Group":
                raise bad_request(f"{where}.member[{index}]: a Group cannot contain a Group")
            check_agent(member, f"{where}.member[{index}]")


def check_ifis(value: dict, where: str) -> int:
    present = [key for key in IFI_KEYS if key in value]
    for key in present:
        ifi = value[key]
        if key == "mbox":
            if not isinstance(ifi, str) or not _MBOX.fullmatch(ifi):
                raise bad_request(f"{where}.mbox must be mailto:<e-mail address>")
        elif key == "mbox_sha1sum":
            if not isinstance(ifi, str) or not _SHA1.fullmatch(ifi):
                raise bad_request(f"{where}.mbox_sha1sum must be 40 hex digits")
        elif key == "openid":
            check_iri(ifi, f"{where}.openid")
        else:
            require_type(ifi, dict, f"{where}.account")
            check_keys(ifi, {"homePage", "name"}, f"{where}.account")
            if "homePage" not in ifi or "name" not in ifi:
                raise bad_request(f"{where}.account needs homePage and name")
            check_iri(ifi["homePage"], f"{where}.account.homePage")
            require_type(ifi["name"], str, f"{where}.account.name")
    return len(present)


def check_verb(value, where: str = "verb") -> None:
    require_type(value, dict, where)
    check_keys(value, {"id", "display"}, where)
    if "id" not in value:
        raise bad_request(f"{where}.id is required")
    check_iri(value["id"], f"{where}.id")
    if "display" in value:
        check_language_map(value["display"], f"{where}.display")


def check_activity(value, where: str) -> None:
    require_type(value, dict, where)
    check_keys(value, {"objectType", "id", "definition"}, where)
    if value.get("objectType", "Activity") != "Activity":
        raise bad_request(f"{where}.objectType must be Activity")
    if "id" not in value:
        raise bad_request(f"{where}.id is required")
    check_iri(value["id"], f"{where}.id")
    if "definition" in value:
        check_definition(value["definition"], f"{where}.definition")


def check_definition(value, where: str) -> None:
    require_type(value, dict, where)
    check_keys(value, DEFINITION_KEYS, where)
    for key in ("name", "description"):
        if key in value:
            check_language_map(value[key], f"{where}.{key}")
    for key in ("type", "moreInfo"):
        if key in value:
            check_iri(value[key], f"{where}.{key}")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{where}.extensions")
    kind = value.get("interactionType")
    if kind is not None and (not isinstance(kind, str) or kind not in INTERACTION_TYPES):
        raise bad_request(f"{where}.interactionType must be one of {', '.join(sorted(INTERACTION_TYPES))}")
    if "correctResponsesPattern" in value:
        if kind is None:
            raise bad_request(f"{where}.correctResponsesPattern needs an interactionType")
        patterns = value["correctResponsesPattern"]
        require_type(patterns, list, f"{where}.correctResponsesPattern")
        for pattern in patterns:
            require_type(pattern, str, f"{where}.correctResponsesPattern[]")
    allowed = COMPONENT_LISTS.get(kind, ())
    for key in ALL_COMPONENT_LISTS:
        if key not in value:
            continue
        if key not in allowed:
            raise bad_request(f"{where}.{key} is not allowed for interactionType {kind}")
        check_components(value[key], f"{where}.{key}")


def check_components(value, where: str) -> None:
    require_type(value, list, where)
    seen = set()
    for component in value:
        require_type(component, dict, f"{where}[]")
        check_keys(component, {"id", "description"}, f"{where}[]")
        if not isinstance(component.get("id"), str) or not component["id"]:
            raise bad_request(f"{where}[].id must be a non-empty string")
        if component["id"] in seen:
            raise bad_request(f"{where}: component ids must be unique")
        seen.add(component["id"])
        if "description" in component:
            check_language_map(component["description"], f"{where}[].description")


def check_statement_ref(value: dict, where: str) -> None:
    check_keys(value, {"objectType", "id"}, where)
    check_uuid(value.get("id"), f"{where}.id")


def check_object(value, where: str, *, in_substatement: bool = False) -> None:
    require_type(value, dict, where)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(value, where)
    elif kind in ("Agent", "Group"):
        check_agent(value, where, object_type_required=True)
    elif kind == "StatementRef":
        check_statement_ref(value, where)
    elif kind == "SubStatement" and not in_substatement:
        check_keys(value, SUBSTATEMENT_KEYS, where)
        check_statement_body(value, where, substatement=True)
    else:
        raise bad_request(f"{where}.objectType {kind!r} is not allowed here")


def check_result(value, where: str) -> None:
    require_type(value, dict, where)
    check_keys(value, {"score", "success", "completion", "response", "duration", "extensions"}, where)
    for key in ("success", "completion"):
        if key in value:
            require_type(value[key], bool, f"{where}.{key}")
    if "response" in value:
        require_type(value["response"], str, f"{where}.response")
    if "duration" in value:
        check_duration(value["duration"], f"{where}.duration")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{where}.extensions")
    if "score" in value:
        check_score(value["score"], f"{where}.score")


def check_score(score, where: str) -> None:
    require_type(score, dict, where)
    check_keys(score, {"scaled", "raw", "min", "max"}, where)
    for key, number in score.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise bad_request(f"{where}.{key} must be a number")
    if "scaled" in score and not -1 <= score["scaled"] <= 1:
        raise bad_request(f"{where}.scaled must lie between -1 and 1")
    low, high, raw = score.get("min"), score.get("max"), score.get("raw")
    if low is not None and high is not None and low >= high:
        raise bad_request(f"{where}.min must be less than max")
    if raw is not None and ((low is not None and raw < low) or (high is not None and raw > high)):
        raise bad_request(f"{where}.raw must lie between min and max")


def check_context(value, where: str, object_value: dict) -> None:
    require_type(value, dict, where)
    check_keys(value, {"registration", "instructor", "team", "contextActivities", "revision", "platform",
                       "language", "statement", "extensions"}, where)
    if "registration" in value:
        check_uuid(value["registration"], f"{where}.registration")
    if "instructor" in value:
        check_agent(value["instructor"], f"{where}.instructor")
    if "team" in value:
        require_type(value["team"], dict, f"{where}.team")
        if value["team"].get("objectType") != "Group":
            raise bad_request(f"{where}.team must be a Group")
        check_group(value["team"], f"{where}.team")
    for key in ("revision", "platform", "language"):
        if key in value:
            require_type(value[key], str, f"{where}.{key}")
    if ("revision" in value or "platform" in value) and object_value.get("objectType", "Activity") != "Activity":
        raise bad_request(f"{where}: revision and platform are only for statements about an Activity")
    if "language" in value:
        check_language_map({value["language"]: ""}, f"{where}.language")
    if "statement" in value:
        require_type(value["statement"], dict, f"{where}.statement")
        if value["statement"].get("objectType") != "StatementRef":
            raise bad_request(f"{where}.statement must be a StatementRef")
        check_statement_ref(value["statement"], f"{where}.statement")
    if "extensions" in value:
        check_extensions(value["extensions"], f"{where}.extensions")
    if "contextActivities" in value:
        activities = value["contextActivities"]
        require_type(activities, dict, f"{where}.contextActivities")
        check_keys(activities, {"parent", "grouping", "category", "other"}, f"{where}.contextActivities")
        for key, listed in activities.items():
            for activity in listed if isinstance(listed, list) else [listed]:
                check_activity(activity, f"{where}.contextActivities.{key}")


def check_attachments(value, where: str) -> None:
    require_type(value, list, where)
    for index, attachment in enumerate(value):
        here = f"{where}[{index}]"
        require_type(attachment, dict, here)
        check_keys(attachment, {"usageType", "display", "description", "contentType", "length", "sha2",
                                "fileUrl"}, here)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in attachment:
                raise bad_request(f"{here}.{key} is required")
        check_iri(attachment["usageType"], f"{here}.usageType")
        check_language_map(attachment["display"], f"{here}.display")
        if "description" in attachment:
            check_language_map(attachment["description"], f"{here}.description")
        require_type(attachment["contentType"], str, f"{here}.contentType")
        if isinstance(attachment["length"], bool) or not isinstance(attachment["length"], int):
            raise bad_request(f"{here}.length must be an integer")
        require_type(attachment["sha2"], str, f"{here}.sha2")
        if "fileUrl" in attachment:
            check_iri(attachment["fileUrl"], f"{here}.fileUrl")


def check_statement_body(value: dict, where: str, *, substatement: bool = False) -> None:
    for key in ("actor", "verb", "object"):
        if key not in value:
            raise bad_request(f"{where}.{key} is required")
    check_agent(value["actor"], f"{where}.actor")
    check_verb(value["verb"], f"{where}.verb")
    check_object(value["object"], f"{where}.object", in_substatement=substatement)
    if "result" in value:
        check_result(value["result"], f"{where}.result")
    if "context" in value:
        check_context(value["context"], f"{where}.context", value["object"])
    if "timestamp" in value:
        check_timestamp(value["timestamp"], f"{where}.timestamp")
    if "attachments" in value:
        check_attachments(value["attachments"], f"{where}.attachments")


def check_statement(value) -> None:
    """Raise a 400 XapiError unless ``value`` is a valid xAPI 1.0.3 statement."""
    require_type(value, dict, "statement")
    check_keys(value, STATEMENT_KEYS - {"objectType"}, "statement")
    if "id" in value:
        check_uuid(value["id"], "statement.id")
    check_statement_body(value, "statement")
    if "stored" in value:
        check_timestamp(value["stored"], "statement.stored")
    if "version" in value:
        if not isinstance(value["version"], str) or not _VERSION.fullmatch(value["version"]):
            raise bad_request("statement.version must be 1.0.x")
    if "authority" in value:
        check_agent(value["authority"], "statement.authority")
        authority = value["authority"]
        if authority.get("objectType") == "Group" and (len(authority.get("member") or ()) != 2
                                                       or any(key in authority for key in IFI_KEYS)):
            raise bad_request("statement.authority: a Group authority is an OAuth pair: two members, no identifier")
    if value["verb"]["id"] == VOIDED_VERB and value["object"].get("objectType") != "StatementRef":
        raise bad_request("a voiding statement's object must be a StatementRef")
