"""Rows of an editor form (options, pairs, items): added, removed and moved by plain submit buttons.

Each list button posts ``list_action`` = ``add:<list>``, ``remove:<list>:<n>``, ``up:<list>:<n>`` or
``down:<list>:<n>``. The posted fields are renumbered here, before the form reads them, so the page
comes back with every typed value kept and works the same with or without JavaScript.
"""
from __future__ import annotations

import re
import secrets

from werkzeug.datastructures import MultiDict

ACTION_FIELD = "list_action"
MAX_ROWS = 50
_ACTION = re.compile(r"(add|remove|up|down):([a-z_]{1,40})(?::(\d{1,3}))?")
_ITEM_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def new_row_id() -> str:
    """A fresh opaque id for a row the author adds (the same shape as a question option's id)."""
    return "o" + secrets.token_hex(5)


def clean_row_ids(ids: list[str]) -> list[str]:
    """Keep each posted row id that is well-formed and unique; give the others a fresh one."""
    seen, out = set(), []
    for value in ids:
        value = (value or "").strip()
        if not _ITEM_ID.fullmatch(value) or value in seen:
            value = new_row_id()
        seen.add(value)
        out.append(value)
    return out


def _rows(formdata: MultiDict, name: str) -> list[list[tuple[str, list[str]]]]:
    pattern = re.compile(rf"{re.escape(name)}-(\d{{1,3}})-(.+)")
    rows: dict[int, list] = {}
    for key in formdata.keys():
        match = pattern.fullmatch(key)
        if match:
            rows.setdefault(int(match[1]), []).append((match[2], formdata.getlist(key)))
    return [rows[index] for index in sorted(rows)]


def apply_list_action(formdata) -> tuple[MultiDict, bool]:
    """The posted fields with the list button's change applied, and whether a list button was pressed."""
    data = MultiDict(formdata)
    action = data.pop(ACTION_FIELD, None)
    if not action:
        return data, False
    match = _ACTION.fullmatch(action)
    if match is None:
        return data, True  # an unknown button: show the form again, unchanged
    verb, name, index = match[1], match[2], int(match[3]) if match[3] else None
    rows = _rows(data, name)
    if verb == "add" and len(rows) < MAX_ROWS:
        rows.append([("id", [new_row_id()])])
    elif index is not None and index < len(rows):
        if verb == "remove":
            rows.pop(index)
        elif verb == "up" and index > 0:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif verb == "down" and index + 1 < len(rows):
            rows[index + 1], rows[index] = rows[index], rows[index + 1]
    out = MultiDict([(key, value) for key, value in data.items(multi=True) if not key.startswith(f"{name}-")])
    for number, row in enumerate(rows):
        for suffix, values in row:
            out.setlist(f"{name}-{number}-{suffix}", values)
    return out, True


def moved_or_removed(items: list, number: int, action: str | None) -> list:
    """``items`` with the ``number``-th (from 1) moved ``up``/``down`` or ``remove``d: a survey's or a
    poll's questions. LookupError for a number out of range, ValueError for an action that is not
    one of those or a move past either end (the views answer 404 and 400)."""
    if not 1 <= number <= len(items):
        raise LookupError(number)
    items, index = list(items), number - 1
    if action == "remove":
        items.pop(index)
        return items
    if action not in ("up", "down"):
        raise ValueError(action)
    target = index - 1 if action == "up" else index + 1
    if not 0 <= target < len(items):
        raise ValueError(action)
    items[index], items[target] = items[target], items[index]
    return items
