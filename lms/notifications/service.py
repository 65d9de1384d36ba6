"""``notify()``: record an in-app notification and route its e-mail by the person's choice. Never commits."""
from __future__ import annotations

import json

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from lms.extensions import db
from lms.notifications.kinds import Delivery, get_kind, registered_kinds
from lms.notifications.models import Notification, NotificationPreference, OutgoingMail
from lms.timeutil import utcnow


def notify(user_id: int, kind: str, *, params: dict | None = None, link: str | None = None,
           dedupe_key: str | None = None, copy_to=()) -> None:
    """Tell ``user_id`` (and each of ``copy_to``) about ``kind``; the caller commits.

    Writes one in-app row per recipient; by each recipient's choice for the kind, queues an e-mail
    now (rendered in their language) or leaves it for the daily digest. With ``dedupe_key`` a
    recipient who already has a notification under that key gets nothing more (unique per person),
    so a job that runs twice sends nothing twice. Inactive people get nothing. Raises LookupError
    for an undeclared kind; ``params`` must be JSON-serialisable.
    """
    from lms.plugins import plugin_manager

    if plugin_manager().is_blocked("lms.notifications.hooks"):
        return  # the notifications domain is switched off: nobody is told anything
    declared = get_kind(kind)
    params = dict(params or {})
    encoded = json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)
    recipients = list(dict.fromkeys([int(user_id), *(int(other) for other in copy_to)]))
    for recipient in recipients:
        _notify_one(recipient, declared, params, encoded, link, dedupe_key)


def _notify_one(user_id: int, kind, params: dict, encoded: str, link, dedupe_key) -> None:
    from lms.auth.models import User

    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return
    if dedupe_key is not None:
        taken = db.session.scalar(sa.select(Notification.id).where(
            Notification.user_id == user_id, Notification.dedupe_key == dedupe_key))
        if taken is not None or _pending_duplicate(user_id, dedupe_key):
            return
    delivery = delivery_for(user_id, kind.name)
    now = utcnow()
    row = Notification(user_id=user_id, kind=kind.name, params=encoded, link=link, dedupe_key=dedupe_key,
                       delivery=delivery, created_at=now)
    if delivery == Delivery.EMAIL and user.email:
        with force_locale(recipient_locale(user)):
            subject = kind.render_subject(params)
            body = f"{_('Hello, %(name)s!', name=user.name)}\n\n{kind.render_body(params)}"
        queue_mail(user.email, subject, _with_link(body, link), user_id=user_id)
        row.mailed_at = now
    db.session.add(row)


def _pending_duplicate(user_id: int, dedupe_key: str) -> bool:
    # Rows added in this same transaction but not flushed yet (autoflush may be off).
    return any(isinstance(obj, Notification) and obj.user_id == user_id and obj.dedupe_key == dedupe_key
               for obj in db.session.new)


def delivery_for(user_id: int, kind_name: str) -> str:
    """The person's choice for the kind, else its default."""
    chosen = db.session.scalar(sa.select(NotificationPreference.delivery).where(
        NotificationPreference.user_id == user_id, NotificationPreference.kind == kind_name))
    return chosen if chosen in Delivery.ALL else get_kind(kind_name).default_delivery


def preferences_of(user_id: int) -> dict[str, str]:
    """Every declared kind's delivery for the person: {kind name: delivery}."""
    chosen = dict(db.session.execute(sa.select(NotificationPreference.kind, NotificationPreference.delivery)
                                     .where(NotificationPreference.user_id == user_id)).all())
    return {name: chosen.get(name) if chosen.get(name) in Delivery.ALL else kind.default_delivery
            for name, kind in registered_kinds().items()}


def set_preferences(user_id: int, choices: dict[str, str]) -> None:
    """Store the person's choices (only declared kinds and known deliveries)."""
    kinds = registered_kinds()
    existing = {pref.kind: pref for pref in db.session.scalars(
        sa.select(NotificationPreference).where(NotificationPreference.user_id == user_id))}
    for name, delivery in choices.items():
        if name not in kinds or delivery not in Delivery.ALL:
            raise ValueError(f"unknown kind or delivery: {name!r} {delivery!r}")
        if name in existing:
            existing[name].delivery = delivery
        else:
            db.session.add(NotificationPreference(user_id=user_id, kind=name, delivery=delivery))


def recipient_locale(user) -> str:
    config = current_app.config
    return user.locale if user.locale in config["LANGUAGES"] else config["BABEL_DEFAULT_LOCALE"]


def queue_mail(to_address: str, subject: str, body: str, *, user_id: int | None = None) -> OutgoingMail:
    """Put one rendered e-mail in the outbox for ``lms worker`` to send; the caller commits."""
    mail = OutgoingMail(to_address=to_address, subject=subject[:300], body=body, user_id=user_id)
    db.session.add(mail)
    return mail


def absolute_link(link: str | None) -> str | None:
    """``link`` made absolute with the portal's public address (PUBLIC_BASE_URL or SERVER_NAME)."""
    if not link or "://" in link:
        return link
    config = current_app.config
    base = config.get("PUBLIC_BASE_URL") or (f"https://{config['SERVER_NAME']}" if config.get("SERVER_NAME") else "")
    return f"{base.rstrip('/')}/{link.lstrip('/')}" if base else link


def _with_link(body: str, link: str | None) -> str:
    link = absolute_link(link)
    return f"{body.rstrip()}\n\n{link}\n" if link else body
