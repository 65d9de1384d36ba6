"""Table rows as JSON lines and back, without losing a type: one canonical text per value, so equal
data always dumps to equal bytes (and equal hashes) on SQLite and on PostgreSQL."""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid


def encode_value(value):
    """A JSON value; types JSON lacks (and JSON columns' own objects) are tagged ``{"t": type, "v": text}``."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, dt.time):
        return {"t": "time", "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"t": "decimal", "v": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"t": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, uuid.UUID):
        return {"t": "uuid", "v": str(value)}
    if isinstance(value, (dict, list)):
        return {"t": "json", "v": value}
    raise TypeError(f"a database value of type {type(value).__name__} cannot be backed up")


_DECODERS = {
    "datetime": dt.datetime.fromisoformat,
    "date": dt.date.fromisoformat,
    "time": dt.time.fromisoformat,
    "decimal": decimal.Decimal,
    "bytes": base64.b64decode,
    "uuid": uuid.UUID,
    "json": lambda value: value,
}


def decode_value(value):
    if isinstance(value, dict):
        return _DECODERS[value["t"]](value["v"])
    return value


def row_line(values) -> bytes:
    # Keys sorted: PostgreSQL's jsonb keeps an object's keys in its own order, SQLite's JSON in the
    # order written, and the same statement must dump to the same bytes on both.
    return json.dumps([encode_value(value) for value in values], ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8") + b"\n"


def line_values(line: bytes) -> list:
    return [decode_value(value) for value in json.loads(line)]
