"""xAPI domain hooks: the /xapi blueprint, ``lms xapi`` commands and the portal-events-to-statements listener."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.plugins import NavItem, domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.xapi.views:bp", "lms.xapi.admin:bp")


@hookimpl
def lms_tpl_admin_menu(user):
    if not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    return [NavItem(key="xapi_forwarding", label=_("xAPI forwarding"), url=url_for("xapi_admin.forwarding"), order=55)]


@hookimpl
def lms_app_created(app):
    from lms.xapi import portal_statements
    from lms.xapi.cli import group

    app.cli.add_command(group)
    # The listener is process-wide; the flag limits it to apps that load this domain.
    portal_statements.install()
    app.extensions[portal_statements.APP_FLAG] = True
