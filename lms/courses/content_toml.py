"""Reading course files' TOML tables: every problem collected with its file and line (content_files uses it)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

from lms.courses.content_sources import ContentProblem

_TOML_LINE_RE = re.compile(r"\(at line (\d+), column \d+\)")
REQUIRED = object()


class Problems:
    """Collects problems with file names relative to the content root."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.items: list[ContentProblem] = []

    def add(self, path: Path, line: int | None, message: str, **params: object) -> None:
        try:
            name = path.relative_to(self.root).as_posix()
        except ValueError:
            name = path.as_posix()
        self.items.append(ContentProblem(name, line, message, params))


def line_of(text: str, key: str, start: int = 1) -> int | None:
    """Best-effort line of ``key = …`` or ``[key]`` at or after ``start`` (TOML keeps no positions)."""
    pattern = re.compile(rf"^\s*(?:\[\[?\s*{re.escape(key)}\s*\]\]?|{re.escape(key)}\s*=)")
    lines = text.splitlines()
    for number in range(start, len(lines) + 1):
        if pattern.match(lines[number - 1]):
            return number
    return None


def is_type(value: object, expected: type | str) -> bool:
    if expected == "list[str]":
        return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def read_table(table: dict, spec: dict, problems: Problems, path: Path, text: str, offset: int = 0, prefix: str = "",
                start: int = 1) -> dict:
    """Check ``table`` against ``spec`` {key: (type, default or REQUIRED)}; return values with defaults.

    ``start`` is the line where the table begins in ``text`` (for error lines), ``offset`` shifts them into the file.
    """
    values = {}
    for key in table:
        if key not in spec:
            line = line_of(text, key, start)
            problems.add(path, line and line + offset, "Unknown key “%(key)s”.", key=prefix + key)
    for key, (expected, default) in spec.items():
        if key not in table:
            if default is REQUIRED:
                problems.add(path, offset or None, "Missing required key “%(key)s”.", key=prefix + key)
            values[key] = None if default is REQUIRED else default
        elif not is_type(table[key], expected):
            line = line_of(text, key, start)
            type_name = expected if isinstance(expected, str) else expected.__name__
            problems.add(path, line and line + offset, "“%(key)s” must be of type %(type)s.", key=prefix + key, type=type_name)
            values[key] = None if default is REQUIRED else default
        else:
            value = table[key]
            values[key] = tuple(value) if expected == "list[str]" else value
    return values


def load_toml(path: Path, problems: Problems) -> tuple[dict | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
        return tomllib.loads(text), text
    except UnicodeDecodeError:
        problems.add(path, None, "The file is not UTF-8 text.")
    except tomllib.TOMLDecodeError as error:
        match = _TOML_LINE_RE.search(str(error))
        detail = _TOML_LINE_RE.sub("", str(error)).strip()
        problems.add(path, int(match.group(1)) if match else None, "The file is not valid TOML: %(detail)s", detail=detail)
    return None, ""
