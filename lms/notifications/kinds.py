"""Notification kinds: what may be sent, how it reads in a language, and how it reaches people by default."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from flask import current_app
from flask_babel import gettext


class Delivery:
    """How one kind of notification reaches a person (their choice, else the kind's default)."""

    EMAIL = "email"      # an e-mail at once, plus the in-app entry
    DIGEST = "digest"    # one e-mail a day listing the day's notifications, plus the in-app entries
    IN_APP = "in_app"    # only the in-app entry
    ALL = (EMAIL, DIGEST, IN_APP)


# A text is a msgid (translated with gettext, then filled with ``%(name)s`` params) or a callable
# taking the params and returning the text in the current (forced) locale.
Text = Union[str, Callable[[dict], str]]


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification, declared through ``lms_notification_kinds()``.

    ``label`` names the kind on the preferences page (a lazy_gettext string); ``subject`` and ``body``
    render the e-mail and the in-app entry from the ``params`` given to ``notify()`` (the subject is
    the in-app title); ``default_delivery`` is one of ``Delivery.ALL``.
    """

    name: str
    label: object
    subject: Text
    body: Text
    default_delivery: str = Delivery.EMAIL

    def __post_init__(self):
        if self.default_delivery not in Delivery.ALL:
            raise ValueError(f"default_delivery of {self.name!r} must be one of {Delivery.ALL}")

    def render_subject(self, params: dict) -> str:
        return _render(self.subject, params)

    def render_body(self, params: dict) -> str:
        return _render(self.body, params)


def _render(text: Text, params: dict) -> str:
    if callable(text):
        return str(text(params))
    translated = gettext(text)
    try:
        return translated % params if params else translated
    except (KeyError, TypeError, ValueError):
        return translated


_REGISTRY_KEY = "lms_notification_kinds"


def registered_kinds(app=None) -> dict[str, NotificationKind]:
    """Every kind the loaded plugins declare, by name (collected once per app)."""
    from lms.plugins import plugin_manager

    app = app or current_app
    kinds = app.extensions.get(_REGISTRY_KEY)
    if kinds is None:
        kinds = {}
        for batch in plugin_manager(app).hook.lms_notification_kinds():
            for kind in batch or ():
                if not isinstance(kind, NotificationKind):
                    raise TypeError(f"lms_notification_kinds returned {kind!r}, not a NotificationKind")
                if kind.name in kinds:
                    raise ValueError(f"notification kind {kind.name!r} is declared twice")
                kinds[kind.name] = kind
        app.extensions[_REGISTRY_KEY] = kinds
    return kinds


def get_kind(name: str) -> NotificationKind:
    kinds = registered_kinds()
    if name not in kinds:
        raise LookupError(f"unknown notification kind {name!r}: declare it through lms_notification_kinds()")
    return kinds[name]
