"""Local sign-in and sign-out, and the language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from lms.auth import throttle
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
        config = current_app.config
        window = config["LOGIN_FAILURE_WINDOW_MINUTES"]
        wait = throttle.retry_after_minutes(
            form.email.data, request.remote_addr, window_minutes=window,
            per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
            per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        )
        if wait is not None:
            form.password.errors = [_("Too many failed sign-in attempts. Try again in %(minutes)d min.",
                                      minutes=wait)]
            response = current_app.make_response((render_template("auth/login.html", form=form), 429))
            response.headers["Retry-After"] = str(wait * 60)
            return response
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountError as error:
            db.session.rollback()
            throttle.record_failure(form.email.data, request.remote_addr, window_minutes=window)
            commit()
            form.password.errors = [str(error.message)]
            status = 401
        else:
            throttle.clear_account_failures(form.email.data)
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
