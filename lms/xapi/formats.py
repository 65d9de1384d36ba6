"""xAPI value formats: IRIs, UUIDs, ISO 8601 timestamps and durations, language maps."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from lms.xapi.errors import bad_request

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]*")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}(?::?\d{2})?)?")
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(rf"P(?:{_NUM}W|(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?)")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")


def require_type(value, kind, where: str) -> None:
    if isinstance(value, bool) and kind is not bool:
        raise bad_request(f"{where} has the wrong type")
    if not isinstance(value, kind):
        raise bad_request(f"{where} must be {_type_name(kind)}")


def _type_name(kind) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true or false"}.get(kind, str(kind))


def check_iri(value, where: str) -> None:
    if not isinstance(value, str) or not _IRI.fullmatch(value):
        raise bad_request(f"{where} must be an absolute IRI")


def is_uuid(value) -> bool:
    return isinstance(value, str) and bool(_UUID.fullmatch(value))


def check_uuid(value, where: str) -> None:
    if not is_uuid(value):
        raise bad_request(f"{where} must be a UUID")


def parse_timestamp(value: str) -> datetime | None:
    """An aware UTC datetime, or None if ``value`` is not an ISO 8601 date-time (``-00:00`` is refused)."""
    if not isinstance(value, str):
        return None
    match = _TIMESTAMP.fullmatch(value)
    if not match:
        return None
    zone = match.group(8) or "Z"
    if zone in ("-00", "-0000", "-00:00"):
        return None  # RFC 3339: "unknown offset", not allowed by xAPI
    fraction = (match.group(7) or ".0")[1:7].ljust(6, "0")
    text = (f"{match.group(1)}-{match.group(2)}-{match.group(3)}T{match.group(4)}:{match.group(5)}:"
            f"{match.group(6)}.{fraction}")
    if zone not in ("Z", "z"):
        sign, digits = zone[0], zone[1:].replace(":", "")
        text += f"{sign}{digits[:2]}:{digits[2:4] or '00'}"
    else:
        text += "+00:00"
    try:
        return datetime.fromisoformat(text).astimezone(timezone.utc)
    except ValueError:
        return None


def check_timestamp(value, where: str) -> None:
    if parse_timestamp(value) is None:
        raise bad_request(f"{where} must be an ISO 8601 date and time")


def format_timestamp(moment: datetime) -> str:
    """UTC with milliseconds: ``2026-12-06T09:45:01.123Z``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def check_duration(value, where: str) -> None:
    if not isinstance(value, str) or value in ("P", "PT") or value.endswith("T") or not _DURATION.fullmatch(value):
        raise bad_request(f"{where} must be an ISO 8601 duration")


def check_language_map(value, where: str) -> None:
    require_type(value, dict, where)
    for tag, text in value.items():
        if not _LANGUAGE_TAG.fullmatch(tag):
            raise bad_request(f"{where}: {tag!r} is not a language tag")
        if not isinstance(text, str):
            raise bad_request(f"{where}[{tag}] must be a string")
