"""The portal shell registers itself like any plugin."""
from lms import hookimpl


@hookimpl
def lms_register_blueprints(app):
    from lms.portal.views import bp

    app.register_blueprint(bp)
