"""Dashboard (plugins add panels through ``lms_tpl_dashboard``) and the health check."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, render_template
from flask_login import login_required

from lms.extensions import db

bp = Blueprint("portal", __name__)


@bp.route("/")
@login_required
def dashboard():
    return render_template("portal/dashboard.html")


@bp.route("/healthz")
def healthz():
    """Liveness plus a real database round trip; 503 when the database does not answer."""
    try:
        db.session.execute(sa.text("SELECT 1")).scalar_one()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify({"status": "error", "database": "unreachable"}), 503
    return jsonify({"status": "ok", "database": "ok"})
