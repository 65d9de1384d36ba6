"""The learner's "My certificates" tab: current and past certificates, downloads, badges, vetoes."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request, url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.models import Role, User
from lms.auth.permissions import REPORT_ROLES
from lms.certificates import badges, signed_links, storage
from lms.certificates.models import Certificate, CertificatePending
from lms.certificates.path_issuing import path_slug
from lms.certificates.runtime import public_base_url
from lms.certificates.issuing import CertificateError, retry_pending
from lms.certificates.pdf_pipeline import attach_or_hand_over
from lms.courses.models import Course
from lms.events import commit
from lms.extensions import db
from lms.timeutil import utcnow

bp = Blueprint("certificates", __name__, url_prefix="/certificates")
PDF_RETRY_SECONDS = 3


def can_see(user, certificate: Certificate) -> bool:
    """The holder, managers and admins, and the admin of the holder's dealer at issue."""
    if certificate.user_id == user.id or user.role in REPORT_ROLES:
        return True
    return user.role == Role.DEALER_ADMIN and user.dealer_id is not None and certificate.dealer_id == user.dealer_id


def visible_certificate(certificate_id: int) -> Certificate:
    """The certificate, or 404 (not 403) so other people's certificates do not reveal that they exist."""
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or not can_see(current_user, certificate):
        abort(404)
    return certificate


@bp.route("/")
@login_required
def mine():
    now = utcnow()
    certificates = list(db.session.scalars(
        sa.select(Certificate).where(Certificate.user_id == current_user.id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))
    current = [c for c in certificates if c.status_at(now) == "valid"]
    past = [c for c in certificates if c.status_at(now) != "valid"]
    pending = db.session.execute(
        sa.select(CertificatePending, Course.title).join(Course, Course.id == CertificatePending.course_id)
        .where(CertificatePending.user_id == current_user.id).order_by(CertificatePending.checked_at.desc())).all()
    return render_template("certificates/mine.html", current=current, past=past, pending=pending, now=now)


@bp.route("/<int:certificate_id>/download")
@login_required
def download(certificate_id: int):
    certificate = visible_certificate(certificate_id)
    if certificate.pdf_sha256 is None:
        # A live worker renders it within seconds (this request only wakes it); with none alive
        # this request renders it, unless another request already does.
        if not attach_or_hand_over(certificate.id, public_base_url()):
            response = make_response(render_template("certificates/preparing.html", certificate=certificate,
                                                     retry_after=PDF_RETRY_SECONDS), 202)
            response.headers["Retry-After"] = str(PDF_RETRY_SECONDS)
            return response
        certificate = visible_certificate(certificate_id)
    if not storage.pdf_exists(certificate.pdf_sha256):
        abort(404, description=_("The certificate file is missing. Ask a manager to re-issue it."))
    # Sent with filename*=UTF-8''… (RFC 5987) for the Russian name, with an ASCII fallback.
    return storage.send_pdf(certificate.pdf_sha256,
                            download_name=_("Certificate %(serial)s", serial=certificate.serial) + ".pdf")


def certificate_file_url(certificate: Certificate) -> str:
    """For a page that checked access: a signed, cacheable link to the stored PDF, or the download
    route (which renders or waits for it) while there is none yet."""
    if certificate.pdf_sha256 is None:
        return url_for("certificates.download", certificate_id=certificate.id)
    expires = signed_links.link_expiry(current_app.config["CERTIFICATE_LINK_SECONDS"])
    return request.script_root + signed_links.signed_path(
        current_app.config["SECRET_KEY"], certificate_id=certificate.id, serial=certificate.serial,
        sha256=certificate.pdf_sha256, expires=expires)


@bp.route("/file/<path:tail>")
def signed_file(tail: str):
    """A signed link the fast path (``fast_download``) did not answer: refused, or served here when the
    fast path is not installed. No sign-in: the signature proves access was checked."""
    try:
        certificate_id, serial, sha256 = signed_links.verify(current_app.config["SECRET_KEY"], tail)
    except signed_links.LinkRefused as refused:
        if refused.reason == "expired":
            abort(410, description=_("This download link has expired. Open your certificates page again "
                                     "for a new one."))
        abort(403, description=_("This download link is not valid (it was changed or cut short). Open "
                                 "your certificates page again for a new one."))
    if signed_links.revoked_or_gone(db.session, certificate_id):
        abort(410, description=_("This certificate has been revoked, so its download link no longer works."))
    if not storage.pdf_exists(sha256):
        abort(404, description=_("The certificate file is missing. Ask a manager to re-issue it."))
    return storage.send_pdf(sha256, download_name=_("Certificate %(serial)s", serial=serial) + ".pdf")


@bp.route("/<int:certificate_id>/badge.jwt")
@login_required
def badge(certificate_id: int):
    certificate = visible_certificate(certificate_id)
    email = db.session.scalar(sa.select(User.email).where(User.id == certificate.user_id))
    slug = db.session.scalar(sa.select(Course.slug).where(Course.id == certificate.course_id)) \
        if certificate.course_id is not None else path_slug(certificate.learning_path_id)
    token = badges.certificate_badge_jwt(certificate, email=email, course_slug=slug, base_url=public_base_url())
    response = Response(token, mimetype="application/vc+jwt")
    response.headers["Content-Disposition"] = f'attachment; filename="badge-{certificate.serial}.jwt"'
    return response


@bp.route("/pending/<int:pending_id>/retry", methods=["POST"])
@login_required
def retry(pending_id: int):
    try:
        outcome = retry_pending(pending_id, current_user.id, base_url=public_base_url())
    except CertificateError:
        db.session.rollback()
        abort(404)
    commit()
    if outcome.created:
        attach_or_hand_over(outcome.certificate_id, public_base_url())
        flash(_("Your certificate has been issued."), "success")
    else:
        flash(_("The certificate cannot be issued yet."), "error")
    return redirect(url_for("certificates.mine"))
