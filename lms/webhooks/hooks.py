"""Webhooks domain hooks: the outbox listener, deliveries in ``lms worker`` and the admin pages."""

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.auth.models import Role
from lms.plugins import NavItem


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.webhooks.admin:bp")


@hookimpl
def lms_app_created(app):
    from lms.webhooks import outbox

    # The listener is process-wide; the flag limits it to apps that load this plugin.
    outbox.install()
    app.extensions[outbox.APP_FLAG] = True


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` delivers the outbox: claimed in batches, retried with backoff."""
    from lms.webhooks.worker import run_once

    counts = run_once(batch_size)
    return {"webhooks delivered": counts["delivered"], "webhook deliveries failed": counts["failed"]}


@hookimpl
def lms_tpl_admin_menu(user):
    if not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    return [NavItem(key="webhooks", label=_("Webhooks"), url=url_for("webhooks_admin.subscriptions"), order=50),
            NavItem(key="webhook_deliveries", label=_("Delivery log"), url=url_for("webhooks_admin.deliveries"),
                    order=60)]
