"""The "Обучение" tab. The course catalogue proper arrives with the courses issue."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("courses", __name__, url_prefix="/courses")


@bp.route("/")
@login_required
def catalogue():
    return render_template("courses/catalogue.html", courses=[])
