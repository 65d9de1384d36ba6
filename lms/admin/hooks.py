"""Admin domain hooks: the "Администрирование" tab and its first sub-menu entries."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.auth.models import Role
from lms.plugins import NavItem


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.admin.views:bp")


@hookimpl
def lms_tpl_nav_items(user):
    if user.is_authenticated and user.role == Role.ADMIN:
        return NavItem(key="admin", label=_("Administration"), url=url_for("admin.users"), order=90)
    return None


@hookimpl
def lms_tpl_admin_menu(user):
    if not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    return [NavItem(key="admin_users", label=_("Users"), url=url_for("admin.users"), order=10),
            NavItem(key="admin_dealers", label=_("Dealers"), url=url_for("admin.dealers"), order=20),
            NavItem(key="admin_plugins", label=_("Plugins"), url=url_for("admin.plugins"), order=30)]
