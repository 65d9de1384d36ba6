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
