"""A plugin as a third party would write it: a tab, a dashboard panel, a blueprint, an event log."""
from flask import Blueprint, url_for
from markupsafe import Markup, escape

from lms import hookimpl
from lms.plugins import NavItem

bp = Blueprint("sample_tab_plugin", __name__, url_prefix="/sample")
provisioned = []  # (user_id, source) as the event hook heard them
created_apps = []


@bp.route("/")
def index():
    return "sample plugin page"


@hookimpl
def lms_register_blueprints(app):
    app.register_blueprint(bp)


@hookimpl
def lms_app_created(app):
    created_apps.append(app.name)
    app.config["SAMPLE_PLUGIN_READY"] = True


@hookimpl
def lms_tpl_nav_items(user):
    if user.is_authenticated:
        return NavItem(key="sample", label="Образцы", url=url_for("sample_tab_plugin.index"), order=50)
    return None


@hookimpl
def lms_tpl_dashboard(user):
    return Markup('<section class="panel" id="sample-panel"><h2>Панель плагина</h2><p>{}</p></section>').format(
        escape(user.name)
    )


@hookimpl
def lms_user_provisioned(user_id, source):
    provisioned.append((user_id, source))
