"""lms_polls: the «Опросы» tab, built on the core survey engine through hooks and lms.surveys.api only."""
from pathlib import Path

from flask import render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from lms import hookimpl
from lms.plugins import NavItem
from lms_polls import hookspecs
from lms_polls import models  # noqa: F401  (the plugin's tables join the metadata when it loads)

HERE = Path(__file__).resolve().parent
TAB_ROLES = ("learner", "dealer_admin", "manager", "admin")


@hookimpl
def lms_register_blueprints(app):
    # The first setup hook: declare our own event hook before anything can emit it.
    pm = app.extensions["lms"]
    caller = getattr(pm.hook, "lms_polls_reminder_sent", None)
    if caller is None or not caller.has_spec():
        pm.add_hookspecs(hookspecs)
    from lms_polls.views import bp

    app.register_blueprint(bp)


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]


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


DEMO_POLL_TITLE = "Удобен ли новый прайс-лист?"


@hookimpl
def lms_load_demo_data():
    """A quick poll for gold dealers (idempotent: skipped when a poll with this title exists)."""
    import sqlalchemy as sa

    from lms.extensions import db
    from lms.surveys import api as surveys
    from lms_polls.models import Poll
    from lms_polls.services import create_poll, quick_question

    survey_ids = list(db.session.scalars(sa.select(Poll.survey_id)))
    if any(s["title"] == DEMO_POLL_TITLE for s in surveys.survey_summaries(survey_ids).values()):
        return
    create_poll(title=DEMO_POLL_TITLE, created_by=None, targeting={"tier": ["gold"]},
                questions=[quick_question("single_choice", DEMO_POLL_TITLE, ["Да", "Нет", "Ещё не видел"])])
