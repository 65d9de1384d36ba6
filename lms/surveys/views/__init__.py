"""The surveys blueprint: respondents' pages (learner.py) and the managers' editor and results (admin.py)."""
from flask import Blueprint

bp = Blueprint("surveys", __name__, url_prefix="/surveys")

from lms.surveys.views import admin, learner, questions  # noqa: E402,F401  (routes attach to bp)
