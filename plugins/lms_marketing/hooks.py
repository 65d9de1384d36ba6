"""lms_marketing hooks: the «Маркетинговые материалы» tab, its schema, texts and demo data."""
from pathlib import Path

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.permissions import REPORT_ROLES
from lms.plugins import NavItem
from lms_marketing import models  # noqa: F401  (the tables join the metadata when the plugin loads)

HERE = Path(__file__).resolve().parent
ORDERING_ROLES = ("learner", "dealer_admin")


@hookimpl
def lms_register_blueprints(app):
    from lms_marketing import hookspecs
    from lms_marketing.views import bp

    app.extensions["lms"].add_hookspecs(hookspecs)
    app.config.setdefault("MARKETING_QUARTER_QUOTA", {"gold": 2000, "silver": 1000, "bronze": 500, "default": 500})
    app.register_blueprint(bp)


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    if user.role in REPORT_ROLES or (user.role in ORDERING_ROLES and user.dealer_id is not None):
        return NavItem(key="lms_marketing", label=_("Marketing materials"),
                       url=url_for("lms_marketing.catalogue"), order=60)
    return None


@hookimpl
def lms_load_demo_data():
    from lms_marketing.demo import load_demo_data

    load_demo_data()
