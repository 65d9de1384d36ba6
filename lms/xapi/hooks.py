"""xAPI domain hooks: the /xapi blueprint, ``lms xapi`` commands and the portal-events-to-statements listener."""
from lms import hookimpl
from lms.plugins import domain_setup_hooks

lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.xapi.views:bp")


@hookimpl
def lms_app_created(app):
    from lms.xapi import portal_statements
    from lms.xapi.cli import group

    app.cli.add_command(group)
    # The listener is process-wide; the flag limits it to apps that load this domain.
    portal_statements.install()
    app.extensions[portal_statements.APP_FLAG] = True
