"""The daily digest: one e-mail per person listing the notifications they chose to receive that way."""
from __future__ import annotations

import datetime as dt
from itertools import groupby

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from lms.extensions import db
from lms.notifications.kinds import Delivery
from lms.notifications.models import Notification
from lms.notifications.render import render_notification
from lms.notifications.service import absolute_link, queue_mail, recipient_locale
from lms.timeutil import utcnow


def digest_cutoff(now: dt.datetime) -> dt.datetime:
    """Notifications created before this go into a digest: the last passed NOTIFY_DIGEST_HOUR (UTC)."""
    hour = int(current_app.config["NOTIFY_DIGEST_HOUR"])
    cutoff = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return cutoff if cutoff <= now else cutoff - dt.timedelta(days=1)


def queue_due_digests(now: dt.datetime | None = None) -> int:
    """Queue one digest e-mail per person with digest notifications from before the cutoff; commits.

    The notifications are marked mailed in the same transaction as the e-mail is queued, so a
    second run (or a second worker) queues nothing more.
    """
    from lms.auth.models import User

    now = now or utcnow()
    cutoff = digest_cutoff(now)
    db.session.rollback()
    rows = db.session.scalars(
        sa.select(Notification).where(Notification.delivery == Delivery.DIGEST, Notification.mailed_at.is_(None),
                                      Notification.created_at < cutoff)
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
        .with_for_update(skip_locked=True)).all()
    queued = 0
    for user_id, items in groupby(rows, key=lambda row: row.user_id):
        items = list(items)
        user = db.session.get(User, user_id)
        if user is not None and user.active and user.email:
            with force_locale(recipient_locale(user)):
                subject = ngettext("Your digest: %(num)d notification", "Your digest: %(num)d notifications",
                                   len(items))
                lines = [_("Hello, %(name)s! Here is what happened:", name=user.name), ""]
                for item in items:
                    title, body = render_notification(item)
                    lines.append(f"• {title}")
                    if body:
                        lines.append(f"  {body}")
                    if item.link:
                        lines.append(f"  {absolute_link(item.link)}")
                queue_mail(user.email, subject, "\n".join(lines) + "\n", user_id=user_id)
            queued += 1
        for item in items:
            item.mailed_at = now
    db.session.commit()
    return queued
