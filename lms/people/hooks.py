"""People domain hooks: its pages, its table, the ``lms users import`` command and the admin menu entry."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.plugins import NavItem, domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.people.views:bp")


@hookimpl
def lms_app_created(app):
    from lms.commands import users_group
    from lms.people.cli import import_users_command

    users_group.add_command(import_users_command)


@hookimpl
def lms_tpl_nav_items(user):
    if user.is_authenticated and user.role == Role.DEALER_ADMIN:
        return NavItem(key="people_staff", label=_("Staff"), url=url_for("people.staff_page"), order=85)
    return None


@hookimpl
def lms_tpl_admin_menu(user):
    if not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    return [NavItem(key="people_import", label=_("Import people"), url=url_for("people.import_people"), order=38)]
