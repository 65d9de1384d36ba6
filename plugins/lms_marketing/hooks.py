"""lms_marketing hooks: the «Маркетинговые материалы» tab, its schema, texts and demo data."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.permissions import REPORT_ROLES
from lms.plugins import NavItem, domain_setup_hooks
from lms_marketing import models  # noqa: F401  (the tables join the metadata when the plugin loads)

ORDERING_ROLES = ("learner", "dealer_admin")


@hookimpl
def lms_add_hookspecs(pm):
    from lms_marketing import hookspecs

    pm.add_hookspecs(hookspecs)


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms_marketing.views:bp")


@hookimpl
def lms_app_created(app):
    from lms_marketing.settings import apply_defaults

    apply_defaults(app.config)


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    if user.role in REPORT_ROLES or (user.role in ORDERING_ROLES and user.dealer_id is not None):
        return NavItem(key="lms_marketing", label=_("Marketing materials"),
                       url=url_for("lms_marketing.catalogue"), order=60)
    return None


@hookimpl
def lms_notification_kinds():
    from lms_marketing.notices import order_status_kind

    return [order_status_kind()]


@hookimpl
def lms_load_demo_data():
    from lms_marketing.demo import load_demo_data

    load_demo_data()
