"""The «Опросы» blueprint: the tab and managers' poll pages (polls.py), a poll's questions (questions.py)."""
from flask import Blueprint

bp = Blueprint("lms_polls", __name__, url_prefix="/polls", template_folder="../templates",
               static_folder="../static", static_url_path="/static")

from lms_polls.views import polls, questions  # noqa: E402,F401  (routes attach to bp)
