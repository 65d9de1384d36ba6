"""Expiry reminder e-mails through smtplib (MAIL_SMTP_* settings), in the holder's language."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _


def send_expiry_email(to_address: str, values: dict) -> None:
    """Send one plain-text reminder; raises OSError (smtplib.SMTPException) when sending fails."""
    config = current_app.config
    locale = values.get("locale") if values.get("locale") in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        message = EmailMessage()
        message["Subject"] = _("Your certificate %(serial)s expires soon", serial=values["serial"])
        message["From"] = config["MAIL_FROM"] or f"noreply@{config.get('SERVER_NAME') or 'localhost'}"
        message["To"] = to_address
        message.set_content(_(
            "Hello, %(name)s!\n\nYour certificate %(serial)s for the course \"%(course)s\" expires on %(date)s. "
            "Take the course again to renew it.\n\nCheck the certificate: %(url)s\n",
            name=values["learner_name"], serial=values["serial"], course=values["course_title"],
            date=format_date(values["expires_at"], "long"), url=values["verify_url"]))
    port = int(config["MAIL_SMTP_PORT"])
    with smtplib.SMTP(config["MAIL_SMTP_HOST"], port, timeout=30) as smtp:
        if config["MAIL_SMTP_STARTTLS"]:
            smtp.starttls()
        if config["MAIL_SMTP_USER"]:
            smtp.login(config["MAIL_SMTP_USER"], config["MAIL_SMTP_PASSWORD"] or "")
        smtp.send_message(message)
