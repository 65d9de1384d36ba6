"""Contract tests of the plugin system: every hook documented with its exact signature and tested."""
import importlib
import inspect
import re
from pathlib import Path

from lms.plugins import HOOKSPEC_MODULES

ROOT = Path(__file__).resolve().parents[2]


def hookspec_functions() -> dict:
    functions = {}
    for module_name in HOOKSPEC_MODULES:
        for name, func in vars(importlib.import_module(module_name)).items():
            if name.startswith("lms_") and callable(func):
                functions[name] = func
    return functions


def declared_hooks() -> dict[str, str]:
    return {name: ", ".join(inspect.signature(func).parameters) for name, func in hookspec_functions().items()}


def documented_hooks() -> dict[str, str]:
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    return {name: args.strip() for name, args in re.findall(r"^### `(lms_\w+)\(([^)]*)\)`", text, re.M)}


def test_every_hook_is_documented_with_its_exact_signature():
    assert documented_hooks() == declared_hooks()


def test_every_hookspec_has_a_docstring_contract():
    for name, func in hookspec_functions().items():
        assert (func.__doc__ or "").strip(), name


def test_every_hook_has_a_test():
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in (ROOT / "tests", ROOT / "plugins")
        for path in folder.rglob("test_*.py")
    )
    missing = [name for name in declared_hooks() if not re.search(rf"def test_hook_{name}\b", sources)]
    assert missing == []
