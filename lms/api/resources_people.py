"""API resources about people: dealers and users, with the upsert by external id."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import g, jsonify, request
from sqlalchemy.exc import IntegrityError

from lms.api.models import ApiUserLink
from lms.api.params import MAX_ID, cursor_arg, encode_cursor, int_arg, iso, limit_arg, page
from lms.api.views import ApiError, bp, scope_required
from lms.auth.models import Dealer, Role, User
from lms.auth.services import AccountError, create_user, normalize_email
from lms.events import commit
from lms.extensions import db

# The API manages dealer staff only; staff accounts (authors, managers, admins) are never touched.
API_ROLES = (Role.LEARNER, Role.DEALER_ADMIN)
MAX_EXTERNAL_ID = 200
# The same rule as the OpenAPI pattern: no control characters, no leading space.
EXTERNAL_ID_RE = re.compile(r"[^\x00-\x20\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*")


def dealer_json(dealer: Dealer) -> dict:
    return {"id": dealer.id, "name": dealer.name, "tax_id": dealer.tax_id, "tier": dealer.tier,
            "region": dealer.region, "active": bool(dealer.active), "created_at": iso(dealer.created_at)}


def user_json(user: User, external_id: str | None) -> dict:
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role, "dealer_id": user.dealer_id,
            "locale": user.locale, "active": bool(user.active), "created_at": iso(user.created_at),
            "external_id": external_id}


@bp.get("/dealers")
@scope_required("read:dealers")
def list_dealers():
    limit = limit_arg()
    after = cursor_arg(int)
    query = sa.select(Dealer).order_by(Dealer.id).limit(limit + 1)
    if after:
        query = query.where(Dealer.id > after[0])
    result = page(list(db.session.scalars(query)), limit, lambda d: encode_cursor(d.id))
    return jsonify({"data": [dealer_json(d) for d in result["rows"]], "next_cursor": result["next_cursor"]})


@bp.get("/dealers/<int:dealer_id>")
@scope_required("read:dealers")
def get_dealer(dealer_id: int):
    dealer = db.session.get(Dealer, dealer_id) if dealer_id <= MAX_ID else None
    if dealer is None:
        raise ApiError(404, "not_found", "No dealer has this id.")
    return jsonify(dealer_json(dealer))


def _users_with_external_ids():
    """Users with this integration's external id, in one query (outer join)."""
    link = sa.orm.aliased(ApiUserLink)
    return (sa.select(User, link.external_id)
            .outerjoin(link, sa.and_(link.user_id == User.id, link.integration == g.api_token.integration)))


@bp.get("/users")
@scope_required("read:users")
def list_users():
    limit = limit_arg()
    after = cursor_arg(int)
    dealer_id = int_arg("dealer_id")
    query = _users_with_external_ids().order_by(User.id).limit(limit + 1)
    if after:
        query = query.where(User.id > after[0])
    if dealer_id:
        query = query.where(User.dealer_id == dealer_id)
    email = request.args.get("email")
    if email:
        query = query.where(User.email == email.strip().lower())
    result = page(db.session.execute(query).all(), limit, lambda row: encode_cursor(row[0].id))
    return jsonify({"data": [user_json(u, ext) for u, ext in result["rows"]], "next_cursor": result["next_cursor"]})


@bp.get("/users/<int:user_id>")
@scope_required("read:users")
def get_user(user_id: int):
    row = db.session.execute(_users_with_external_ids().where(User.id == user_id)).first() \
        if user_id <= MAX_ID else None
    if row is None:
        raise ApiError(404, "not_found", "No user has this id.")
    return jsonify(user_json(*row))


def _check_external_id(external_id: str) -> str:
    if len(external_id) > MAX_EXTERNAL_ID or not EXTERNAL_ID_RE.fullmatch(external_id):
        raise ApiError(400, "invalid_parameter", f"external_id must be 1–{MAX_EXTERNAL_ID} characters without "
                                                 "control characters, not starting with a space.")
    return external_id


@bp.get("/users/by-external-id/<path:external_id>")
@scope_required("read:users")
def get_user_by_external_id(external_id: str):
    external_id = _check_external_id(external_id)
    user = db.session.scalar(sa.select(User).join(ApiUserLink, ApiUserLink.user_id == User.id).where(
        ApiUserLink.integration == g.api_token.integration, ApiUserLink.external_id == external_id))
    if user is None:
        raise ApiError(404, "not_found", "No user has this external id for your integration.")
    return jsonify(user_json(user, external_id))


def _read_user_body() -> dict:
    """Validate the upsert body; 400 for something that is not a JSON object, 422 for bad fields."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object (Content-Type: application/json).")
    fields = {}
    values = {}
    for name in ("email", "name"):
        value = body.get(name)
        if not isinstance(value, str) or not value.strip():
            fields[name] = f"{name} is required (a non-empty string)."
        else:
            values[name] = value.strip()
    if "name" in values and len(values["name"]) > 200:
        fields["name"] = "name must be at most 200 characters."
    if "email" in values:
        try:
            values["email"] = normalize_email(values["email"])
        except AccountError:
            fields["email"] = "email is not a valid email address."
    dealer_id = body.get("dealer_id")
    if isinstance(dealer_id, bool) or not isinstance(dealer_id, int) or not 1 <= dealer_id <= MAX_ID:
        fields["dealer_id"] = "dealer_id is required (the id of one of our dealers)."
    elif db.session.get(Dealer, dealer_id) is None:
        fields["dealer_id"] = "No dealer has this id."
    else:
        values["dealer_id"] = dealer_id
    values["given"] = set(body)  # on update, optional fields that are left out keep their values
    role = body.get("role", Role.LEARNER)
    if role not in API_ROLES:
        fields["role"] = "role must be learner or dealer_admin."
    values["role"] = role
    locale = body.get("locale")
    if locale is not None and locale not in ("ru", "en"):
        fields["locale"] = "locale must be ru, en or null."
    values["locale"] = locale
    active = body.get("active", True)
    if not isinstance(active, bool):
        fields["active"] = "active must be true or false."
    values["active"] = active
    if fields:
        raise ApiError(422, "validation_failed", "Some fields are invalid; see fields.", fields=fields)
    return values


@bp.put("/users/by-external-id/<path:external_id>")
@scope_required("write:users")
def upsert_user(external_id: str):
    """Create or update the user this integration knows as ``external_id``."""
    external_id = _check_external_id(external_id)
    values = _read_user_body()
    integration = g.api_token.integration
    link = db.session.scalar(sa.select(ApiUserLink).where(
        ApiUserLink.integration == integration, ApiUserLink.external_id == external_id))
    user = db.session.get(User, link.user_id) if link else None
    same_email = db.session.scalar(sa.select(User).where(User.email == values["email"]))
    if user is None and same_email is not None:
        # An existing dealer-staff account with this email is adopted, unless another id already claims it.
        user = same_email
        claimed = db.session.scalar(sa.select(ApiUserLink.external_id).where(
            ApiUserLink.integration == integration, ApiUserLink.user_id == user.id))
        if claimed is not None:
            raise ApiError(409, "email_taken", "Another external id of your integration has this email.")
    elif user is not None and same_email is not None and same_email.id != user.id:
        raise ApiError(409, "email_taken", "Another user has this email.")
    if user is not None and user.role not in API_ROLES:
        raise ApiError(409, "staff_account", "This email belongs to a staff account, which the API does not manage.")
    created = user is None
    try:
        if created:
            try:
                user = create_user(email=values["email"], name=values["name"], role=values["role"],
                                   dealer_id=values["dealer_id"], locale=values["locale"], source="api")
            except AccountError as error:
                raise ApiError(422, "validation_failed", str(error.message)) from None
            user.active = values["active"]
        else:
            for name in ("email", "name", "dealer_id", "role", "locale", "active"):
                if name in ("email", "name", "dealer_id") or name in values["given"]:
                    setattr(user, name, values[name])
        if link is None:
            db.session.add(ApiUserLink(integration=integration, external_id=external_id, user_id=user.id))
        db.session.flush()
        body = user_json(user, external_id)
        commit()
    except IntegrityError:
        # A concurrent request created the same user or link first; the client retries.
        raise ApiError(409, "conflict", "A concurrent request changed this user; retry.") from None
    return jsonify(body), 201 if created else 200
