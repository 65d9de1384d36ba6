"""Reports domain hooks: the managers' "Отчёты" tab, the dealer admin's "Мой дилер" tab, indexes, snapshots."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.auth.permissions import REPORT_ROLES
from lms.plugins import NavItem, domain_setup_hooks
from lms.reports import indexes, models  # noqa: F401  (the indexes and the table belong to the metadata from start-up)


SNAPSHOT_LEASE_SECONDS = 120  # another worker takes the snapshots over this long after their worker died

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.reports.views:bp")


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` keeps the all-dealer report snapshots fresh (see snapshots.py); one worker at a
    time (a named lease), since every worker would compute the same snapshots."""
    from lms.coordination import leases
    from lms.reports.snapshots import refresh_due

    if not leases.hold("reports.snapshots", leases.process_holder(), SNAPSHOT_LEASE_SECONDS):
        return {"report snapshots": 0}
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
