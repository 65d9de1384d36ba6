"""The SSO sign-in endpoint and the ``/embed/`` entry point."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user
from sqlalchemy.exc import IntegrityError

from lms.auth import sessions
from lms.events import commit
from lms.extensions import csrf, db
from lms.sso.embed import SESSION_EMBED, SESSION_ISSUER, sso_state
from lms.sso.provisioning import ProvisioningError, provision_user
from lms.redirects import safe_next_path
from lms.sso.replay import purge_expired_jti, record_jti
from lms.sso.tokens import SsoError, validate_sso_token
from lms.web import wants_json

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)

TRUE_VALUES = ("1", "true", "yes", "on")


def refuse(code: str, message, status: int, issuer: str | None = None):
    """A refused sign-in: logged with its code (never the token), answered as a page or JSON."""
    db.session.rollback()  # nothing of this attempt is kept: no user, dealer or used jti
    if issuer:
        g.lms_embed_issuer = issuer  # an embedded refusal is framed for that issuer's portal
    log.warning("SSO sign-in refused: %s (issuer=%s, client=%s)", code, issuer or "-", request.remote_addr)
    if wants_json():
        return jsonify({"error": {"code": code, "message": str(message)}}), status
    return render_template("sso/refused.html", code=code, message=message), status


@bp.route("/sso/jwt", methods=["GET", "POST"])
@csrf.exempt  # the signed JWT is the proof of intent: the host portal posts it cross-site
def jwt_login():
    """Verify the host portal's token, provision or refresh the account, sign in and go to ``next``."""
    embed = request.values.get("embed", "").lower() in TRUE_VALUES
    if embed:
        g.lms_embed = True
    try:
        claims = validate_sso_token(request.values.get("token"), sso_state().issuers, jti_is_new=record_jti)
    except SsoError as error:
        status = 413 if error.code == "token_too_large" else 401
        return refuse(error.code, _(error.message, **error.params), status, error.issuer)
    g.lms_embed_issuer = claims.issuer
    try:
        issuer = sso_state().issuers[claims.issuer]
        user = provision_user(claims, languages=current_app.config["LANGUAGES"],
                              link_existing_accounts=issuer.link_existing_accounts)
        purge_expired_jti()
        previous = sessions.parse_cookie_user_id(session.get("_user_id"))
        if previous is not None:  # whoever was signed in before in this browser is signed out, on the server too
            sessions.end_session(*previous)
        session.clear()
        login_user(user)
        session[SESSION_ISSUER] = claims.issuer
        if embed:
            session[SESSION_EMBED] = True
        commit()
    except ProvisioningError as error:
        return refuse(error.code, error.message, error.status, claims.issuer)
    except IntegrityError:
        # Two first sign-ins of one person (or dealer) raced; the other one won, this one may retry.
        logout_user()
        return refuse("conflict", _("Your account is being set up by another sign-in. Please try again."),
                      409, claims.issuer)
    log.info("SSO sign-in: user %s through issuer %s", user.id, claims.issuer)
    requested = request.values.get("next")
    target = safe_next_path(requested)
    if requested and target is None:
        log.warning("SSO sign-in: unsafe next ignored (issuer=%s)", claims.issuer)
    return redirect(target or url_for("portal.dashboard"))


@bp.route("/embed/", defaults={"rest": ""})
@bp.route("/embed/<path:rest>")
def embedded(rest: str):
    """``/embed/<path>``: the same page in embedded mode (kept in the session for the links that follow)."""
    session[SESSION_EMBED] = True
    g.lms_embed = True
    query = request.query_string.decode("utf-8", "replace")
    target = safe_next_path("/" + rest + (f"?{query}" if query else ""))
    return redirect(target or url_for("portal.dashboard"))
