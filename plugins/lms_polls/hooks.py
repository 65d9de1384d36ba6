"""lms_polls: the «Опросы» tab, built on the core survey engine through hooks and its public API only."""

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.plugins import NavItem
from lms_polls import hookspecs
from lms_polls import models  # noqa: F401  (the plugin's tables join the metadata when it loads)

TAB_ROLES = ("learner", "dealer_admin", "manager", "admin")


@hookimpl
def lms_add_hookspecs(pm):
    pm.add_hookspecs(hookspecs)


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms_polls.views:bp")


@hookimpl
def lms_tpl_nav_items(user):
    if getattr(user, "is_authenticated", False) and user.role in TAB_ROLES:
        return NavItem(key="polls", label=_("Polls"), url=url_for("lms_polls.index"), order=40)
    return None


@hookimpl
def lms_tpl_dashboard(user):
    """Dealer staff: open polls they have not answered, highlighted."""
    if not getattr(user, "is_authenticated", False) or user.role not in ("learner", "dealer_admin"):
        return None
    from lms_polls.services import open_polls_for

    pending = [poll for poll in open_polls_for(user.id) if not poll["answered"]]
    if not pending:
        return None
    # render_template autoescapes; the panel is already safe HTML
    return Markup(render_template("lms_polls/_dashboard_panel.html", polls=pending))  # nosec B704


@hookimpl
def lms_notification_kinds():
    from lms_polls.notices import invitation_kind

    return [invitation_kind()]


DEMO_POLL_TITLE = "Удобен ли новый прайс-лист?"


@hookimpl
def lms_load_demo_data():
    """A quick poll for gold dealers (idempotent: skipped when a poll with this title exists)."""
    from lms_polls.services import create_poll, poll_titles, quick_question

    if DEMO_POLL_TITLE in poll_titles():
        return
    create_poll(title=DEMO_POLL_TITLE, created_by=None, targeting={"tier": ["gold"]},
                questions=[quick_question("single_choice", DEMO_POLL_TITLE, ["Да", "Нет", "Ещё не видел"])])
