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
    "lms.assignments.hooks",
    "lms.quizzes.hooks",
    "lms.certificates.hooks",
    "lms.surveys.hooks",
    "lms.sso.hooks",
    "lms.api.hooks",
    "lms.webhooks.hooks",
    "lms.xapi.hooks",
    "lms.elearning.hooks",
    "lms.reports.hooks",
    "lms.admin.hooks",
    "lms.observability.hooks",
    "lms.backup.hooks",
    "lms.coordination.hooks",
    "lms.notifications.hooks",
    "lms.people.hooks",
)

# Each domain declares its own hooks next to its code; all of them are part of the contract.
HOOKSPEC_MODULES = (
    "lms.hookspecs",
    "lms.courses.hookspecs",
    "lms.quizzes.hookspecs",
    "lms.certificates.hookspecs",
    "lms.surveys.hookspecs",
    "lms.notifications.hookspecs",
)

ENTRY_POINT_GROUP = "lms"

# Slots whose hooks return NavItems (a menu); the others return Markup.
MENU_SLOTS = frozenset({"nav_items", "admin_menu"})


@dataclass(frozen=True)
class NavItem:
    """One menu entry (a top tab or an admin sub-menu link): ``key`` is stable, ``label`` already translated."""

    key: str
    label: str
    url: str
    order: int = 100


def make_plugin_manager(app, extra_plugins=()) -> pluggy.PluginManager:
    """Build the app's PluginManager: core plugins, entry points, then ``extra_plugins``.

    Names in ``LMS_DISABLED_PLUGINS`` are blocked before loading, so a disabled plugin's module
    is never imported. Plugins add their own hookspecs through ``lms_add_hookspecs``; then an
    implementation of an unknown hook raises at start-up.
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
    pm.hook.lms_add_hookspecs.call_historic(kwargs={"pm": pm})
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


def domain_setup_hooks(hooks_file: str, *blueprints: str):
    """The three set-up hooks every domain and plugin needs, as one call in its ``hooks.py``::

        lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
            __file__, "lms_polls.views:bp")

    ``blueprints`` are ``"module:attribute"`` names, imported when the app registers them (so
    importing ``hooks.py`` stays cheap); the folders are the ``migrations`` and ``translations``
    beside ``hooks.py``, when they exist. Pluggy finds the three by their module-level names.
    """
    from pathlib import Path

    from lms import hookimpl

    folder = Path(hooks_file).resolve().parent

    @hookimpl
    def lms_register_blueprints(app):
        for target in blueprints:
            module, _, attribute = target.partition(":")
            app.register_blueprint(getattr(importlib.import_module(module), attribute))

    @hookimpl
    def lms_migration_dirs():
        return [str(folder / "migrations")] if (folder / "migrations").is_dir() else []

    @hookimpl
    def lms_translation_dirs():
        return [str(folder / "translations")] if (folder / "translations").is_dir() else []

    return lms_register_blueprints, lms_migration_dirs, lms_translation_dirs


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
    Returns the NavItems sorted by ``order`` for the menu slots (``nav_items``, ``admin_menu``)
    and joined Markup for the other slots.
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
    if name in MENU_SLOTS:
        stray = [item for item in items if not isinstance(item, NavItem)]
        if stray:
            raise TypeError(f"slot {name!r} takes NavItems, got {stray[0]!r}")
        return sorted(items, key=lambda item: (item.order, item.key))
    # Plain strings are escaped by join: a slot must return Markup to emit HTML.
    return Markup("\n").join(items)
