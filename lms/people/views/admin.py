"""Admin pages of people management: edit a user, and the bulk import of dealers and users (preview, apply)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth import sessions
from lms.auth.models import ROLE_LABELS, Dealer, Role, User
from lms.auth.permissions import roles_required
from lms.auth.services import AccountError, normalize_email
from lms.events import commit
from lms.extensions import db
from lms.people.forms import EditUserForm, ImportForm
from lms.people.importer import ImportFileError, apply_plan, plan_import, read_rows
from lms.people.views import bp

UPLOAD_NAME = re.compile(r"^[0-9a-f]{64}\.(csv|xlsx)$")


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = EditUserForm(obj=user if request.method == "GET" else None)
    form.role.choices = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]
    dealers = db.session.execute(sa.select(Dealer.id, Dealer.name).order_by(Dealer.name)).all()
    form.dealer_id.choices = [SelectChoice(0, "—")] + [SelectChoice(dealer_id, name) for dealer_id, name in dealers]
    if request.method == "GET":
        form.dealer_id.data = user.dealer_id or 0
    status = 200
    if form.validate_on_submit():
        problem = _edit(user, form)
        if problem is None:
            commit()
            flash(_("The account of %(name)s is saved.", name=user.name), "success")
            return redirect(url_for("admin.users"), 303)
        db.session.rollback()
        status = 422
    elif form.is_submitted():
        status = 400
    return render_template("people/edit_user.html", form=form, user=user), status


def _edit(user: User, form: EditUserForm) -> str | None:
    """Apply the form; puts a message on the failing field and returns it, or None when all is well."""
    try:
        email = normalize_email(form.email.data)
    except AccountError as error:
        form.email.errors = [str(error.message)]
        return form.email.errors[0]
    if email != user.email and db.session.scalar(sa.select(User.id).where(User.email == email)):
        form.email.errors = [_("Another account already uses this email.")]
        return form.email.errors[0]
    dealer_id = form.dealer_id.data or None
    if form.role.data in (Role.LEARNER, Role.DEALER_ADMIN) and dealer_id is None:
        form.dealer_id.errors = [_("Learners and dealer admins must belong to a dealer.")]
        return form.dealer_id.errors[0]
    if user.id == current_user.id and (not form.active.data or form.role.data != Role.ADMIN):
        form.active.errors = [_("You cannot deactivate yourself or take away your own admin role.")]
        return form.active.errors[0]
    user.email, user.name, user.role, user.dealer_id = email, form.name.data.strip(), form.role.data, dealer_id
    if user.active and not form.active.data:
        sessions.end_every_session(user.id)
    user.active = bool(form.active.data)
    return None


def _imports_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@bp.route("/admin/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_people():
    """Upload → preview (kept under its hash in the instance folder) → apply the same bytes."""
    form = ImportForm()
    if not form.is_submitted():
        return render_template("people/import.html", form=form, plan=None, stored=None)
    if not form.validate():
        abort(400)
    stored = request.form.get("stored", "")
    upload = request.files.get("file")
    limit = int(current_app.config["USER_IMPORT_MAX_MB"]) * 1024 * 1024
    if upload and upload.filename:
        data = upload.stream.read(limit + 1)
        extension = "xlsx" if upload.filename.lower().endswith(".xlsx") or data[:2] == b"PK" else "csv"
        if len(data) > limit:
            form.file.errors = [_("The file is larger than %(mb)d MB.", mb=limit // (1024 * 1024))]
            return render_template("people/import.html", form=form, plan=None, stored=None), 413
        stored = f"{hashlib.sha256(data).hexdigest()}.{extension}"
        (_imports_dir() / stored).write_bytes(data)
    elif UPLOAD_NAME.match(stored) and (_imports_dir() / stored).is_file():
        data = (_imports_dir() / stored).read_bytes()
    else:
        form.file.errors = [_("Choose a CSV or XLSX file.")]
        return render_template("people/import.html", form=form, plan=None, stored=None), 400
    try:
        plan = plan_import(read_rows(data, stored, max_rows=int(current_app.config["USER_IMPORT_MAX_ROWS"])))
    except ImportFileError as error:
        form.file.errors = [str(error.message)]
        return render_template("people/import.html", form=form, plan=None, stored=None), 422
    if form.apply.data and plan.ok and not (upload and upload.filename):
        counts = apply_plan(plan)
        commit()
        flash(_("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.", **counts), "success")
        return redirect(url_for("people.import_people"), 303)
    return render_template("people/import.html", form=form, plan=plan, stored=stored), 200 if plan.ok else 422
