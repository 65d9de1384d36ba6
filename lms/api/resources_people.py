"""API resources about people: dealers and users, with the upsert by external id."""
from __future__ import annotations

import sqlalchemy as sa
from flask import g, jsonify, request
from sqlalchemy.exc import IntegrityError

from lms.api.auth import scope_required
from lms.api.blueprint import bp
from lms.api.errors import ApiError
from lms.api.links import API_ROLES, MAX_EXTERNAL_ID, find_link, valid_external_id
from lms.api.models import LINK_CREATED, MANAGING_LINKS, ApiUserLink
from lms.api.params import MAX_ID, cursor_arg, encode_cursor, int_arg, iso, limit_arg, page
from lms.auth.models import Dealer, Role, User
from lms.auth.services import AccountError, create_user, normalize_email
from lms.events import commit
from lms.extensions import db

ASK_AN_ADMIN = ("An administrator of the portal can link an existing user to your external id "
                "(/admin/api-tokens/links or `lms api-tokens link`).")


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
    if not valid_external_id(external_id):
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


def _refuse_existing_account(owner: User, integration: str):
    """An external id without a link met an e-mail that is taken: the account is never adopted."""
    if owner.role not in API_ROLES:
        raise ApiError(409, "staff_account", "This email belongs to a staff account, which the API does not manage.")
    claimed = db.session.scalar(sa.select(ApiUserLink.external_id).where(
        ApiUserLink.integration == integration, ApiUserLink.user_id == owner.id))
    if claimed is not None:
        raise ApiError(409, "email_taken", "Another external id of your integration has this email.")
    raise ApiError(409, "account_exists", "A user with this email already exists, and your integration neither "
                                          "created it nor was linked to it by an administrator, so it is left "
                                          "unchanged. " + ASK_AN_ADMIN)


def _check_update_allowed(link: ApiUserLink, user: User, values: dict) -> None:
    """409 unless the integration manages this user and the change cannot hand a password account to someone else."""
    if link.origin not in MANAGING_LINKS:
        raise ApiError(409, "link_unconfirmed", "This external id was linked to an existing user by email matching, "
                                                "which is no proof of ownership; the user is left unchanged until an "
                                                "administrator confirms the link. " + ASK_AN_ADMIN)
    if user.role not in API_ROLES:
        raise ApiError(409, "staff_account", "This user is a staff account, which the API does not manage.")
    if values["email"] != user.email and user.password_hash is not None and link.origin != LINK_CREATED:
        # The new address would sign in with the old password (and receive its resets).
        raise ApiError(409, "email_locked", "This user signs in with a password and was not created by your "
                                            "integration, so your integration cannot change their email.")


@bp.put("/users/by-external-id/<path:external_id>")
@scope_required("write:users")
def upsert_user(external_id: str):
    """Create a user for ``external_id``, or update the user this integration created or was linked to."""
    external_id = _check_external_id(external_id)
    values = _read_user_body()
    integration = g.api_token.integration
    link = find_link(integration, external_id)
    user = db.session.get(User, link.user_id) if link else None
    same_email = db.session.scalar(sa.select(User).where(User.email == values["email"]))
    if user is None and same_email is not None:
        _refuse_existing_account(same_email, integration)
    if user is not None:
        if same_email is not None and same_email.id != user.id:
            raise ApiError(409, "email_taken", "Another user has this email.")
        _check_update_allowed(link, user, values)
    created = user is None
    try:
        if created:
            try:
                user = create_user(email=values["email"], name=values["name"], role=values["role"],
                                   dealer_id=values["dealer_id"], locale=values["locale"], source="api")
            except AccountError as error:
                raise ApiError(422, "validation_failed", str(error.message)) from None
            user.active = values["active"]
            db.session.add(ApiUserLink(integration=integration, external_id=external_id, user_id=user.id,
                                       origin=LINK_CREATED))
        else:
            for name in ("email", "name", "dealer_id", "role", "locale", "active"):
                if name in ("email", "name", "dealer_id") or name in values["given"]:
                    setattr(user, name, values[name])
        db.session.flush()
        body = user_json(user, external_id)
        commit()
    except IntegrityError:
        # A concurrent request created the same user or link first; the client retries.
        raise ApiError(409, "conflict", "A concurrent request changed this user; retry.") from None
    return jsonify(body), 201 if created else 200
