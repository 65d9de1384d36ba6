"""The certificate PDF pipeline: render, sign and store the PDF of a recorded certificate.

Not a service: this module owns its transactions. Rendering and signing take 50–500 ms, so the
PDF is made with no transaction open and no lock held: ``attach_pdf`` ends the caller's read
transaction and begins the write one itself, ``issue_and_attach`` and the worker loop
``render_pending`` commit (through ``lms.events.commit``, so the event hooks run after each commit).
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from lms.certificates import storage
from lms.certificates.issuing import IssueOutcome, certificate_info, course_dict, issue_certificate
from lms.certificates.models import Certificate
from lms.certificates.render import (
    certificate_context, default_labels, default_template_source, named_template_source, render_certificate,
)
from lms.certificates.runtime import runtime, verify_url
from lms.certificates.signing import sign_pdf
from lms.events import commit, emit
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow

RENDER_RETRY_AFTER = dt.timedelta(minutes=10)
RENDER_FAILURES_KEY = "lms_certificates_render_failures"


def init_app(app) -> None:
    """Give the app its own memory of failed renders (a test's apps, or two apps in one process, never share it)."""
    app.extensions[RENDER_FAILURES_KEY] = {}


def render_failures(app=None) -> dict[int, dt.datetime]:
    """Certificates whose rendering failed in this process, and when the worker tries them again."""
    return (app or current_app).extensions[RENDER_FAILURES_KEY]


def render_signed_pdf(*, course: dict, values: dict) -> bytes:
    """Render the course's template (a plugin's or the default) with plain values and sign it."""
    template = (plugin_manager().hook.lms_certificate_template(course=course)
                or named_template_source(course.get("certificate_template")) or default_template_source())
    context = certificate_context(labels=default_labels(values["locale"]), **values)
    return sign_pdf(render_certificate(template, context), runtime().pdf_signer)


def attach_pdf(certificate_id: int, base_url: str | None = None) -> bool:
    """Render, sign and store the PDF of a certificate recorded without one; False if it has one.

    Call it with no changes pending: it reads what it needs and ends that read transaction, so no
    lock is held while the PDF renders, then writes the digest in a new transaction for the caller
    to commit. ``lms_certificate_issued`` is emitted here, once the PDF exists. Of two concurrent
    calls for one certificate (the issuing request and a download), the first writer wins and the
    other's file is removed.
    """
    from lms.courses.models import Course
    from lms.database import begin_write

    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("attach_pdf needs a session with nothing pending: commit first")
    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None or certificate.pdf_sha256 is not None:
        db.session.rollback()
        return False
    course = course_dict(db.session.get(Course, certificate.course_id))
    values = dict(
        learner_name=certificate.learner_name,
        dealer_name=certificate.dealer_name or "",
        course_title=certificate.course_title,
        course_version=str(certificate.course_version),
        issued_at=certificate.issued_at.date(),
        expires_at=certificate.expires_at.date() if certificate.expires_at else None,
        score=round(certificate.score_percent, 1) if certificate.score_percent is not None else None,
        serial=certificate.serial,
        verify_url=verify_url(certificate.code, base_url),
        issuer_name=current_app.config.get("PORTAL_NAME") or "",
        locale=certificate.locale,
    )
    db.session.rollback()  # end the read: nothing is locked while the PDF renders
    pdf = render_signed_pdf(course=course, values=values)
    digest = storage.store_pdf(current_app.instance_path, pdf)
    begin_write()  # a page view (a download) writes too: take the next transaction for writing
    won = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate_id, Certificate.pdf_sha256.is_(None))
        .values(pdf_sha256=digest, pdf_size=len(pdf), updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not won:
        winner = db.session.scalar(sa.select(Certificate.pdf_sha256).where(Certificate.id == certificate_id))
        if winner != digest:
            storage.remove_pdf(current_app.instance_path, digest)
        return False
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    emit("lms_certificate_issued", certificate=certificate_info(certificate, base_url))
    return True


def issue_and_attach(user_id: int, course_id: int, **options) -> IssueOutcome:
    """Issue (``issuing.issue_certificate``), commit, then attach the PDF and commit again.

    For callers that own no transaction of their own: the completion hook. With
    ``CERTIFICATE_PDF_IN_WORKER`` the PDF is left to ``lms worker`` (``render_pending``).
    """
    outcome = issue_certificate(user_id, course_id, **options)
    commit()
    if outcome.created and not current_app.config.get("CERTIFICATE_PDF_IN_WORKER"):
        attach_pdf(outcome.certificate_id, options.get("base_url"))
        commit()
    return outcome


def render_pending(limit: int) -> int:
    """Attach the PDFs of up to ``limit`` certificates recorded without one, oldest first (``lms worker``).

    Each is committed on its own, so a killed worker loses at most the one in hand, which the
    next run picks up again. Two workers may render the same certificate; ``attach_pdf`` keeps one.
    """
    failures = render_failures()
    now = utcnow()
    for certificate_id, until in list(failures.items()):
        if until <= now:
            del failures[certificate_id]
    query = sa.select(Certificate.id).where(Certificate.pdf_sha256.is_(None))
    if failures:
        query = query.where(Certificate.id.not_in(list(failures)))
    ids = list(db.session.scalars(query.order_by(Certificate.id).limit(limit)))
    db.session.rollback()
    done = 0
    for certificate_id in ids:
        try:
            done += attach_pdf(certificate_id)
            commit()
        except Exception:
            # A broken template or key must not stop the worker's other work, nor be retried every second.
            db.session.rollback()
            failures[certificate_id] = utcnow() + RENDER_RETRY_AFTER
            current_app.logger.exception("Rendering the PDF of certificate %s failed; retrying in %s",
                                         certificate_id, RENDER_RETRY_AFTER)
    return done


def pdf_overdue(certificate: Certificate, now: dt.datetime | None = None) -> bool:
    """A certificate without its PDF that the worker should have rendered by now."""
    wait = dt.timedelta(seconds=float(current_app.config["CERTIFICATE_PDF_WAIT_SECONDS"]))
    return certificate.pdf_sha256 is None and (
        not current_app.config.get("CERTIFICATE_PDF_IN_WORKER") or (now or utcnow()) - certificate.issued_at >= wait)
