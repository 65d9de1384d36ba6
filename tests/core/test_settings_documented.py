"""Every setting the code reads has exactly one default and a row in docs/configuration.md.

The defaults live in ``lms.config.DefaultConfig`` (the core's) and in each domain's or plugin's
``settings.py`` ``DEFAULTS`` dict; readers use ``config["KEY"]``. The code is scanned with ``ast``
for string keys read through ``config[...]``, ``config.get(...)`` and ``config.setdefault(...)``.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import flask
import pytest

from lms.config import DefaultConfig

ROOT = Path(__file__).resolve().parents[2]
SCANNED = (ROOT / "lms", ROOT / "plugins")
CONFIGURATION_DOC = ROOT / "docs" / "configuration.md"

# Flask's and the extensions' own keys: their defaults live in those libraries, not here.
FOREIGN_KEYS = frozenset(flask.Flask.default_config)
FOREIGN_PREFIXES = ("SQLALCHEMY_", "WTF_CSRF_", "BABEL_TRANSLATION_", "REMEMBER_COOKIE_")
# Read from the environment before any config exists (it decides where the instance folder is).
ENVIRONMENT_ONLY = frozenset({"INSTANCE_PATH"})
DOCUMENTED_ROW = re.compile(r"^\|\s*`LMS_([A-Z0-9_]+)`", re.MULTILINE)


def is_foreign(key: str) -> bool:
    return key in FOREIGN_KEYS or key.startswith(FOREIGN_PREFIXES)


def python_files():
    for folder in SCANNED:
        for path in sorted(folder.rglob("*.py")):
            if "tests" not in path.relative_to(ROOT).parts:
                yield path


def names_config(node: ast.AST) -> bool:
    """``config``, ``app.config``, ``current_app.config`` and the like."""
    if isinstance(node, ast.Name):
        return node.id == "config"
    return isinstance(node, ast.Attribute) and node.attr == "config"


def config_reads() -> list[tuple[str, str, bool]]:
    """(key, "file:line", has an inline default) for every string key the code reads from a config."""
    reads = []
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(ROOT))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load) and names_config(node.value)
                    and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
                reads.append((node.slice.value, f"{where}:{node.lineno}", False))
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and node.func.attr in ("get", "setdefault") and names_config(node.func.value)
                  and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                reads.append((node.args[0].value, f"{where}:{node.lineno}", len(node.args) > 1))
    return reads


def settings_modules():
    """Every domain's and plugin's ``settings.py`` (its ``DEFAULTS`` dict)."""
    modules = []
    for path in sorted((ROOT / "lms").glob("*/settings.py")):
        modules.append(importlib.import_module(f"lms.{path.parent.name}.settings"))
    for path in sorted((ROOT / "plugins").glob("*/settings.py")):
        modules.append(importlib.import_module(f"{path.parent.name}.settings"))
    return modules


def defaults_by_key() -> dict[str, list[str]]:
    """Key → where its defaults are defined (one place each, when all is well)."""
    places: dict[str, list[str]] = {}
    for key in dir(DefaultConfig):
        if key.isupper():
            places.setdefault(key, []).append("lms.config.DefaultConfig")
    for module in settings_modules():
        for key in module.DEFAULTS:
            places.setdefault(key, []).append(f"{module.__name__}.DEFAULTS")
    return places


def documented_keys() -> list[str]:
    return DOCUMENTED_ROW.findall(CONFIGURATION_DOC.read_text(encoding="utf-8"))


def test_the_scan_finds_what_it_looks_for():
    """The scan is only worth its assertions if it sees the readers and the settings modules."""
    read = {key for key, _, _ in config_reads()}
    assert {"QUIZ_GRACE_SECONDS", "WEBHOOK_LEASE_SECONDS", "MARKETING_QUARTER_QUOTA"} <= read
    assert "lms_marketing.settings" in {module.__name__ for module in settings_modules()}


def test_every_setting_read_has_exactly_one_default():
    places = defaults_by_key()
    problems = [f"{where}: {key} has defaults in {places.get(key) or 'no place'}"
                for key, where, _ in config_reads()
                if not is_foreign(key) and key not in ENVIRONMENT_ONLY and len(places.get(key, ())) != 1]
    problems += [f"{key} is defined in {where}" for key, where in places.items() if len(where) > 1]
    assert not problems, "\n".join(problems)


def test_no_reader_repeats_a_default_inline():
    """``config.get("KEY", 30)`` would be a second default that drifts from the first."""
    inline = [f"{where}: {key}" for key, where, has_default in config_reads()
              if has_default and not is_foreign(key)]
    assert not inline, "use config[KEY]; the default belongs to the settings module:\n" + "\n".join(inline)


def test_every_setting_is_documented_once():
    documented = documented_keys()
    settings = {key for key in defaults_by_key() if not is_foreign(key)}
    settings |= {key for key, _, _ in config_reads() if not is_foreign(key)}
    missing = sorted(settings - set(documented))
    assert not missing, f"add rows for these to docs/configuration.md: {', '.join('LMS_' + key for key in missing)}"
    repeated = sorted({key for key in documented if documented.count(key) > 1})
    assert not repeated, f"documented more than once: {repeated}"


@pytest.mark.parametrize("key", documented_keys())
def test_every_documented_setting_exists(key):
    known = set(defaults_by_key()) | {read for read, _, _ in config_reads()} | FOREIGN_KEYS | ENVIRONMENT_ONLY
    assert key in known, f"docs/configuration.md documents LMS_{key}, which nothing defines or reads"


def test_documented_defaults_of_plain_numbers_match_the_code():
    """Where a row gives a bare number as the default, it is the one the code ships."""
    defaults = {key: getattr(DefaultConfig, key) for key in dir(DefaultConfig) if key.isupper()}
    for module in settings_modules():
        defaults.update(module.DEFAULTS)
    row = re.compile(r"^\|\s*`LMS_([A-Z0-9_]+)`\s*\|\s*`?(-?\d+)`?\s*\|", re.MULTILINE)
    rows = row.findall(CONFIGURATION_DOC.read_text(encoding="utf-8"))
    assert rows
    wrong = [f"LMS_{key}: documented {number}, code {defaults[key]!r}" for key, number in rows
             if key in defaults and defaults[key] != int(number)]
    assert not wrong, "\n".join(wrong)
