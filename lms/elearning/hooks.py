"""E-learning domain hooks: blueprints (portal and content origin), migrations, translations and the
xAPI statement rules that turn a package's statements into lesson progress."""
from lms import hookimpl
from lms.plugins import domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.elearning.views:bp", "lms.elearning.views:content_bp",
    "lms.elearning.scorm_views:bp")


@hookimpl
def lms_app_created(app):
    from lms.elearning import scorm_import, scorm_models, scorm_runtime  # noqa: F401  (SCORM reader, table, calls)
    from lms.elearning.cli import group
    from lms.elearning.rules import apply_rules, cmi5_session_statement
    from lms.xapi.statements import LAUNCH_SCOPE_WIDENERS, STATEMENT_RULES

    app.cli.add_command(group)
    if apply_rules not in STATEMENT_RULES:  # process-wide, like the xAPI listeners
        STATEMENT_RULES.append(apply_rules)
        LAUNCH_SCOPE_WIDENERS.append(cmi5_session_statement)


@hookimpl(trylast=True)
def lms_load_demo_data():
    """After the courses' demo content: a demo course with a small Tin Can package."""
    from lms.elearning.demo import load_demo_package

    load_demo_package()


@hookimpl
def lms_tpl_dashboard(user):
    """Authors and admins: the latest imported packages, with their import page and their first module."""
    import sqlalchemy as sa
    from flask import render_template

    from lms.courses.access import can_edit_courses
    from lms.elearning.models import ElearningPackage, ElearningUnit
    from lms.extensions import db

    if not (getattr(user, "is_authenticated", False) and can_edit_courses(user)):
        return None
    rows = db.session.execute(
        sa.select(ElearningPackage, ElearningUnit.id)
        .join(ElearningUnit, sa.and_(ElearningUnit.package_id == ElearningPackage.id, ElearningUnit.position == 0))
        .where(ElearningPackage.course_id.is_not(None))
        .order_by(ElearningPackage.id.desc()).limit(5)).all()
    if not rows:
        return None
    from markupsafe import Markup

    return Markup(render_template("elearning/_dashboard.html", rows=rows))  # nosec B704 - an autoescaped template
