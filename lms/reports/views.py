"""Manager overview of dealers, and a dealer admin's view of their own staff."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from lms.auth.models import Dealer, Role
from lms.auth.permissions import REPORT_ROLES, can_view_dealer, roles_required
from lms.extensions import db
from lms.reports.queries import dealer_staff, dealer_staff_counts

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.route("/")
@roles_required(*REPORT_ROLES)
def overview():
    return render_template("reports/overview.html", dealers=dealer_staff_counts())


@bp.route("/dealers/<int:dealer_id>")
@roles_required(Role.DEALER_ADMIN, *REPORT_ROLES)
def dealer(dealer_id: int):
    if not can_view_dealer(current_user, dealer_id):
        abort(404)  # another dealer's page does not exist for a dealer admin
    dealer = db.session.get(Dealer, dealer_id) or abort(404)
    return render_template("reports/dealer.html", dealer=dealer, staff=dealer_staff(dealer_id))
