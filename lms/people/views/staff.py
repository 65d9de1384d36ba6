"""The dealer admin's staff page: their dealer's people (search, pages), invitations, deactivation."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import ROLE_LABELS, Role, User
from lms.auth.permissions import roles_required
from lms.auth.services import AccountError
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term
from lms.people import staff as staff_service
from lms.people.forms import InviteForm
from lms.people.views import bp


def _page(form, status=200):
    term = search_term(request.args.get("q"))
    query = staff_service.staff_query(current_user)
    if term:
        query = query.where(matches(term, User.name, User.email))
    page = page_of(query.order_by(User.name, User.id), request.args.get("page"))
    return render_template("people/staff.html", form=form, page=page, term=term, roles=ROLE_LABELS), status


@bp.route("/staff/", methods=["GET", "POST"])
@roles_required(Role.DEALER_ADMIN)
def staff_page():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            staff_service.invite_staff(current_user, email=form.email.data, name=form.name.data,
                                       invitation_url=lambda secret: url_for("people.accept_invitation",
                                                                             secret=secret, _external=True))
        except AccountError as error:
            db.session.rollback()
            form.email.errors = [str(error.message)]
            return _page(form, 422)
        commit()
        flash(_("The invitation is on its way to %(email)s.", email=form.email.data.strip()), "success")
        return redirect(url_for("people.staff_page"), 303)
    return _page(form, 400 if form.is_submitted() else 200)


@bp.route("/staff/<int:user_id>/active", methods=["POST"])
@roles_required(Role.DEALER_ADMIN, Role.ADMIN)
def set_staff_active(user_id: int):
    target = db.session.get(User, user_id) or abort(404)
    if not staff_service.can_manage(current_user, target):
        abort(404 if current_user.role == Role.DEALER_ADMIN and target.dealer_id != current_user.dealer_id else 403)
    active = request.form.get("active") == "1"
    staff_service.set_active(current_user, target, active)
    commit()
    flash(_("%(name)s can sign in again.", name=target.name) if active
          else _("%(name)s is deactivated and signed out.", name=target.name), "success")
    back = "people.staff_page" if current_user.role == Role.DEALER_ADMIN else "admin.users"
    return redirect(url_for(back), 303)


