"""API domain hooks: the /api/v1 blueprint, the token admin page, ``lms api-tokens`` and the schema."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.plugins import NavItem, domain_setup_hooks


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.api.views:bp", "lms.api.admin:bp")


@hookimpl
def lms_app_created(app):
    from lms.api.cli import group

    app.cli.add_command(group)


@hookimpl
def lms_tpl_admin_menu(user):
    if not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    return [NavItem(key="api_tokens", label=_("API tokens"), url=url_for("api_admin.tokens"), order=40),
            NavItem(key="api_links", label=_("Linked users"), url=url_for("api_admin.links"), order=45),
            NavItem(key="api_openapi", label=_("API description (OpenAPI)"), url=url_for("api.openapi"), order=70)]
