"""Webhooks domain hooks: the outbox listener, deliveries in ``lms worker`` and the admin pages."""
from pathlib import Path

from lms import hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def lms_register_blueprints(app):
    from lms.webhooks.admin import bp

    app.register_blueprint(bp)


@hookimpl
def lms_app_created(app):
    # The integrations sub-menu links only to pages of loaded plugins (api and webhooks can be disabled).
    app.jinja_env.globals.setdefault("lms_has_endpoint", lambda name: name in app.view_functions)
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
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]
