"""Contract tests of the plugin system: every hook of the live plugin manager (the core's and those
the loaded plugins declare) is documented with its exact signature, has a docstring and a test."""
import inspect
import re
from pathlib import Path

import pytest

from lms.plugins import HOOKSPEC_MODULES, disabled_plugin_names

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def live_hooks(app) -> dict:
    """Every hook with a spec in the app's plugin manager: {name: spec function}."""
    pm = app.extensions["lms"]
    return {name: caller.spec.function for name, caller in vars(pm.hook).items()
            if getattr(caller, "spec", None) is not None}


def signature(function) -> str:
    return ", ".join(name for name in inspect.signature(function).parameters if name != "self")


def documented_hooks() -> dict[str, str]:
    text = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    return {name: args.strip() for name, args in re.findall(r"^### `(lms_\w+)\(([^)]*)\)`", text, re.M)}


def test_every_hook_is_documented_with_its_exact_signature(app, live_hooks):
    declared = {name: signature(function) for name, function in live_hooks.items()}
    documented = documented_hooks()
    assert {name: documented.get(name) for name in declared} == declared
    # The rest of docs/hooks.md belongs to plugins this run leaves out (LMS_DISABLED_PLUGINS), whose
    # hooks are named after them.
    disabled = tuple(f"{name}_" for name in disabled_plugin_names(app.config))
    assert [name for name in documented if name not in declared and not name.startswith(disabled)] == []


def test_the_live_manager_holds_the_core_and_plugin_hooks(app, live_hooks):
    core_modules = {function.__module__ for function in live_hooks.values()}
    assert set(HOOKSPEC_MODULES) <= core_modules
    if app.extensions["lms"].get_plugin("lms_polls") is not None:
        assert "lms_polls_reminder_sent" in live_hooks
    if app.extensions["lms"].get_plugin("lms_marketing") is not None:
        assert "lms_marketing_order_status_changed" in live_hooks


def test_every_hookspec_has_a_docstring_contract(live_hooks):
    for name, function in live_hooks.items():
        assert (function.__doc__ or "").strip(), name


def test_every_hook_has_a_test(live_hooks):
    sources = "\n".join(
        path.read_text(encoding="utf-8")
        for folder in (ROOT / "tests", ROOT / "plugins")
        for path in folder.rglob("test_*.py")
    )
    missing = [name for name in live_hooks if not re.search(rf"def test_hook_{name}\b", sources)]
    assert missing == []
