"""The certificate PDF pipeline: render, sign and store the PDF of a recorded certificate.

Not a service: this module owns its transactions. Rendering and signing take 50–500 ms, so the
PDF is made with no transaction open and no database lock held: ``attach_pdf`` first claims the
certificate's render (a lease, ``lms.coordination.leases``), renders, then writes the digest only
if it still holds the claim. ``issue_and_attach`` and the worker loop ``render_pending`` commit
(through ``lms.events.commit``, so the event hooks run after each commit).

Who renders: ``lms worker`` whenever one is alive (its heartbeat, ``lms.coordination.heartbeat``);
a web request only when none is, and then one at a time per process. Of all the renderers of a
certificate (workers, requests, nodes) only the lease holder renders, so no PDF is made twice.
"""
from __future__ import annotations

import datetime as dt
import threading

import sqlalchemy as sa
from flask import current_app

from lms.certificates import stamping, storage
from lms.certificates.issuing import IssueOutcome, certificate_info, course_dict, issue_certificate
from lms.certificates.models import Certificate
from lms.certificates.render import (
    certificate_context, default_labels, default_template_source, named_template_source, render_certificate,
)
from lms.certificates.qr import qr_svg_data_uri
from lms.certificates.runtime import runtime, verify_url
from lms.certificates.signing import sign_pdf
from lms.coordination import heartbeat, leases, wakeup
from lms.events import commit, emit
from lms.extensions import db
from lms.plugins import plugin_manager
from lms.timeutil import utcnow

RENDER_RETRY_AFTER = dt.timedelta(minutes=10)
# WeasyPrint (Pango, GLib) corrupts its heap when two threads of one process render at once: a web
# process that must render (no worker alive) renders one PDF at a time.
_RENDER_LOCK = threading.Lock()


def render_signed_pdf(*, course: dict, values: dict) -> bytes:
    """Render the course's template (a plugin's or the default) with plain values and sign it."""
    template = (plugin_manager().hook.lms_certificate_template(course=course)
                or named_template_source(course.get("certificate_template")) or default_template_source())
    return signed_certificate_pdf(template, values, runtime().pdf_signer)


def signed_certificate_pdf(template: str, values: dict, signer) -> bytes:
    """The signed PDF of ``template`` with ``values`` (``certificate_context``'s arguments).

    The course's page is laid out once per process (``stamping``) and each learner's values are
    stamped on it and signed in one incremental update; only what a stamp cannot show exactly (a
    name that would wrap, a letter outside the embedded fonts) is rendered in full by WeasyPrint.
    """
    from lms.observability.metrics import timed_certificate_step

    context = certificate_context(labels=default_labels(values["locale"]), qr=False, **values)
    with timed_certificate_step("stamp"):
        signed = stamping.stamp_and_sign(template, context, signer)
    if signed is not None:
        return signed
    context["qr_data_uri"] = qr_svg_data_uri(values["verify_url"])
    with timed_certificate_step("render"):
        pdf = render_certificate(template, context)
    with timed_certificate_step("sign"):
        return sign_pdf(pdf, signer)


def claim_renders(claim_id: str, limit: int, certificate_id: int | None = None) -> list[int]:
    """Lease the renders of up to ``limit`` certificates without a PDF (or just ``certificate_id``). Commits."""
    due = Certificate.pdf_sha256.is_(None)
    if certificate_id is not None:
        due = sa.and_(due, Certificate.id == certificate_id)
    return leases.claim_rows(
        Certificate.__table__, due=due, claimed_by=Certificate.pdf_claimed_by,
        locked_until=Certificate.pdf_locked_until, order_by=[Certificate.id], limit=limit, claim_id=claim_id,
        lease_seconds=float(current_app.config["CERTIFICATE_PDF_LEASE_SECONDS"]))


def attach_pdf(certificate_id: int, base_url: str | None = None, *, claim_id: str | None = None) -> bool:
    """Render, sign and store the PDF of a certificate recorded without one; False if another has it or renders it.

    Call it with no changes pending. Without ``claim_id`` it first claims the render itself (and
    commits the claim); with one (the worker's) the claim is already held. Nothing is locked while
    the PDF renders; the digest is written in a new transaction, for the caller to commit, only if
    the claim still holds (a lease that ran out was taken over, and that renderer's PDF wins).
    ``lms_certificate_issued`` is emitted here, once the PDF exists.
    """
    from lms.courses.models import Course
    from lms.database import begin_write

    if db.session.new or db.session.dirty or db.session.deleted:
        raise RuntimeError("attach_pdf needs a session with nothing pending: commit first")
    if claim_id is None:
        claim_id = leases.new_claim_id()
        if not claim_renders(claim_id, 1, certificate_id):
            return False
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    if certificate is None or certificate.pdf_sha256 is not None or certificate.pdf_claimed_by != claim_id:
        db.session.rollback()
        return False
    course = (course_dict(db.session.get(Course, certificate.course_id)) if certificate.course_id is not None
              else path_course_dict(certificate.learning_path_id))
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
    try:
        with _RENDER_LOCK:
            pdf = render_signed_pdf(course=course, values=values)
    except Exception:
        _postpone(certificate_id, claim_id)
        raise
    digest = storage.store_pdf(pdf)
    begin_write()  # a page view (a download) writes too: take the next transaction for writing
    won = db.session.execute(
        sa.update(Certificate)
        .where(Certificate.id == certificate_id, Certificate.pdf_sha256.is_(None),
               Certificate.pdf_claimed_by == claim_id)
        .values(pdf_sha256=digest, pdf_size=len(pdf), pdf_claimed_by=None, pdf_locked_until=None,
                updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount == 1
    if not won:
        winner = db.session.scalar(sa.select(Certificate.pdf_sha256).where(Certificate.id == certificate_id))
        if winner != digest:
            storage.remove_pdf(digest)
        return False
    certificate = db.session.get(Certificate, certificate_id, populate_existing=True)
    emit("lms_certificate_issued", certificate=certificate_info(certificate, base_url))
    return True


def path_course_dict(path_id: int) -> dict:
    """A learning path in the shape ``course_dict`` gives the PDF templates (the default template)."""
    from lms.courses.models import LearningPath

    path = db.session.get(LearningPath, path_id)
    return {"id": None, "slug": path.slug, "title": path.title, "version": 0, "language": None, "product_line": None,
            "certificate_validity_months": path.certificate_validity_months, "certificate_template": None}


def _postpone(certificate_id: int, claim_id: str) -> None:
    """A failed render keeps its lease for ``RENDER_RETRY_AFTER``: no worker retries it every second."""
    db.session.rollback()
    db.session.execute(
        sa.update(Certificate).where(Certificate.id == certificate_id, Certificate.pdf_claimed_by == claim_id)
        .values(pdf_locked_until=utcnow() + RENDER_RETRY_AFTER).execution_options(synchronize_session=False))
    db.session.commit()


def render_in_request() -> bool:
    """May this web request render a PDF? Only while no worker is alive to do it (one query)."""
    return not heartbeat.any_worker_alive()


def attach_or_hand_over(certificate_id: int, base_url: str | None = None) -> bool:
    """For web requests: attach the PDF now when no worker is alive, else wake the workers. Commits."""
    if render_in_request():
        attached = attach_pdf(certificate_id, base_url)
        commit()
        return attached
    db.session.rollback()
    wakeup.notify_on_commit(db.session, "certificates")
    db.session.commit()
    return False


def issue_and_attach(user_id: int, course_id: int, **options) -> IssueOutcome:
    """Issue (``issuing.issue_certificate``), commit, then attach the PDF and commit again.

    For callers that own no transaction of their own: the completion hook. With
    ``CERTIFICATE_PDF_IN_WORKER``, or while a worker is alive, the PDF is left to ``lms worker``
    (``render_pending``), woken by a notification.
    """
    outcome = issue_certificate(user_id, course_id, **options)
    commit()
    if not outcome.created:
        return outcome
    if current_app.config.get("CERTIFICATE_PDF_IN_WORKER"):
        wakeup.notify_on_commit(db.session, "certificates")
        db.session.commit()
    else:
        attach_or_hand_over(outcome.certificate_id, options.get("base_url"))
    return outcome


def render_pending(limit: int) -> int:
    """Attach the PDFs of up to ``limit`` certificates recorded without one, oldest first (``lms worker``).

    Claims one certificate at a time, so that several workers share a backlog evenly; each PDF is
    committed on its own, so a killed worker loses at most the one in hand, which another worker
    takes over when its lease ends.
    """
    done = 0
    for _ in range(limit):
        claim_id = leases.new_claim_id()
        claimed = claim_renders(claim_id, 1)
        if not claimed:
            break
        try:
            done += attach_pdf(claimed[0], claim_id=claim_id)
            commit()
        except Exception:
            # A broken template or key must not stop the worker's other work, nor be retried every second.
            db.session.rollback()
            current_app.logger.exception("Rendering the PDF of certificate %s failed; retrying in %s",
                                         claimed[0], RENDER_RETRY_AFTER)
    return done
