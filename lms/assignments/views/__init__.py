"""The assignments blueprint: managers' and dealer admins' pages (manage.py), the learner's calendar (calendar.py)."""
from flask import Blueprint

bp = Blueprint("assignments", __name__, url_prefix="/assignments")

from lms.assignments.views import calendar, manage  # noqa: E402,F401  (registers the routes)
