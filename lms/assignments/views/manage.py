"""Managers assign to anyone; dealer admins within their own dealer. Lists show who is done and overdue."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.assignments.audience import describe_audience, names_for
from lms.assignments.forms import AssignmentForm, ExemptForm
from lms.assignments.models import Assignment, AssignmentPerson
from lms.assignments.queries import assignment_page, people_rows, target_title, with_target
from lms.assignments.services import AssignmentError, AssignmentSpec, create_assignment, exempt_person, reinstate_person
from lms.assignments.views import bp
from lms.assignments.views.choices import fill_choices, parse_target
from lms.auth.models import Role, User
from lms.auth.permissions import REPORT_ROLES, roles_required
from lms.events import commit
from lms.extensions import db
from lms.listing import search_term
from lms.timeutil import utcnow

ASSIGNING = (Role.DEALER_ADMIN, *REPORT_ROLES)


def own_dealer_only() -> int | None:
    """The dealer a dealer admin is pinned to; None for managers and admins (every dealer)."""
    return current_user.dealer_id if current_user.role == Role.DEALER_ADMIN else None


@bp.route("/")
@roles_required(*ASSIGNING)
def index():
    term = search_term(request.args.get("q"))
    page = assignment_page(utcnow().date(), request.args.get("page"), dealer_id=own_dealer_only(), term=term)
    rows = page.items
    dealers, people = names_for([row.assignment for row in rows])
    audiences = {row.assignment.id: describe_audience(row.assignment.audience_kind, row.assignment.audience_values,
                                                      dealers, people) for row in rows}
    return render_template("assignments/index.html", rows=rows, audiences=audiences, page=page, term=term)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ASSIGNING)
def new():
    form = AssignmentForm()
    fill_choices(form, current_user)
    if form.validate_on_submit():
        course_id, path_id = parse_target(form.target.data)
        spec = AssignmentSpec(
            course_id=course_id, path_id=path_id, audience_kind=form.audience_kind.data,
            audience_values=form.audience_values(), due_kind=form.due_kind.data, due_on=form.due_on.data,
            due_days=form.due_days.data, renew_days_before=form.renew_days_before.data if form.renew.data else None)
        try:
            assignment = create_assignment(spec, by_user_id=current_user.id, by_role=current_user.role,
                                           by_dealer_id=current_user.dealer_id)
        except AssignmentError as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            count = len(assignment.people)
            commit()
            flash(ngettext("Assigned to %(num)d person.", "Assigned to %(num)d people.", count), "success")
            return redirect(url_for("assignments.detail", assignment_id=assignment.id))
    return render_template("assignments/new.html", form=form)


def visible_assignment(assignment_id: int) -> Assignment:
    """The assignment, if the reader may see it: managers any; a dealer admin their dealer's, or one reaching it."""
    assignment = db.session.get(Assignment, assignment_id) or abort(404)
    dealer_id = own_dealer_only()
    if dealer_id is None or assignment.dealer_id == dealer_id:
        return assignment
    reaches = db.session.scalar(sa.select(sa.exists(
        sa.select(AssignmentPerson.id).join(User, User.id == AssignmentPerson.user_id)
        .where(AssignmentPerson.assignment_id == assignment_id, User.dealer_id == dealer_id))))
    return assignment if reaches else abort(404)


@bp.route("/<int:assignment_id>")
@roles_required(*ASSIGNING)
def detail(assignment_id: int):
    assignment = visible_assignment(assignment_id)
    title = db.session.scalar(with_target(sa.select(target_title()).select_from(Assignment))
                              .where(Assignment.id == assignment_id))
    dealers, people = names_for([assignment])
    return render_template(
        "assignments/detail.html", assignment=assignment, title=title,
        audience=describe_audience(assignment.audience_kind, assignment.audience_values, dealers, people),
        people=people_rows(assignment_id, utcnow().date(), dealer_id=own_dealer_only()),
        can_exempt=current_user.role in REPORT_ROLES, exempt_form=ExemptForm(),
        can_end=assignment.active and (own_dealer_only() is None or assignment.dealer_id == own_dealer_only()))


def person_of(assignment_id: int, person_id: int) -> AssignmentPerson:
    person = db.session.get(AssignmentPerson, person_id)
    if person is None or person.assignment_id != assignment_id:
        abort(404)
    return person


@bp.route("/<int:assignment_id>/people/<int:person_id>/exempt", methods=["POST"])
@roles_required(*REPORT_ROLES)
def exempt(assignment_id: int, person_id: int):
    person = person_of(assignment_id, person_id)
    form = ExemptForm()
    if not form.validate_on_submit():
        flash(" ".join(str(message) for message in form.reason.errors) or _("Give the reason for the exemption."),
              "error")
        return redirect(url_for("assignments.detail", assignment_id=assignment_id))
    try:
        exempt_person(person, form.reason.data, current_user.id)
    except AssignmentError as error:
        flash(str(error.message), "error")
        return redirect(url_for("assignments.detail", assignment_id=assignment_id))
    commit()
    flash(_("Exempted."), "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


@bp.route("/<int:assignment_id>/people/<int:person_id>/reinstate", methods=["POST"])
@roles_required(*REPORT_ROLES)
def reinstate(assignment_id: int, person_id: int):
    reinstate_person(person_of(assignment_id, person_id))
    commit()
    flash(_("The exemption is lifted."), "success")
    return redirect(url_for("assignments.detail", assignment_id=assignment_id))


@bp.route("/<int:assignment_id>/end", methods=["POST"])
@roles_required(*ASSIGNING)
def end(assignment_id: int):
    """Stop the assignment: nobody new gets it and no more notices go out; what people did stays."""
    assignment = visible_assignment(assignment_id)
    if own_dealer_only() is not None and assignment.dealer_id != own_dealer_only():
        abort(403)
    assignment.active = False
    commit()
    flash(_("The assignment is ended."), "success")
    return redirect(url_for("assignments.index"))
