"""The courses blueprint: learner pages (learner.py), author pages for courses (author.py) and
lessons (author_lessons.py), with what the author pages share in author_helpers.py. Each route
module imports ``bp`` from here; importing them below registers their routes."""
from flask import Blueprint

bp = Blueprint("courses", __name__, url_prefix="/courses")

from lms.courses.views import author, author_builder, author_copies, author_lessons, author_paths, learner  # noqa: E402,F401,E501
