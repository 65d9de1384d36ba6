"""The ``lms_marketing`` blueprint: dealers' catalogue and orders, managers' catalogue and queue."""
from flask import Blueprint

bp = Blueprint(
    "lms_marketing", __name__, url_prefix="/marketing",
    template_folder="../templates", static_folder="../static", static_url_path="/static",
)

from lms_marketing.views import dealer, manage  # noqa: E402,F401  (routes attach to bp)
