"""Password reset and invitation links: the forms a person reaches from an e-mail, signed out."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.auth.services import AccountError
from lms.events import commit
from lms.extensions import db
from lms.people import reset, staff
from lms.people.forms import AcceptInvitationForm, ForgotPasswordForm, ResetPasswordForm
from lms.people.views import bp


def _absolute(endpoint: str, **values) -> str:
    return url_for(endpoint, _external=True, **values)


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if reset.address_throttled(request.remote_addr):
            form.email.errors = [_("Too many requests from your address. Try again in an hour.")]
            response = current_app.make_response((render_template("people/forgot.html", form=form, sent=False), 429))
            response.headers["Retry-After"] = str(current_app.config["PASSWORD_RESET_WINDOW_MINUTES"] * 60)
            return response
        reset.request_reset(form.email.data, request.remote_addr,
                            lambda secret: _absolute("people.reset_password", secret=secret))
        commit()
        return render_template("people/forgot.html", form=form, sent=True)
    return render_template("people/forgot.html", form=form, sent=False), 400 if form.is_submitted() else 200


@bp.route("/password/reset/<secret>", methods=["GET", "POST"])
def reset_password(secret: str):
    user = reset.reset_link_user(secret)
    if user is None:
        return render_template("people/link_dead.html"), 404
    form = ResetPasswordForm()
    status = 200
    if form.validate_on_submit():
        try:
            done = reset.complete_reset(secret, form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            form.new_password.errors = [str(error.message)]
            status = 422
        else:
            if done is None:
                db.session.rollback()
                return render_template("people/link_dead.html"), 404
            commit()
            flash(_("Your password is changed and every session of your account has ended. Sign in with the new "
                    "password."), "success")
            return redirect(url_for("auth.login"), 303)
    elif form.is_submitted():
        status = 400
    return render_template("people/reset.html", form=form, user=user), status


@bp.route("/invitation/<secret>", methods=["GET", "POST"])
def accept_invitation(secret: str):
    user = staff.invitation_user(secret)
    if user is None:
        return render_template("people/link_dead.html"), 404
    form = AcceptInvitationForm()
    if not form.is_submitted():
        form.name.data = user.name
    status = 200
    if form.validate_on_submit():
        try:
            done = staff.accept_invitation(secret, name=form.name.data, password=form.new_password.data)
        except AccountError as error:
            db.session.rollback()
            form.new_password.errors = [str(error.message)]
            status = 422
        else:
            if done is None:
                db.session.rollback()
                abort(404)
            commit()
            flash(_("Welcome! Sign in with your e-mail and the password you chose."), "success")
            return redirect(url_for("auth.login"), 303)
    elif form.is_submitted():
        status = 400
    return render_template("people/invitation.html", form=form, user=user), status
