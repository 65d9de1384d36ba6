"""Surveys domain hooks: blueprint, schema, catalogue, and dashboard panels (no tab of its own)."""

from flask import render_template

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.surveys import models  # noqa: F401  (the tables join the metadata with the domain)


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.surveys.views:bp")


@hookimpl
def lms_tpl_dashboard(user):
    """Open surveys I have not answered (those made in the survey UI; plugins show their own), or the
    managers' entry to the survey editor."""
    from markupsafe import Markup

    from lms.auth.permissions import REPORT_ROLES
    from lms.surveys.services import surveys_for_user

    if not getattr(user, "is_authenticated", False):
        return None
    manager = user.role in REPORT_ROLES
    pending = [survey for survey, answered in surveys_for_user(user, owner=None) if not answered]
    if not pending and not manager:
        return None
    # render_template autoescapes; the panel is already safe HTML
    return Markup(render_template("surveys/_dashboard_panel.html", pending=pending, manager=manager))  # nosec B704


DEMO_SURVEY_TITLE = "Как вам портал обучения?"


@hookimpl
def lms_load_demo_data():
    """One published survey for dealer staff, with a conditional follow-up (idempotent by title)."""
    import sqlalchemy as sa

    from lms.extensions import db
    from lms.surveys.models import Survey
    from lms.surveys.services import create_survey

    if db.session.scalar(sa.select(Survey.id).where(Survey.title == DEMO_SURVEY_TITLE, Survey.owner.is_(None))):
        return
    create_survey(title=DEMO_SURVEY_TITLE, description="Три вопроса, две минуты.", publish=True,
                  targeting={"role": ["learner", "dealer_admin"]}, questions=[
                      {"key": "score", "kind": "rating", "title": "Оцените портал от 1 до 5", "required": True},
                      {"key": "problem", "kind": "long_text", "title": "Что мешает учиться?",
                       "show_if": {"question": "score", "in": [1, 2, 3]}},
                      {"key": "nps", "kind": "nps", "title": "Порекомендуете ли вы портал коллегам?"}])


@hookimpl
def lms_worker_run_once(batch_size):
    """Invite the audience of each newly published survey (publishing only enqueues the job)."""
    from lms.surveys.invitations import send_pending_invitations

    return send_pending_invitations(batch_size)
