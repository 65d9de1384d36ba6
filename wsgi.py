"""WSGI entry point: ``gunicorn wsgi:app``."""
from lms.warnings_policy import hide_third_party_deprecations

hide_third_party_deprecations()  # a library's deprecation notice is for developers, not server logs

from lms import create_app  # noqa: E402  (after the filter: importing the app imports the libraries)

app = create_app()
