"""Admin pages for API tokens: create (the value is shown once) and revoke."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from lms.api.models import SCOPES, ApiToken
from lms.api.tokens import TokenError, create_token, revoke_token
from lms.auth.models import Role
from lms.auth.permissions import roles_required
from lms.events import commit
from lms.extensions import db

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")

SCOPE_LABELS = {
    "read:dealers": _l("Read dealers"),
    "read:users": _l("Read users"),
    "write:users": _l("Create and update users"),
    "read:progress": _l("Read course progress and quiz results"),
    "read:certificates": _l("Read certificates"),
}


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(message=_l("Enter a token name.")), Length(max=120)])
    integration = StringField(_l("Integration or issuer"), validators=[
        DataRequired(message=_l("Enter the integration (issuer) name.")), Length(max=120)])
    scopes = SelectMultipleField(
        _l("Scopes"), widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
        validators=[DataRequired(message=_l("Choose at least one scope."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, so the labels are in the reader's language.
        self.scopes.choices = [SelectChoice(scope, f"{scope} — {SCOPE_LABELS[scope]}") for scope in SCOPES]


@bp.route("", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def tokens():
    form = TokenForm()
    status, new_value, new_token = 200, None, None
    if form.validate_on_submit():
        try:
            new_token, new_value = create_token(name=form.name.data, integration=form.integration.data,
                                                scopes=form.scopes.data, created_by_id=current_user.id)
        except TokenError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            status = 422
        else:
            commit()
            status = 201
            form = TokenForm(formdata=None)
    elif form.is_submitted():
        status = 400
    rows = list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                                ApiToken.created_at.desc())))
    response = render_template("api/tokens.html", form=form, tokens=rows, new_value=new_value,
                               new_token=new_token, scope_labels=SCOPE_LABELS)
    headers = {"Cache-Control": "no-store"} if new_value else {}  # the secret must not linger in caches
    return response, status, headers


@bp.post("/<int:token_id>/revoke")
@roles_required(Role.ADMIN)
def revoke(token_id: int):
    if revoke_token(token_id) is None:
        abort(404)
    commit()
    flash(_("Token revoked. Requests with it are refused from now on."), "success")
    return redirect(url_for("api_admin.tokens"))
