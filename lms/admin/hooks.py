"""Admin domain hooks: the "Администрирование" tab."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.auth.models import Role
from lms.plugins import NavItem


@hookimpl
def lms_register_blueprints(app):
    from lms.admin.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_tpl_nav_items(user):
    if user.is_authenticated and user.role == Role.ADMIN:
        return NavItem(key="admin", label=_("Administration"), url=url_for("admin.users"), order=90)
    return None
