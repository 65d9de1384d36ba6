"""``lms certificates remind``: expiry reminders, never twice per certificate and threshold.

The reminder fires ``lms_certificate_expiring`` after commit; the notifications domain turns it into
a ``certificate_expiring`` notification, e-mailed (in the holder's language, by their choice) from
``lms worker`` through the mail outbox.
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

certificates_group = AppGroup("certificates", help="Certificate maintenance (expiry reminders).")


@certificates_group.command("remind")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Remind about certificates expiring within this many days.")
def remind_command(days: int):
    """Fire lms_certificate_expiring for certificates expiring within --days (once per certificate)."""
    from lms.certificates.lifecycle import due_reminders, record_reminder
    from lms.certificates.runtime import public_base_url
    from lms.events import commit

    base_url = public_base_url()
    sent = 0
    for certificate in due_reminders(days):
        if not record_reminder(certificate, days, base_url):
            continue
        # One commit per reminder: its hook (and the notification it queues) runs right after it.
        commit()
        sent += 1
    click.echo(f"Reminders sent: {sent}")
