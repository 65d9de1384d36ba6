"""The plugin host: one pluggy PluginManager per app, template slots and plugin listings."""
from __future__ import annotations

import importlib
from dataclasses import dataclass

import pluggy
from flask import current_app
from markupsafe import Markup


# Core domains register through the same hooks a third-party plugin uses.
DEFAULT_PLUGINS = (
    "lms.portal.hooks",
    "lms.auth.hooks",
    "lms.courses.hooks",
    "lms.quizzes.hooks",
    "lms.certificates.hooks",
    "lms.surveys.hooks",
    "lms.sso.hooks",
    "lms.api.hooks",
    "lms.webhooks.hooks",
    "lms.reports.hooks",
    "lms.admin.hooks",
)

# Each domain declares its own hooks next to its code; all of them are part of the contract.
HOOKSPEC_MODULES = (
    "lms.hookspecs",
    "lms.courses.hookspecs",
    "lms.quizzes.hookspecs",
    "lms.certificates.hookspecs",
    "lms.surveys.hookspecs",
)

ENTRY_POINT_GROUP = "lms"


@dataclass(frozen=True)
class NavItem:
    """One top tab: ``key`` is stable (used for the active state), ``label`` is already translated."""

    key: str
    label: str
    url: str
    order: int = 100


def make_plugin_manager(app, extra_plugins=()) -> pluggy.PluginManager:
    """Build the app's PluginManager: core plugins, entry points, then ``extra_plugins``.

    Names in ``LMS_DISABLED_PLUGINS`` are blocked before loading, so a disabled plugin's module
    is never imported. An implementation of an unknown hook raises at start-up.
    """
    pm = pluggy.PluginManager("lms")
    for module_name in HOOKSPEC_MODULES:
        pm.add_hookspecs(importlib.import_module(module_name))
    for name in disabled_plugin_names(app.config):
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if not pm.is_blocked(module_name):
            pm.register(importlib.import_module(module_name), name=module_name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra_plugins:
        name = getattr(plugin, "__name__", None)
        if not (name and pm.is_blocked(name)):
            pm.register(plugin, name=name)
    pm.check_pending()
    return pm


def disabled_plugin_names(config) -> list[str]:
    """Parse ``DISABLED_PLUGINS``: a comma-separated string or a list."""
    value = config.get("DISABLED_PLUGINS") or ""
    if isinstance(value, str):
        value = value.split(",")
    return [name.strip() for name in value if name and name.strip()]


def plugin_manager(app=None) -> pluggy.PluginManager:
    """The PluginManager of ``app`` (default: the current app)."""
    return (app or current_app).extensions["lms"]


def describe_plugins(pm: pluggy.PluginManager) -> list[tuple[str, list[str]]]:
    """Loaded plugins with the hooks each implements, for ``lms plugins`` and the admin page."""
    rows = []
    for name, plugin in pm.list_name_plugin():
        if plugin is None:  # a blocked name
            continue
        callers = pm.get_hookcallers(plugin) or []
        rows.append((name, sorted(caller.name for caller in callers)))
    return sorted(rows)


def call_slot(name: str, **kwargs):
    """Call the UI slot hook ``lms_tpl_<name>`` and flatten its results.

    Raises ``LookupError`` for an unknown slot, so a typo in a template fails loudly.
    Returns a list of NavItems for ``nav_items`` and joined Markup for the other slots.
    """
    hook_name = f"lms_tpl_{name}"
    pm = plugin_manager()
    caller = getattr(pm.hook, hook_name, None)
    if caller is None or not hook_name.startswith("lms_tpl_"):
        raise LookupError(f"unknown template slot {name!r}")
    items = []
    for result in caller(**kwargs):
        if result is None:
            continue
        items.extend(result if isinstance(result, (list, tuple)) else [result])
    if all(isinstance(item, NavItem) for item in items) and name == "nav_items":
        return sorted(items, key=lambda item: (item.order, item.key))
    # Plain strings are escaped by join: a slot must return Markup to emit HTML.
    return Markup("\n").join(items)
