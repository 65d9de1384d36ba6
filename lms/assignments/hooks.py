"""Assignments domain hooks: schema, pages, the learner's home panel, notification kinds, worker sweep."""
from __future__ import annotations

import logging

from flask import url_for
from flask_babel import gettext as _

from lms import hookimpl
from lms.assignments import models  # noqa: F401  (tables must be in the metadata)
from lms.auth.models import Role
from lms.plugins import NavItem, domain_setup_hooks

log = logging.getLogger(__name__)

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.assignments.views:bp")

ASSIGNING_ROLES = (Role.DEALER_ADMIN, Role.MANAGER, Role.ADMIN)


@hookimpl
def lms_app_created(app):
    from flask_babel import format_date

    from lms.assignments.queries import STATUS_LABELS

    app.add_template_global(lambda status: STATUS_LABELS.get(status, status), "status_label")
    app.add_template_filter(lambda value: format_date(value, "long") if value else "", "long_date")
    app.add_template_global(lambda: url_for("assignments.calendar_page"), "calendar_page_url")


@hookimpl
def lms_tpl_nav_items(user):
    if user is None or not user.is_authenticated or user.role not in ASSIGNING_ROLES:
        return None
    return NavItem(key="assignments", label=_("Assignments"), url=url_for("assignments.index"), order=55)


@hookimpl(tryfirst=True)
def lms_tpl_dashboard(user):
    """«My learning» comes first on the home page, before every other panel."""
    from lms.assignments.home import render_home_panel

    if user is None or not user.is_authenticated:
        return None
    return render_home_panel(user)


@hookimpl
def lms_notification_kinds():
    from lms.assignments.notices import notification_kinds

    return notification_kinds()


@hookimpl
def lms_user_provisioned(user_id, source):
    """A new person in an audience gets its assignments at once (the sweep catches anyone missed).

    Imported people are left to the worker's next sweep, which reaches them all in one query per
    assignment: one commit per person made a 10,000-row import spend two thirds of its time here.
    """
    from lms.assignments.services import reach_audience
    from lms.events import commit
    from lms.extensions import db

    if source == "import":
        return
    try:
        reach_audience(user_ids=[user_id])
        commit()
    except Exception:
        db.session.rollback()  # the account stands; the worker's sweep assigns them later
        log.exception("Assigning training to new user %s failed", user_id)


@hookimpl
def lms_course_completed(completion):
    from lms.assignments.services import record_completions
    from lms.events import commit
    from lms.extensions import db

    try:
        record_completions(user_ids=[completion.user_id])
        commit()
    except Exception:
        db.session.rollback()  # the sweep records it later
        log.exception("Recording assignment completion for user %s failed", completion.user_id)


@hookimpl(tryfirst=True)
def lms_worker_run_once(batch_size):
    """First in the pass, so the notices it queues leave with the same pass's outbox delivery."""
    from lms.assignments.sweep import run_sweep

    return run_sweep(batch_size)


@hookimpl
def lms_course_access_grants(user_id):
    """Assigned courses (directly or through a learning path) open for their holder, whatever the targeting."""
    from lms.assignments.queries import assigned_course_ids

    return assigned_course_ids(user_id)


@hookimpl(trylast=True)
def lms_load_demo_data():
    """After the courses domain imported the demo courses (the caller commits)."""
    from lms.assignments.demo import load_demo_assignment

    load_demo_assignment()
