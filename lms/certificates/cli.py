"""``lms certificates remind``: expiry reminders (hook + e-mail), never twice per certificate and threshold."""
from __future__ import annotations

import logging

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

log = logging.getLogger(__name__)
certificates_group = AppGroup("certificates", help="Certificate maintenance (expiry reminders).")


@certificates_group.command("remind")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Remind about certificates expiring within this many days.")
def remind_command(days: int):
    """Fire lms_certificate_expiring and e-mail holders whose certificates expire within --days."""
    from lms.auth.models import User
    from lms.certificates.mail import send_expiry_email
    from lms.certificates.models import CertificateReminder
    from lms.certificates.runtime import public_base_url
    from lms.certificates.lifecycle import due_reminders, record_reminder
    from lms.events import commit
    from lms.extensions import db

    base_url = public_base_url()
    sent = 0
    for certificate in due_reminders(days):
        if not record_reminder(certificate, days, base_url):
            continue
        certificate_id = certificate.id
        email, locale = db.session.execute(
            sa.select(User.email, User.locale).where(User.id == certificate.user_id)).one()
        values = dict(serial=certificate.serial, learner_name=certificate.learner_name,
                      course_title=certificate.course_title, expires_at=certificate.expires_at,
                      verify_url=f"{base_url}verify/{certificate.code}", locale=locale)
        # Commit the claim first: a crash after it loses one e-mail rather than sending two.
        commit()
        sent += 1
        if current_app.config.get("MAIL_SMTP_HOST"):
            try:
                send_expiry_email(email, values)
            except OSError as error:  # smtplib errors are OSErrors
                log.error("Expiry reminder for certificate %s not e-mailed: %s", values["serial"], error)
            else:
                db.session.execute(sa.update(CertificateReminder).where(
                    CertificateReminder.certificate_id == certificate_id,
                    CertificateReminder.threshold_days == days).values(emailed=True))
                commit()
        else:
            log.info("Expiry reminder for certificate %s (%s) not e-mailed: MAIL_SMTP_HOST is not set",
                     values["serial"], email)
    click.echo(f"Reminders sent: {sent}")
