"""Managers' certificate register: search, revoke, re-issue, a dealer's ZIP, and the signing settings."""
from __future__ import annotations

import re
import shutil
import tempfile
import zipfile

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.models import Dealer, Role, User
from lms.auth.permissions import roles_required
from lms.certificates import storage
from lms.certificates.models import STATUSES, Certificate
from lms.certificates.runtime import public_base_url, runtime
from lms.certificates.issuing import CertificateError
from lms.certificates.lifecycle import reissue_certificate, revoke_certificate
from lms.certificates.pdf_pipeline import attach_or_hand_over
from lms.courses.models import Course
from lms.events import commit
from lms.extensions import db
from lms.bounds import parse_id
from lms.listing import page_of, search_term
from lms.redirects import next_path_or
from lms.storage.serving import send_spooled
from lms.timeutil import utcnow

bp = Blueprint("certificates_admin", __name__, url_prefix="/certificates/manage")
REGISTER_ROLES = (Role.MANAGER, Role.ADMIN, Role.DEALER_ADMIN)
FILTERS = ("q", "dealer_id", "course_id", "status")


def status_clause(status: str, now):
    if status == "revoked":
        return Certificate.revoked_at.is_not(None)
    live = Certificate.revoked_at.is_(None)
    if status == "expired":
        return sa.and_(live, Certificate.expires_at <= now)
    return sa.and_(live, sa.or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def scoped(query):
    """A dealer admin sees only their own dealer's certificates."""
    if current_user.role == Role.DEALER_ADMIN:
        return query.where(Certificate.dealer_id == current_user.dealer_id)
    return query


def filtered(args):
    now = utcnow()
    query = scoped(sa.select(Certificate))
    person = search_term(args.get("q"))
    if person:
        # SQLite's lower() folds ASCII only, so Cyrillic names are matched in their usual spellings too.
        variants = {person, person.lower(), person.capitalize(), person.title(), person.upper()}
        emails = sa.select(User.id).where(User.email.ilike(f"%{person}%"))
        query = query.where(sa.or_(*(Certificate.learner_name.ilike(f"%{v}%") for v in variants),
                                   Certificate.serial.like(f"%{person}%"), Certificate.user_id.in_(emails)))
    if (dealer_id := parse_id(args.get("dealer_id"))):
        query = query.where(Certificate.dealer_id == dealer_id)
    if (course_id := parse_id(args.get("course_id"))):
        query = query.where(Certificate.course_id == course_id)
    if args.get("status") in STATUSES:
        query = query.where(status_clause(args["status"], now))
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())


@bp.route("/")
@roles_required(*REGISTER_ROLES)
def index():
    return register_page()


def register_page():
    page = page_of(filtered(request.args), request.args.get("page"))
    filters = {name: value for name in FILTERS if (value := request.args.get(name))}  # kept in the pager links
    dealers = _dealer_options()
    courses = db.session.execute(sa.select(Course.id, Course.title).order_by(Course.title)).all()
    return render_template("certificates/manage.html", certificates=page.items, page=page, filters=filters,
                           dealers=dealers, courses=courses,
                           statuses=STATUSES, args=request.args, dealer_id=parse_id(request.args.get("dealer_id")),
                           now=utcnow(),
                           can_change=current_user.role in (Role.MANAGER, Role.ADMIN))


def _dealer_options():
    query = sa.select(Dealer.id, Dealer.name).order_by(Dealer.name)
    if current_user.role == Role.DEALER_ADMIN:
        query = query.where(Dealer.id == current_user.dealer_id)
    return db.session.execute(query).all()


def _back():
    return redirect(next_path_or(url_for("certificates_admin.index")))


@bp.route("/<int:certificate_id>/revoke", methods=["POST"])
@roles_required(Role.MANAGER, Role.ADMIN)
def revoke(certificate_id: int):
    try:
        certificate = revoke_certificate(certificate_id, request.form.get("reason", ""), base_url=public_base_url())
    except CertificateError as error:
        db.session.rollback()
        if db.session.get(Certificate, certificate_id) is None:
            abort(404)
        flash(str(error.message), "error")
        return register_page(), 422
    commit()
    flash(_("Certificate %(serial)s revoked.", serial=certificate.serial), "success")
    return _back()


@bp.route("/<int:certificate_id>/reissue", methods=["POST"])
@roles_required(Role.MANAGER, Role.ADMIN)
def reissue(certificate_id: int):
    if db.session.get(Certificate, certificate_id) is None:
        abort(404)
    db.session.rollback()  # the first statement must be its write (see issuing.issue_certificate)
    try:
        new = reissue_certificate(certificate_id, base_url=public_base_url())
    except CertificateError as error:
        db.session.rollback()
        flash(str(error.message), "error")
        return _back()
    new_id = new.id
    commit()
    attach_or_hand_over(new_id, public_base_url())
    new = db.session.get(Certificate, new_id)
    flash(_("Certificate re-issued as %(serial)s.", serial=new.serial), "success")
    return _back()


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.\- ]+", "_", text, flags=re.UNICODE).strip()[:80] or "certificate"


@bp.route("/dealers/<int:dealer_id>.zip")
@roles_required(*REGISTER_ROLES)
def dealer_zip(dealer_id: int):
    dealer = db.session.get(Dealer, dealer_id)
    if dealer is None or (current_user.role == Role.DEALER_ADMIN and current_user.dealer_id != dealer_id):
        abort(404)
    query = sa.select(Certificate).where(Certificate.dealer_id == dealer_id)
    if request.args.get("status") in STATUSES:
        query = query.where(status_clause(request.args["status"], utcnow()))
    buffer = tempfile.TemporaryFile()  # on disk: a large dealer's archive never sits in memory
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for certificate in db.session.scalars(query.order_by(Certificate.serial)):
            if certificate.pdf_sha256 is None:
                continue  # its PDF is still being rendered; the learner's download renders it if it never was
            try:
                source = storage.open_pdf(certificate.pdf_sha256)
            except FileNotFoundError:
                continue
            name = f"{certificate.serial} {_safe_name(certificate.learner_name)}.pdf"
            with source, archive.open(name, "w") as target:
                shutil.copyfileobj(source, target, 1024 * 1024)
    return send_spooled(buffer, mimetype="application/zip",
                        download_name=_("Certificates %(dealer)s", dealer=_safe_name(dealer.name)) + ".zip")


@bp.route("/settings")
@roles_required(Role.ADMIN)
def settings():
    state = runtime()
    certificate = state.identity.certificate
    return render_template(
        "certificates/settings.html", development=state.identity.is_development, font_backend=state.font_backend,
        subject=certificate.subject.rfc4514_string(), not_after=certificate.not_valid_after_utc,
        algorithm=state.identity.jwt_algorithm, kid=state.kid, chain_length=len(state.identity.chain),
    )
