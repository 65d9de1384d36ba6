"""Local sign-in and sign-out, the user's own account page (password, sign out everywhere), and the
language switch."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.config import COOKIE_DURATION

from lms.auth import sessions, throttle
from lms.auth.forms import LoginForm, PasswordChangeForm, TimezoneForm
from lms.auth.timezones import OFFERED, is_known, zone_label
from lms.auth.services import AccountError, WrongPasswordError, authenticate, change_password
from lms.events import commit
from lms.extensions import db
from lms.redirects import safe_next_path

bp = Blueprint("auth", __name__)


def throttle_limits() -> throttle.Limits:
    config = current_app.config
    return throttle.Limits(
        window_minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"],
        per_account_and_address=config["LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
        per_address=config["LOGIN_MAX_FAILURES_PER_ADDRESS"],
        per_account=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
    )


def too_many_failures(wait_minutes: int, field, template: str, **context):
    """The 429 page: the form again, the wait on the field, and ``Retry-After``."""
    field.errors = [_("Too many failed sign-in attempts. Try again in %(minutes)d min.", minutes=wait_minutes)]
    response = current_app.make_response((render_template(template, **context), 429))
    response.headers["Retry-After"] = str(wait_minutes * 60)
    return response


def session_lifetime(remember: bool) -> timedelta:
    """How long the server keeps a new session: as long as the cookie that will carry it may live."""
    lifetime = current_app.permanent_session_lifetime
    if not remember:
        return lifetime
    duration = current_app.config.get("REMEMBER_COOKIE_DURATION", COOKIE_DURATION)
    if not isinstance(duration, timedelta):
        duration = timedelta(seconds=int(duration))
    return max(lifetime, duration)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next_path(request.args.get("next")) or url_for("portal.dashboard"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        limits = throttle_limits()
        wait = throttle.retry_after_minutes(form.email.data, request.remote_addr, limits)
        if wait is not None:
            return too_many_failures(wait, form.password, "auth/login.html", form=form)
        try:
            user = authenticate(form.email.data, form.password.data)
        except AccountError as error:
            db.session.rollback()
            throttle.record_failure(form.email.data, request.remote_addr, window_minutes=limits.window_minutes)
            commit()
            form.password.errors = [str(error.message)]
            status = 401
        else:
            throttle.clear_pair_failures(form.email.data, request.remote_addr)
            remember = bool(form.remember.data)
            user.session_token = sessions.start_session(user.id, lifetime=session_lifetime(remember))
            login_user(user, remember=remember)
            commit()
            flash(_("Welcome, %(name)s!", name=user.name), "success")
            return redirect(safe_next_path(request.args.get("next")) or url_for("portal.dashboard"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Ends this browser's session on the server too: a copy of its cookies no longer signs in."""
    sessions.end_session(current_user.id, current_user.session_token)
    logout_user()
    commit()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The user's own account: who they are, the password change, and "sign out everywhere"."""
    form = PasswordChangeForm()
    status = 200
    if form.validate_on_submit():
        limits = throttle_limits()
        wait = throttle.retry_after_minutes(current_user.email, request.remote_addr, limits)
        if wait is not None:
            return too_many_failures(wait, form.current_password, "auth/account.html", form=form,
                                     timezone_form=timezone_form(), session_count=sessions.count_live(current_user.id))
        try:
            change_password(current_user, form.current_password.data, form.new_password.data,
                            keep_session=current_user.session_token,
                            min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except AccountError as error:
            db.session.rollback()
            if isinstance(error, WrongPasswordError):
                throttle.record_failure(current_user.email, request.remote_addr,
                                        window_minutes=limits.window_minutes)
                commit()
                form.current_password.errors = [str(error.message)]
            else:
                form.new_password.errors = [str(error.message)]
            status = 422
        else:
            commit()
            flash(_("Your password is changed. Every other session of your account has ended."), "success")
            return redirect(url_for("auth.account"), 303)
    elif form.is_submitted():
        status = 400
    return render_template("auth/account.html", form=form, timezone_form=timezone_form(),
                           session_count=sessions.count_live(current_user.id)), status


def timezone_form(data=None) -> TimezoneForm:
    """The zone picker: the portal's zone first (stored as empty), then the offered zones by name."""
    from lms.i18n import current_locale

    locale, default = current_locale(), current_app.config["BABEL_DEFAULT_TIMEZONE"]
    form = TimezoneForm(data) if data is not None else TimezoneForm(timezone=current_user.timezone or "")
    zones = set(OFFERED) | ({current_user.timezone} if is_known(current_user.timezone) else set())
    form.timezone.choices = [("", _("The portal's: %(zone)s", zone=zone_label(default, locale)))] + sorted(
        ((name, zone_label(name, locale)) for name in zones), key=lambda choice: choice[1])
    return form


@bp.route("/account/timezone", methods=["POST"])
@login_required
def set_timezone():
    """Dates and times are shown, and read from forms, in the zone chosen here."""
    form = timezone_form(request.form)
    if not form.validate():
        return render_template("auth/account.html", form=PasswordChangeForm(formdata=None), timezone_form=form,
                               session_count=sessions.count_live(current_user.id)), 422
    current_user.timezone = form.timezone.data or None
    commit()
    flash(_("Your time zone is saved."), "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """Ends every session of the account, this one and its remember-me cookies included."""
    sessions.end_every_session(current_user.id)
    logout_user()
    commit()
    flash(_("You have signed out on every device."), "info")
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
