"""Reports domain hooks: the managers' "Отчёты" tab, the dealer admin's "Мой дилер" tab, indexes, seed CLI."""
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.auth.permissions import REPORT_ROLES
from lms.plugins import NavItem
from lms.reports import indexes, models  # noqa: F401  (the indexes and the table belong to the metadata from start-up)

HERE = Path(__file__).resolve().parent


@hookimpl
def lms_register_blueprints(app):
    from lms.reports.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]


@hookimpl
def lms_app_created(app):
    from lms.reports.seed import dev_group

    app.cli.add_command(dev_group)


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` keeps the all-dealer report snapshots fresh (see snapshots.py)."""
    from lms.reports.snapshots import refresh_due

    return {"report snapshots": refresh_due()}


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    if user.role in REPORT_ROLES:
        return NavItem(key="reports", label=_("Reports"), url=url_for("reports.overview"), order=80)
    if user.role == Role.DEALER_ADMIN and user.dealer_id:
        url = url_for("reports.dealer", dealer_id=user.dealer_id)
        return NavItem(key="my-dealer", label=_("My dealer"), url=url, order=80)
    return None
