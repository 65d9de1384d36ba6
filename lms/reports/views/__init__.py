"""The reports blueprint: dealer pages (dealers.py) and the coverage, course and activity reports
(reports.py), with what they share in helpers.py. Each route module imports ``bp`` from here;
importing them below registers their routes."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from lms.reports.views import dealers, reports  # noqa: E402,F401
