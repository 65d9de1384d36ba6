"""The courses blueprint: learner pages (learner.py) and author pages (author.py)."""
from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")

from lms.courses.views import author, learner  # noqa: E402,F401
