"""SSO domain hooks: trusted issuers loaded once per app, the sign-in endpoint, embedded mode, the CLI, its tables."""

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.config import ConfigurationError
from lms.sso import models  # noqa: F401  (the tables belong to the metadata whenever the domain is loaded)
from lms.sso.issuers import IssuerConfigError


class SsoConfigurationError(ConfigurationError, IssuerConfigError):
    """A bad issuers file: the CLI prints it plainly, callers may catch either base class."""


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.sso.views:bp")


@hookimpl
def lms_app_created(app):
    from lms.sso.embed import SsoState, init_embed
    from lms.sso.issuers import load_issuers

    path = app.config.get("SSO_ISSUERS")
    try:
        issuers = load_issuers(path) if path else {}
    except IssuerConfigError as error:
        raise SsoConfigurationError(str(error)) from None
    app.extensions["lms_sso"] = SsoState(issuers=issuers)
    init_embed(app)
    from lms.sso.cli import group

    app.cli.add_command(group)

