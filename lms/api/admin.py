"""Admin pages for API tokens (create, the value shown once; revoke) and for linking existing users to external ids."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from lms.forms import PortalForm
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from lms.api.links import MAX_EXTERNAL_ID, LinkError, known_integrations, link_user, unlink
from lms.api.models import LINK_ADMIN, LINK_ADOPTED, LINK_CREATED, SCOPES, ApiToken, ApiUserLink
from lms.api.tokens import TokenError, create_token, revoke_token
from lms.auth.models import Role, User
from lms.auth.permissions import roles_required
from lms.events import commit
from lms.listing import matches, page_of, search_term
from lms.extensions import db

bp = Blueprint("api_admin", __name__, url_prefix="/admin/api-tokens")

SCOPE_LABELS = {
    "read:dealers": _l("Read dealers"),
    "read:users": _l("Read users"),
    "write:users": _l("Create and update users"),
    "read:progress": _l("Read course progress and quiz results"),
    "read:certificates": _l("Read certificates"),
    "xapi:read": _l("Read xAPI statements and documents (LRS)"),
    "xapi:write": _l("Write xAPI statements and documents (LRS)"),
}


class TokenForm(PortalForm):
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
    term = search_term(request.args.get("q"))
    query = sa.select(ApiToken)
    if term:
        query = query.where(matches(term, ApiToken.name, ApiToken.integration, ApiToken.prefix, ApiToken.scopes))
    listed = page_of(query.order_by(ApiToken.revoked_at.is_not(None), ApiToken.created_at.desc(), ApiToken.id.desc()),
                     request.args.get("page"))
    response = render_template("api/tokens.html", form=form, tokens=listed.items, new_value=new_value,
                               new_token=new_token, scope_labels=SCOPE_LABELS, page=listed, term=term)
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


LINK_ORIGIN_LABELS = {
    LINK_CREATED: _l("Created by the integration"),
    LINK_ADMIN: _l("Linked by an administrator"),
    LINK_ADOPTED: _l("Matched by e-mail, not confirmed"),
}


class LinkForm(PortalForm):
    integration = SelectField(_l("Integration"), validate_choice=False, validators=[
        DataRequired(message=_l("Choose the integration."))])
    external_id = StringField(_l("External id (the integration's id of the person)"), validators=[
        DataRequired(message=_l("Enter the external id.")), Length(max=MAX_EXTERNAL_ID)])
    user = StringField(_l("User (e-mail or id)"), validators=[
        DataRequired(message=_l("Enter the user's e-mail or id.")), Length(max=254)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.integration.choices = [(name, name) for name in known_integrations()]


@bp.route("/links", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def links():
    """Link an existing user to an external id: the only way an integration gets an account it did not create."""
    form = LinkForm()
    status = 200
    if form.validate_on_submit():
        try:
            link, changed = link_user(integration=form.integration.data, external_id=form.external_id.data,
                                      user_reference=form.user.data, linked_by_id=current_user.id)
        except LinkError as error:
            db.session.rollback()
            form.user.errors = [*form.user.errors, str(error.message)]
            status = 422
        else:
            commit()
            flash(_("The user is linked: %(integration)s may now update them through the API.",
                    integration=link.integration) if changed else _("This link already exists."), "success")
            return redirect(url_for("api_admin.links"))
    elif form.is_submitted():
        status = 400
    linked_by = sa.orm.aliased(User)
    term = search_term(request.args.get("q"))
    query = (sa.select(ApiUserLink, User, linked_by.name)
             .join(User, User.id == ApiUserLink.user_id)
             .outerjoin(linked_by, linked_by.id == ApiUserLink.linked_by_id)
             .where(ApiUserLink.origin != LINK_CREATED))
    if term:
        query = query.where(matches(term, ApiUserLink.integration, ApiUserLink.external_id, User.email, User.name))
    listed = page_of(query.order_by(ApiUserLink.origin == LINK_ADMIN, ApiUserLink.created_at.desc(),
                                    ApiUserLink.id.desc()), request.args.get("page"), scalars=False)
    return render_template("api/links.html", form=form, rows=listed.items, page=listed, term=term,
                           origin_labels=LINK_ORIGIN_LABELS), status


@bp.post("/links/<int:link_id>/unlink")
@roles_required(Role.ADMIN)
def unlink_link(link_id: int):
    if unlink(link_id) is None:
        abort(404)
    commit()
    flash(_("Link removed. The user stays; the integration can no longer update them."), "success")
    return redirect(url_for("api_admin.links"))
