"""Admin pages: users and dealers (list, create, (de)activate) and the loaded plugins."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload
from wtforms.fields.choices import SelectChoice

from lms.admin.forms import ROLE_LABELS, DealerForm, UserForm
from lms.auth.models import Dealer, Role, User
from lms.auth.permissions import roles_required
from lms.auth.services import AccountError, create_user
from lms.events import commit
from lms.extensions import db
from lms.listing import matches, page_of, search_term
from lms.plugins import describe_plugins, plugin_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


def dealer_choices():
    dealers = db.session.execute(sa.select(Dealer.id, Dealer.name).order_by(Dealer.name)).all()
    return [SelectChoice(0, "—")] + [SelectChoice(dealer_id, name) for dealer_id, name in dealers]


@bp.route("/users", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def users():
    form = UserForm()
    form.dealer_id.choices = dealer_choices()
    status = 200
    if form.validate_on_submit():
        try:
            create_user(
                email=form.email.data,
                name=form.name.data,
                role=form.role.data,
                dealer_id=form.dealer_id.data or None,
                password=form.password.data or None,
                source="admin",
            )
        except AccountError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 422
        else:
            commit()
            flash(_("User created."), "success")
            return redirect(url_for("admin.users"))
    elif form.is_submitted():
        status = 400
    term = search_term(request.args.get("q"))
    query = sa.select(User).options(joinedload(User.dealer))
    if term:
        query = query.outerjoin(Dealer, Dealer.id == User.dealer_id).where(matches(term, User.name, User.email,
                                                                                   Dealer.name))
    page = page_of(query.order_by(User.name, User.id), request.args.get("page"))
    return render_template(
        "admin/users.html", form=form, users=page.items, page=page, term=term, roles=ROLE_LABELS
    ), status


@bp.route("/users/<int:user_id>/toggle", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if user.id == current_user.id:
        flash(_("You cannot deactivate yourself."), "error")
        return redirect(url_for("admin.users"))
    user.active = not user.active
    commit()
    flash(_("User activated.") if user.active else _("User deactivated."), "success")
    return redirect(url_for("admin.users"))


@bp.route("/dealers", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def dealers():
    form = DealerForm()
    status = 200
    if form.validate_on_submit():
        tax_id = (form.tax_id.data or "").strip() or None
        if tax_id and db.session.scalar(sa.select(Dealer.id).where(Dealer.tax_id == tax_id)):
            flash(_("A dealer with this tax ID already exists."), "error")
            status = 422
        else:
            db.session.add(Dealer(name=form.name.data.strip(), tax_id=tax_id,
                                  tier=form.tier.data.strip(), region=form.region.data.strip()))
            commit()
            flash(_("Dealer created."), "success")
            return redirect(url_for("admin.dealers"))
    elif form.is_submitted():
        status = 400
    term = search_term(request.args.get("q"))
    query = sa.select(Dealer)
    if term:
        query = query.where(matches(term, Dealer.name, Dealer.tax_id, Dealer.region, Dealer.tier))
    page = page_of(query.order_by(Dealer.name, Dealer.id), request.args.get("page"))
    return render_template("admin/dealers.html", form=form, dealers=page.items, page=page, term=term), status


@bp.route("/dealers/<int:dealer_id>/toggle", methods=["POST"])
@roles_required(Role.ADMIN)
def toggle_dealer(dealer_id: int):
    dealer = db.session.get(Dealer, dealer_id) or abort(404)
    dealer.active = not dealer.active
    commit()
    flash(_("Dealer activated.") if dealer.active else _("Dealer deactivated."), "success")
    return redirect(url_for("admin.dealers"))


@bp.route("/plugins")
@roles_required(Role.ADMIN)
def plugins():
    return render_template("admin/plugins.html", plugins=describe_plugins(plugin_manager()))
