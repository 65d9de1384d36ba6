"""Hooks of the notifications domain (see docs/hooks.md)."""
from lms.hookspecs import hookspec


@hookspec
def lms_notification_kinds():
    """Return a list of ``lms.notifications.NotificationKind`` the plugin sends through ``notify()``.

    Called when the kinds are first needed (once per app, cached). A kind's ``name`` is unique across
    the portal (prefix a plugin's kinds with the plugin's name); a duplicate name stops start-up of
    the notification registry with a ValueError. Every person chooses per kind how it reaches them.
    """
