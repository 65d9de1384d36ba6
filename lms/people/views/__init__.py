"""The people blueprint: public account links, the dealer admin's staff page, admin editing and import."""
from flask import Blueprint

bp = Blueprint("people", __name__)

from lms.people.views import account_links, admin, staff  # noqa: E402,F401  (routes attach to bp)
