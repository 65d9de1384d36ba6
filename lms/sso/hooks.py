"""SSO domain hooks: trusted issuers loaded once per app, the sign-in endpoint, embedded mode, its tables."""
from pathlib import Path

from lms import hookimpl
from lms.config import ConfigurationError
from lms.sso import models  # noqa: F401  (the tables belong to the metadata whenever the domain is loaded)
from lms.sso.issuers import IssuerConfigError

HERE = Path(__file__).resolve().parent


class SsoConfigurationError(ConfigurationError, IssuerConfigError):
    """A bad issuers file: the CLI prints it plainly, callers may catch either base class."""


@hookimpl
def lms_register_blueprints(app):
    from lms.sso.views import bp

    app.register_blueprint(bp)


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


@hookimpl
def lms_migration_dirs():
    return [str(HERE / "migrations")]


@hookimpl
def lms_translation_dirs():
    return [str(HERE / "translations")]
