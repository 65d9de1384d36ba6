"""``lms worker``'s mail sender: claim due e-mails from the outbox, send them over SMTP, retry with backoff.

At-least-once: a worker killed between the SMTP answer and recording it sends that e-mail again once
its lease ends. Claims are exclusive: PostgreSQL takes rows ``FOR UPDATE SKIP LOCKED``, SQLite claims
inside ``BEGIN IMMEDIATE``.
"""
from __future__ import annotations

import os
import random
import smtplib
import socket
import uuid
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from lms.extensions import db
from lms.notifications.models import MailStatus, OutgoingMail
from lms.timeutil import utcnow

SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"
BASE_DELAY_SECONDS = 60.0
MAX_DELAY_SECONDS = 6 * 60 * 60.0


def retry_delay(attempts: int) -> float:
    """1 min, 2 min, 4 min … up to 6 h, drawn from the upper half so failures spread out."""
    delay = min(BASE_DELAY_SECONDS * 2 ** min(max(attempts, 1) - 1, 20), MAX_DELAY_SECONDS)
    return delay / 2 + random.uniform(0, delay / 2)


def claim(limit: int, now=None) -> tuple[str, list[int]]:
    """Lease up to ``limit`` due e-mails to a fresh claim id; returns it and their ids."""
    claim_id = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    now = now or utcnow()
    lease_end = now + timedelta(seconds=float(current_app.config["MAIL_LEASE_SECONDS"]))
    db.session.rollback()
    if db.engine.dialect.name == "sqlite":
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            try:
                stamp = now.strftime(SQLITE_TIME_FORMAT)
                cursor.execute(
                    "UPDATE mail_outbox SET claimed_by = ?, locked_until = ? WHERE id IN ("
                    " SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                    " AND (locked_until IS NULL OR locked_until < ?) ORDER BY next_attempt_at, id LIMIT ?)",
                    (claim_id, lease_end.strftime(SQLITE_TIME_FORMAT), stamp, stamp, limit))
                cursor.execute("COMMIT")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.close()
        finally:
            raw.close()
    else:
        due = (sa.select(OutgoingMail.id)
               .where(OutgoingMail.status == MailStatus.PENDING, OutgoingMail.next_attempt_at <= now,
                      sa.or_(OutgoingMail.locked_until.is_(None), OutgoingMail.locked_until < now))
               .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id).limit(limit)
               .with_for_update(skip_locked=True))
        db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.id.in_(due.scalar_subquery()))
                           .values(claimed_by=claim_id, locked_until=lease_end)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    ids = list(db.session.scalars(sa.select(OutgoingMail.id).where(OutgoingMail.claimed_by == claim_id)
                                  .order_by(OutgoingMail.id)))
    db.session.commit()
    return claim_id, ids


def sender_address() -> str:
    config = current_app.config
    return config["MAIL_FROM"] or f"noreply@{config.get('SERVER_NAME') or 'localhost'}"


def smtp_send(message: EmailMessage) -> None:
    """Send over SMTP with the MAIL_SMTP_* settings; raises OSError (smtplib errors are OSErrors)."""
    config = current_app.config
    port = int(config["MAIL_SMTP_PORT"])
    connection = smtplib.SMTP_SSL if config.get("MAIL_SMTP_SSL") else smtplib.SMTP
    with connection(config["MAIL_SMTP_HOST"], port, timeout=float(config["MAIL_SMTP_TIMEOUT"])) as smtp:
        if config["MAIL_SMTP_STARTTLS"] and not config.get("MAIL_SMTP_SSL"):
            smtp.starttls()
        if config["MAIL_SMTP_USER"]:
            smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"] or "")
        smtp.send_message(message)


def send_one(mail_id: int, claim_id: str) -> bool | None:
    """Send one claimed e-mail and record the outcome; None if the claim was lost meanwhile."""
    mail = db.session.execute(sa.select(OutgoingMail.to_address, OutgoingMail.subject, OutgoingMail.body,
                                        OutgoingMail.attempts)
                              .where(OutgoingMail.id == mail_id, OutgoingMail.claimed_by == claim_id,
                                     OutgoingMail.status == MailStatus.PENDING)).first()
    db.session.commit()  # no transaction open while talking to the SMTP server
    if mail is None:
        return None
    message = EmailMessage()
    message["Subject"] = mail.subject
    message["From"] = sender_address()
    message["To"] = mail.to_address
    message["Message-ID"] = f"<mail-{mail_id}@{sender_address().rpartition('@')[2]}>"
    message.set_content(mail.body)
    error = None
    try:
        smtp_send(message)
    except (OSError, smtplib.SMTPException) as failure:
        error = str(failure)[:500] or type(failure).__name__
    now = utcnow()
    attempts = mail.attempts + 1
    values = {"attempts": attempts, "claimed_by": None, "locked_until": None, "last_error": error}
    if error is None:
        values.update(status=MailStatus.SENT, sent_at=now)
    elif attempts >= int(current_app.config["MAIL_MAX_ATTEMPTS"]):
        values.update(status=MailStatus.FAILED)
    else:
        values.update(next_attempt_at=now + timedelta(seconds=retry_delay(attempts)))
    db.session.execute(sa.update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.claimed_by == claim_id)
                       .values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return error is None


def send_due_mail(batch_size: int = 10) -> dict:
    """Send everything due now, batch after batch; without MAIL_SMTP_HOST the outbox waits."""
    counts = {"sent": 0, "failed": 0}
    if not current_app.config.get("MAIL_SMTP_HOST"):
        return counts
    while True:
        claim_id, ids = claim(batch_size)
        if not ids:
            return counts
        for mail_id in ids:
            outcome = send_one(mail_id, claim_id)
            if outcome is not None:
                counts["sent" if outcome else "failed"] += 1
