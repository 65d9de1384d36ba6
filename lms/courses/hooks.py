"""Courses domain hooks: the "Обучение" tab."""
from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.plugins import NavItem


@hookimpl
def lms_register_blueprints(app):
    from lms.courses.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_tpl_nav_items(user):
    if not user.is_authenticated:
        return None
    return NavItem(key="courses", label=_("Training"), url=url_for("courses.catalogue"), order=10)
