"""Public, sign-in-free pages: certificate verification and the Open Badges issuer documents."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _

from lms.certificates import badges
from lms.certificates.models import Certificate
from lms.certificates.runtime import public_base_url, runtime, verify_url
from lms.extensions import db
from lms.timeutil import utcnow

bp = Blueprint("certificates_public", __name__)
# Codes are 26 lower-case base32 characters; anything else cannot exist, so it never hits the database.
CODE_PATTERN = re.compile(r"^[a-z2-7]{16,40}$")


def _limit() -> None:
    """Fixed-window limit per client address, so codes cannot be enumerated quickly."""
    if not runtime().verify_limiter.hit(request.remote_addr or "unknown"):
        abort(429, description=_("Too many verification requests. Please wait a minute and try again."))


def _find(code: str) -> Certificate:
    if not CODE_PATTERN.match(code) or (
        certificate := db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
    ) is None:
        abort(404, description=_("No certificate has this verification code. Check the code or scan the QR code again."))
    return certificate


def public_record(certificate: Certificate) -> dict:
    """What anyone may learn about a certificate (never the e-mail address)."""
    base = public_base_url()
    return {
        "serial": certificate.serial,
        "code": certificate.code,
        "status": certificate.status_at(utcnow()),
        "learner_name": certificate.learner_name,
        "dealer_name": certificate.dealer_name,
        "course_title": certificate.course_title,
        "course_version": certificate.course_version,
        "score_percent": certificate.score_percent,
        "issued_at": certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "expires_at": certificate.expires_at.strftime("%Y-%m-%dT%H:%M:%SZ") if certificate.expires_at else None,
        "revoked_at": certificate.revoked_at.strftime("%Y-%m-%dT%H:%M:%SZ") if certificate.revoked_at else None,
        "revoke_reason": certificate.revoke_reason,
        "verify_url": verify_url(certificate.code, base),
        "badge_status_url": badges.status_url(certificate.code, base),
    }


@bp.route("/verify/<code>.json")
def verify_json(code: str):
    _limit()
    return jsonify(public_record(_find(code)))


@bp.route("/verify/<code>")
def verify(code: str):
    _limit()
    certificate = _find(code)
    return render_template("certificates/verify.html", certificate=certificate,
                           status=certificate.status_at(utcnow()))


@bp.route("/badges/issuer.json")
def issuer():
    return jsonify(badges.issuer(public_base_url()))


@bp.route("/badges/jwks.json")
def jwks():
    return jsonify(runtime().jwks)


@bp.route("/badges/status/<code>")
def badge_status(code: str):
    _limit()
    response = jsonify(badges.status_document(_find(code), public_base_url()))
    response.headers["Cache-Control"] = "no-cache"
    return response
