"""Every ``lms_*`` hook. A hook's docstring is its contract: parameters, return value, when it fires.

Conventions (as in pytest): setup hooks run once per app; UI slot hooks collect the non-None
results of every plugin; event hooks fire after the transaction that caused them committed and
receive ids or frozen dataclasses, never live ORM objects. docs/hooks.md documents the same
signatures, and a contract test keeps the two in step.
"""
import pluggy

hookspec = pluggy.HookspecMarker("lms")


# --- setup -------------------------------------------------------------------------------


@hookspec(historic=True)
def lms_add_hookspecs(pm):
    """Add the plugin's own hookspecs to ``pm`` (the app's PluginManager): ``pm.add_hookspecs(module)``.

    Called while the manager is built, after every plugin is registered and before
    ``pm.check_pending()``, so an implementation of a misspelt hook stops start-up. Historic, like
    pytest's ``pytest_addhooks``: a plugin registered later is called at once. Name the plugin's
    hooks ``<plugin name>_*``. Returns nothing.
    """


@hookspec
def lms_register_blueprints(app):
    """Register the plugin's Flask blueprints on ``app``.

    Called once per app, after the extensions are bound and before ``lms_app_created``.
    A plugin's blueprint must be named after the plugin. Returns nothing.
    """


@hookspec
def lms_app_created(app):
    """React to a fully configured app: add template globals, CLI commands, before-request hooks.

    Called once per app, last in ``create_app``. Returns nothing.
    """


@hookspec
def lms_migration_dirs():
    """Return a list of folders holding the plugin's Alembic revision files.

    Each plugin's revisions form an Alembic branch labelled with the plugin's name, so
    ``lms init`` (``upgrade heads``) applies every loaded plugin's schema.
    """


@hookspec
def lms_translation_dirs():
    """Return a list of folders laid out as ``<locale>/LC_MESSAGES/messages.po``.

    Their catalogues are compiled at start-up and merged into the portal's translations,
    so a plugin ships its own Russian and English texts.
    """


@hookspec
def lms_load_demo_data():
    """Add the plugin's demo records; called inside an app context by ``lms init --demo``.

    Runs after the core demo dealers and users exist. Must be idempotent: a second run changes
    nothing. The caller commits. Returns nothing.
    """


@hookspec
def lms_worker_run_once(batch_size):
    """Do the plugin's background work that is due now, at most ``batch_size`` items of it, once.

    Called in a loop by ``lms worker`` (inside an app context, with no transaction open), which
    sleeps while every implementation reports nothing done. Commit your own work. Return a dict
    of counts of what was done (``{"webhooks delivered": 3}``), or an empty dict when idle. Several
    workers may run at once and any may be killed: claim work so that it is neither done twice
    nor lost.
    """


# --- UI slots (collect) --------------------------------------------------------------------


@hookspec
def lms_tpl_nav_items(user):
    """Return a ``lms.plugins.NavItem`` (or a list of them, or None) for the top tabs.

    ``user`` is the signed-in user (Flask-Login's current_user, possibly anonymous). Called on
    every page render; keep it cheap. Items are shown sorted by their ``order``.
    """


@hookspec
def lms_tpl_admin_menu(user):
    """Return a ``lms.plugins.NavItem`` (or a list of them, or None) for the administration sub-menu.

    ``user`` is the signed-in user. Offer only pages the user may open. Rendered on every
    administration page, sorted by ``order``; keep it cheap.
    """


@hookspec
def lms_tpl_dashboard(user):
    """Return a ``markupsafe.Markup`` panel (or None) for the signed-in user's dashboard.

    ``user`` is the signed-in user. Panels are shown in plugin registration order.
    """


# --- events (after commit) ----------------------------------------------------------------


@hookspec
def lms_user_provisioned(user_id, source):
    """A user account was created; fires after the creating transaction committed.

    ``user_id`` is the new user's id, ``source`` one of ``"cli"``, ``"admin"``, ``"demo"``,
    ``"sso"``, ``"api"``, ``"import"`` (bulk import), ``"invitation"`` (a dealer admin's). Returns nothing.
    """
