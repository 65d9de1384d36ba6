"""Local sign-in and sign-out, and the language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth.forms import LoginForm
from lms.auth.services import AccountError, authenticate
from lms.events import commit
from lms.extensions import db
from lms.sso.redirects import safe_next_path

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")) or url_for("portal.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountError as error:
            form.password.errors = [str(error.message)]
            status = 401
        else:
            login_user(user, remember=form.remember.data)
            commit()
            flash(_("Welcome, %(name)s!", name=user.name), "success")
            return redirect(safe_next_path(request.args.get("next")) or url_for("portal.dashboard"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/locale", methods=["POST"])
def set_locale():
    """Remember the chosen language: on the account when signed in, in the session otherwise."""
    locale = request.form.get("locale", "")
    if locale not in current_app.config["LANGUAGES"]:
        return redirect(url_for("portal.dashboard"))
    session["locale"] = locale
    if current_user.is_authenticated:
        current_user.locale = locale
        db.session.commit()
    return redirect(safe_next_path(request.form.get("next")) or url_for("portal.dashboard"))
