"""The polls plugin's notification kind: an invitation (or a reminder) to answer a poll, via lms.notifications."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.notifications import Delivery, NotificationKind, notify

INVITATION_KIND = "lms_polls_invitation"


def invitation_kind() -> NotificationKind:
    return NotificationKind(
        INVITATION_KIND, _l("Poll invitation"),
        lambda params: _("Poll: %(title)s", title=params.get("title", "")),
        lambda params: _("Please answer the poll \"%(title)s\": it takes a minute.", title=params.get("title", "")),
        Delivery.EMAIL)


def invite(user_ids, *, poll_id: int, survey_id: int, title: str, occasion: str) -> None:
    """Notify each person once per ``occasion`` (the poll's publication, or one reminder). Never commits."""
    for user_id in user_ids:
        notify(user_id, INVITATION_KIND, params={"title": title, "poll_id": poll_id},
               link=f"/surveys/{survey_id}", dedupe_key=f"lms_polls:{poll_id}:{occasion}")
