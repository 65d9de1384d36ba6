"""Certificates domain hooks: schema, pages, the signing runtime, and issuing on course completion."""
from __future__ import annotations

import logging

from flask import current_app, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from lms import hookimpl
from lms.plugins import domain_setup_hooks
from lms.auth.models import Role
from lms.certificates import models  # noqa: F401  (tables must be in the metadata)
from lms.plugins import NavItem

log = logging.getLogger(__name__)


lms_register_blueprints, lms_migration_dirs, lms_translation_dirs = domain_setup_hooks(
    __file__, "lms.certificates.views.learner:bp", "lms.certificates.views.admin:bp", "lms.certificates.views.public:bp")


@hookimpl
def lms_app_created(app):
    from lms.certificates import runtime
    from lms.certificates.cli import certificates_group

    if app.config.get("CERTIFICATE_PDF_IN_WORKER") and not app.config.get("PUBLIC_BASE_URL"):
        from lms.config import ConfigurationError

        # Elsewhere a default address is derived for development; the worker signs PDFs for good,
        # so their QR codes must carry the address people actually reach.
        raise ConfigurationError("LMS_CERTIFICATE_PDF_IN_WORKER needs LMS_PUBLIC_BASE_URL "
                                 "(the address printed in the certificates' QR codes).")
    runtime.init_app(app)
    app.cli.add_command(certificates_group)
    from lms.certificates import fast_download
    from lms.certificates.views.learner import certificate_file_url

    fast_download.install(app)  # signed download links answered before Flask builds a request
    app.jinja_env.globals["certificate_file_url"] = certificate_file_url


@hookimpl
def lms_tpl_nav_items(user):
    if user is None or not user.is_authenticated:
        return None
    items = []
    if user.role in (Role.LEARNER, Role.DEALER_ADMIN):
        items.append(NavItem(key="certificates", label=_("My certificates"),
                             url=url_for("certificates.mine"), order=30))
    if user.role in (Role.MANAGER, Role.ADMIN, Role.DEALER_ADMIN):
        items.append(NavItem(key="certificates_admin", label=_("Certificates"),
                             url=url_for("certificates_admin.index"), order=60))
    return items


@hookimpl
def lms_tpl_dashboard(user):
    from lms.certificates.runtime import runtime

    if user is None or not (user.is_authenticated and user.role == Role.ADMIN):
        return None
    state = runtime()
    if not state.identity.is_development and state.font_backend == "harfbuzz":
        return None
    parts = []
    if state.identity.is_development:
        parts.append(escape(_("Certificates are signed with a development key. Set LMS_CERT_SIGNING_KEY and "
                              "LMS_CERT_SIGNING_CERT to the organisation's key and certificate.")))
    if state.font_backend != "harfbuzz":
        parts.append(escape(_("libharfbuzz-subset0 is not installed: certificates render about 15 times slower.")))
    items = Markup("").join(Markup("<p>{}</p>").format(part) for part in parts)
    return Markup(
        '<section class="panel warning" role="alert" aria-labelledby="panel-cert-signing">'
        '<h2 id="panel-cert-signing">{title}</h2>{items}<p><a href="{url}">{link}</a></p></section>'
    ).format(title=_("Certificate signing"), items=items,
             url=url_for("certificates_admin.settings"), link=_("Signing settings"))


@hookimpl
def lms_course_completed(completion):
    """Issue the certificate in transactions of its own (the completion is already committed)."""
    from lms.certificates.pdf_pipeline import issue_and_attach
    from lms.certificates.runtime import public_base_url
    from lms.extensions import db

    try:
        issue_and_attach(completion.user_id, completion.course_id, course_version=completion.course_version,
                         score_percent=completion.score_percent, base_url=public_base_url())
    except Exception:
        # The completion stands; a certificate recorded without its PDF gets it on first download,
        # and a manager can re-issue. Never let a PDF problem break the caller.
        db.session.rollback()
        log.exception("Issuing the certificate for user %s, course %s failed",
                      completion.user_id, completion.course_id)
    _issue_path_certificates(completion)


def _issue_path_certificates(completion):
    """Completing a path's last missing course earns the path's own certificate (path_issuing)."""
    from lms.certificates.path_issuing import issue_completed_paths
    from lms.certificates.pdf_pipeline import attach_or_hand_over
    from lms.certificates.runtime import public_base_url
    from lms.events import commit
    from lms.extensions import db

    try:
        issued = issue_completed_paths(completion.user_id, completion.course_id)
        commit()
        for certificate_id in issued:
            attach_or_hand_over(certificate_id, public_base_url())
    except Exception:
        db.session.rollback()
        log.exception("Issuing path certificates for user %s after course %s failed",
                      completion.user_id, completion.course_id)


@hookimpl
def lms_worker_run_once(batch_size):
    """``lms worker`` issues the certificates a dead node never issued, and renders the PDFs of
    certificates recorded without one."""
    from lms.certificates.late_issue import issue_missed
    from lms.certificates.pdf_pipeline import render_pending

    return {"certificates issued late": issue_missed(batch_size), "certificate PDFs": render_pending(batch_size)}


@hookimpl
def lms_course_published(course_id, version, requires_recertification):
    from lms.certificates.lifecycle import expire_older_versions
    from lms.events import commit

    if not requires_recertification:
        return
    grace = int(current_app.config["CERT_RECERTIFICATION_GRACE_DAYS"])
    expire_older_versions(course_id, version, grace)
    commit()
